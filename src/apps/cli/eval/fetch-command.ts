import { Command } from "commander";
import pc from "picocolors";
import { fetchBenchmark } from "../../../eval/fetch/fetch-benchmark.js";
import { type CommandOutput, processOutput } from "./command-output.js";

interface FetchFlags {
  dir?: string;
  hubUrl?: string;
  retries: string;
  json?: boolean;
}

/**
 * `loupe eval fetch BENCHMARK`: downloads the benchmark's released files from the dataset hub
 * into `$LOUPE_HOME/benchmarks/<name>/` (or `--dir`), resumable and checksummed.
 */
export function fetchCommand(output: CommandOutput = processOutput): Command {
  return new Command("fetch")
    .description("download a benchmark's released files from the dataset hub (resumable, checksummed)")
    .argument("<benchmark>", "a name from `loupe eval list`")
    .option("--dir <folder>", "where to put the files (default: $LOUPE_HOME/benchmarks/<benchmark>)")
    .option("--hub-url <url>", "the dataset hub (default: $LOUPE_HUB_URL or https://huggingface.co)")
    .option("--retries <n>", "attempts after a cut connection, each resuming", "3")
    .option("--json", "print what was fetched as JSON")
    .action(async (name: string, flags: FetchFlags) => {
      const retries = Number.parseInt(flags.retries, 10);
      let lastShown = 0;
      const { folder, files } = await fetchBenchmark(name, {
        ...(flags.dir ? { folder: flags.dir } : {}),
        ...(flags.hubUrl ? { hubUrl: flags.hubUrl } : {}),
        retries: Number.isInteger(retries) && retries >= 0 ? retries : 3,
        onProgress: ({ file, done, total }) => {
          const now = Date.now();
          if (flags.json || now - lastShown < 250) return;
          lastShown = now;
          const share = total ? ` (${((100 * done) / total).toFixed(0)}%)` : "";
          output.stderr(`\r${pc.dim(`${file}: ${(done / 1e6).toFixed(1)} MB${share}`)}`);
        },
      });
      if (flags.json) {
        output.stdout(`${JSON.stringify({ folder, files }, null, 2)}\n`);
        return;
      }
      if (lastShown > 0) output.stderr("\n");
      for (const file of files) {
        const how = file.alreadyPresent
          ? "already there"
          : file.resumedFrom > 0
            ? `resumed from ${file.resumedFrom} bytes`
            : "downloaded";
        output.stdout(`${file.path}  ${file.bytes} bytes, ${how}, sha256 ${file.sha256}\n`);
        if (file.verifiedBy === "none")
          output.stderr(`${pc.yellow(`${file.path}: the hub gave no checksum; the file is unverified`)}\n`);
        else output.stdout(`  checked against the ${file.verifiedBy}\n`);
      }
    });
}
