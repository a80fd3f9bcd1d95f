import { Command } from "commander";
import { inspectData } from "../../../eval/inspect-data.js";
import { type CommandOutput, processOutput } from "./command-output.js";

interface CheckFlags {
  data: string;
  imageRoot?: string;
  canary?: string;
  json?: boolean;
}

/**
 * `loupe eval check BENCHMARK --data PATH`: reads a data file through the benchmark's loader
 * before a long run: the count, the categories, where the images come from, and the first
 * item; a bad row stops it with the file, row and field.
 */
export function checkCommand(output: CommandOutput = processOutput): Command {
  return new Command("check")
    .description(
      "read a benchmark's data file through its loader: items, categories, images, the first bad row",
    )
    .argument("<benchmark>", "a name from `loupe eval list`")
    .requiredOption("--data <path>", "the data file, or a folder holding the benchmark's files")
    .option("--image-root <folder>", "folder relative image paths are read from (default: the data file's)")
    .option("--canary <text>", "MMSearch-Plus: the canary its fields are encrypted with")
    .option("--json", "print JSON")
    .action(async (name: string, flags: CheckFlags) => {
      const summary = await inspectData(name, flags.data, {
        ...(flags.imageRoot ? { imageRoot: flags.imageRoot } : {}),
        ...(flags.canary ? { canary: flags.canary } : {}),
      });
      if (flags.json) {
        output.stdout(`${JSON.stringify(summary, null, 2)}\n`);
        return;
      }
      output.stdout(
        `${summary.file}: ${summary.items} ${name} items, ${summary.multipleChoice} multiple choice\n`,
      );
      for (const [category, count] of Object.entries(summary.byCategory))
        output.stdout(`  ${category}: ${count}\n`);
      const { bytes, path, url, none } = summary.images;
      output.stdout(`images: ${bytes} embedded, ${path} paths, ${url} URLs; ${none} items without one\n`);
    });
}
