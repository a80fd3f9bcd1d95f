import { readFile } from "node:fs/promises";
import { Command } from "commander";
import pc from "picocolors";
import { describeError, LoupeError } from "../../core/errors.js";
import { defaultIndexPath } from "../../core/paths.js";
import { type LocalIndex, openLocalIndex } from "../../search/local-index/index.js";

/** Where command output goes; tests pass collectors, the CLI the process streams. */
export interface CommandOutput {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const processOutput: CommandOutput = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

interface IndexFlags {
  index?: string;
  json?: boolean;
}

/** --index, then LOUPE_INDEX, then ~/.loupe/index.sqlite. */
function indexPath(flags: IndexFlags): string {
  return flags.index ?? defaultIndexPath();
}

async function withIndex<T>(flags: IndexFlags, work: (index: LocalIndex) => Promise<T>): Promise<T> {
  const index = openLocalIndex(indexPath(flags));
  try {
    return await work(index);
  } finally {
    index.close();
  }
}

export function indexCommand(output: CommandOutput = processOutput): Command {
  const command = new Command("index").description(
    "the offline search index: add pages and images, search, stats",
  );
  const common = (sub: Command) =>
    sub
      .option("--index <path>", "index file (default: $LOUPE_INDEX or ~/.loupe/index.sqlite)")
      .option("--json", "print JSON");

  common(
    command
      .command("add")
      .description("index folders and files: HTML, Markdown, text, PDF and images")
      .argument("<paths...>", "files or folders (walked recursively)"),
  ).action(async (paths: string[], flags: IndexFlags) => {
    await withIndex(flags, async (index) => {
      let lastShown = 0;
      const report = await index.add(paths, (progress) => {
        const now = Date.now();
        if (flags.json || (now - lastShown < 250 && progress.done < progress.total)) return;
        lastShown = now;
        output.stderr(`\r${pc.dim(`indexing ${progress.done}/${progress.total}`)}`);
      });
      if (flags.json) {
        output.stdout(`${JSON.stringify(report, null, 2)}\n`);
        return;
      }
      output.stderr("\n");
      for (const failure of report.failed)
        output.stderr(`${pc.yellow(`skipped ${failure.path}: ${failure.reason}`)}\n`);
      for (const warning of report.warnings) output.stderr(`${pc.yellow(warning)}\n`);
      const added = report.documents + report.images;
      const rate = report.seconds > 0 ? added / report.seconds : 0;
      output.stdout(
        `${report.documents} documents, ${report.images} images, ${report.skipped} skipped, ${report.failed.length} failed in ${report.seconds.toFixed(1)} s (${rate.toFixed(1)} docs/s)\n`,
      );
    });
  });

  common(
    command
      .command("search")
      .description("search the index by text, or by image with --image")
      .argument("[query...]", "words to search for")
      .option("--image <path>", "reverse image search: find indexed images that show this picture")
      .option("--images", "text-to-image: search images by the text of pages that show them")
      .option("--limit <n>", "number of results", "10"),
  ).action(
    async (words: string[], flags: IndexFlags & { image?: string; images?: boolean; limit: string }) => {
      const limit = Number.parseInt(flags.limit, 10);
      if (!Number.isInteger(limit) || limit < 1)
        throw new LoupeError("config", `--limit must be a positive integer, got ${flags.limit}`);
      const query = words.join(" ").trim();
      if (!flags.image && !query)
        throw new LoupeError("tool-input", "give words to search for, or --image PATH");
      // Read the query image before opening the index, so a wrong path creates no index file.
      const bytes = flags.image
        ? await readFile(flags.image).catch((error: unknown) => {
            throw new LoupeError("image-not-found", `cannot read ${flags.image}: ${describeError(error)}`, {
              cause: error,
            });
          })
        : undefined;
      await withIndex(flags, async (index) => {
        if (flags.image && bytes) {
          const hits = await index.searchByImage({ id: flags.image, bytes, mime: "image/*" }, { limit });
          if (flags.json) output.stdout(`${JSON.stringify(hits, null, 2)}\n`);
          else
            printLines(
              output,
              hits.map((hit) => [hit.title, hit.link, hit.source === hit.link ? "" : `image ${hit.source}`]),
            );
          return;
        }
        if (flags.images) {
          const hits = await index.searchImagesByText(query, { limit });
          if (flags.json) output.stdout(`${JSON.stringify(hits, null, 2)}\n`);
          else
            printLines(
              output,
              hits.map((hit) => [hit.title, hit.link, `image ${hit.source}`]),
            );
          return;
        }
        const hits = await index.searchText(query, { limit });
        if (flags.json) output.stdout(`${JSON.stringify(hits, null, 2)}\n`);
        else
          printLines(
            output,
            hits.map((hit) => [hit.title, hit.url, hit.snippet]),
          );
      });
    },
  );

  common(command.command("stats").description("what the index holds")).action(async (flags: IndexFlags) => {
    await withIndex(flags, async (index) => {
      const stats = index.stats();
      if (flags.json) {
        output.stdout(`${JSON.stringify(stats, null, 2)}\n`);
        return;
      }
      output.stdout(
        `${stats.path}\n${stats.documents} documents, ${stats.images} images, ${stats.imageReferences} image references, ${stats.embeddings} embeddings, ${(stats.bytes / 1e6).toFixed(1)} MB\n`,
      );
    });
  });
  return command;
}

function printLines(output: CommandOutput, hits: [string, string, string][]): void {
  if (hits.length === 0) {
    output.stdout("no results\n");
    return;
  }
  hits.forEach(([title, url, detail], position) => {
    output.stdout(`${position + 1}. ${pc.bold(title || "(untitled)")}\n   ${pc.cyan(url)}\n`);
    if (detail) output.stdout(`   ${pc.dim(detail)}\n`);
  });
}
