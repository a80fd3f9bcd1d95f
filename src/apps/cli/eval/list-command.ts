import { Command } from "commander";
import pc from "picocolors";
import { benchmarkList } from "../../../eval/benchmarks.js";
import { type CommandOutput, processOutput } from "./command-output.js";

/** `loupe eval list`: every benchmark with its description, formats, categories and source. */
export function listCommand(output: CommandOutput = processOutput): Command {
  return new Command("list")
    .description("list the benchmarks Loupe reads, with their formats and categories")
    .option("--json", "print JSON")
    .action((flags: { json?: boolean }) => {
      const benchmarks = benchmarkList().map((definition) => ({
        name: definition.name,
        description: definition.description,
        formats: [...definition.formats],
        dataFiles: [...definition.dataFiles],
        categories: definition.categories,
        hub: (definition.hub ?? []).map((file) => `${file.repo}/${file.path}`),
        ...(definition.hubNote ? { note: definition.hubNote } : {}),
      }));
      if (flags.json) {
        output.stdout(`${JSON.stringify(benchmarks, null, 2)}\n`);
        return;
      }
      for (const benchmark of benchmarks) {
        output.stdout(`${pc.bold(benchmark.name)}  ${benchmark.description}\n`);
        output.stdout(
          `  formats: ${benchmark.formats.join(", ")}  files: ${benchmark.dataFiles.join(", ")}\n`,
        );
        output.stdout(`  ${benchmark.categories}\n`);
        output.stdout(
          `  ${pc.dim(benchmark.hub.length > 0 ? `fetch: ${benchmark.hub.join(", ")}` : `fetch: none (${benchmark.note ?? "no source"})`)}\n`,
        );
      }
    });
}
