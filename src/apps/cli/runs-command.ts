import { readdir, rename, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Command } from "commander";
import { LoupeError } from "../../core/errors.js";
import { makeDirectory } from "../../core/make-directory.js";
import type { RunFilter, RunStore, RunSummary } from "../../core/run-store.js";
import { type StopReason, stopReasons, type Trajectory } from "../../core/trajectory.js";
import { writeTrajectoryFile } from "../../store/trajectory-file.js";
import { readTrajectory, TRAJECTORY_FILE, TrajectoryFolder } from "../../store/trajectory-folder.js";
import { runPageHtml } from "../viewer/run-page-html.js";
import { requireViewerDirectory } from "../viewer/viewer-files.js";
import { configuredStore } from "./load-config.js";
import { addStoreOption, openStoreToRead } from "./store-option.js";

/** Where command output goes; tests pass collectors, the CLI the process streams. */
export interface CommandOutput {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const processOutput: CommandOutput = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

interface StoreFlags {
  store?: string;
  config?: string;
  json?: boolean;
}

interface ListFlags extends StoreFlags {
  model?: string;
  dialect?: string;
  stopReason?: string;
  tool?: string;
  text?: string;
  since?: string;
  until?: string;
  limit?: string;
  before?: string;
}

async function withStore<T>(flags: StoreFlags, work: (store: RunStore) => Promise<T>): Promise<T> {
  const store = await openStoreToRead(await configuredStore(flags));
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

export function runsCommand(output: CommandOutput = processOutput): Command {
  const command = new Command("runs").description(
    "the run store: list, show, export, import and remove recorded runs",
  );
  const common = (sub: Command) =>
    addStoreOption(
      sub.option("--config <file>", "config file (its `store` is used)").option("--json", "print JSON"),
    );

  common(
    command
      .command("list")
      .description("recorded runs, newest first")
      .option("--model <name>", "only runs of this model")
      .option("--dialect <name>", "only runs in this dialect")
      .option("--stop-reason <reason>", `only runs that stopped so: ${stopReasons.join(", ")}`)
      .option("--tool <name>", "only runs that called this tool")
      .option("--text <text>", "only runs with this text in the question or the answer (any case)")
      .option("--since <date>", "created at or after (2026-12-01 or an ISO timestamp)")
      .option("--until <date>", "created at or before (a bare date includes that day)")
      .option("--limit <n>", "at most this many (default 50, at most 1000)")
      .option("--before <run-id>", "the page after this run (the last id of the previous page)"),
  ).action(async (flags: ListFlags) => {
    const runs = await withStore(flags, (store) => store.list(filterOf(flags)));
    output.stdout(flags.json ? `${JSON.stringify(runs, null, 2)}\n` : runsTable(runs));
  });

  common(
    command
      .command("show")
      .description("one run: question, answer, steps, stop reason, usage")
      .argument("<run-id>"),
  ).action(async (id: string, flags: StoreFlags) => {
    const trajectory = await withStore(flags, (store) => trajectoryOf(store, id));
    output.stdout(flags.json ? `${JSON.stringify(trajectory, null, 2)}\n` : runReport(trajectory));
  });

  common(
    command
      .command("export")
      .description("write a run as a trajectory folder (replay and resume take it), or one JSON file")
      .argument("<run-id>")
      .option("-o, --out <dir>", "the folder to write (default runs/<run-id>)")
      .option("--file <file.json>", "one self-contained JSON file instead, images embedded as base64")
      .option("--html <file.html>", "one self-contained HTML page of the run (the viewer, images embedded)"),
  ).action(async (id: string, flags: StoreFlags & { out?: string; file?: string; html?: string }) => {
    if ([flags.out, flags.file, flags.html].filter(Boolean).length > 1)
      throw new LoupeError("config", "Give one of --out, --file or --html.");
    const viewer = flags.html ? requireViewerDirectory() : undefined;
    const path = await withStore(flags, async (store) => {
      const { trajectory, images } = await store.load(id);
      if (flags.html && viewer) {
        await writeFileAtomically(flags.html, await runPageHtml(viewer, trajectory, images));
        return flags.html;
      }
      if (flags.file) {
        await writeTrajectoryFile(flags.file, trajectory, images);
        return flags.file;
      }
      const folder = new TrajectoryFolder(flags.out ?? join("runs", id));
      await folder.write(trajectory, images);
      return folder.dir;
    });
    output.stdout(flags.json ? `${JSON.stringify({ id, path })}\n` : `${path}\n`);
  });

  common(
    command
      .command("import")
      .description(
        "bring trajectory folders (or trajectory files) into the store; a run imported again is replaced",
      )
      .argument(
        "<paths...>",
        "run folders, trajectory.json files, or folders of run folders (such as runs/)",
      ),
  ).action(async (paths: string[], flags: StoreFlags) => {
    const imported = await withStore(flags, async (store) => {
      const ids: string[] = [];
      for (const location of await trajectoryLocations(paths)) {
        const { trajectory, images } = await readTrajectory(location, { loadImages: true });
        await store.save({ trajectory, images });
        ids.push(trajectory.id);
        if (!flags.json) output.stderr(`imported ${trajectory.id} from ${location}\n`);
      }
      return ids;
    });
    output.stdout(
      flags.json
        ? `${JSON.stringify({ imported })}\n`
        : `${imported.length} run${imported.length === 1 ? "" : "s"} imported\n`,
    );
  });

  common(
    command.command("rm").description("remove runs (and images no other run uses)").argument("<run-ids...>"),
  ).action(async (ids: string[], flags: StoreFlags) => {
    const missing = await withStore(flags, async (store) => {
      const notFound: string[] = [];
      for (const id of ids) if (!(await store.remove(id))) notFound.push(id);
      return notFound;
    });
    const removed = ids.filter((id) => !missing.includes(id));
    output.stdout(
      flags.json
        ? `${JSON.stringify({ removed, missing })}\n`
        : removed.map((id) => `removed ${id}\n`).join(""),
    );
    if (missing.length > 0)
      throw new LoupeError(
        "run-not-found",
        `No run ${missing.join(", ")} in the store; nothing removed for ${missing.length === 1 ? "it" : "them"}.`,
      );
  });
  return command;
}

function filterOf(flags: ListFlags): RunFilter {
  const filter: RunFilter = {};
  if (flags.model) filter.model = flags.model;
  if (flags.dialect) filter.dialect = flags.dialect;
  if (flags.stopReason) {
    if (!(stopReasons as readonly string[]).includes(flags.stopReason))
      throw new LoupeError(
        "config",
        `--stop-reason: "${flags.stopReason}" is not one of ${stopReasons.join(", ")}.`,
      );
    filter.stopReason = flags.stopReason as StopReason;
  }
  if (flags.tool) filter.toolUsed = flags.tool;
  if (flags.text) filter.text = flags.text;
  if (flags.since) filter.since = flags.since;
  if (flags.until) filter.until = flags.until;
  if (flags.before) filter.before = flags.before;
  if (flags.limit !== undefined) {
    const limit = Number(flags.limit);
    if (!Number.isInteger(limit) || limit < 1)
      throw new LoupeError("config", `--limit: expected a whole number of at least 1, got "${flags.limit}".`);
    filter.limit = limit;
  }
  return filter;
}

async function trajectoryOf(store: RunStore, id: string): Promise<Trajectory> {
  const trajectory = await store.getTrajectory(id);
  if (!trajectory)
    throw new LoupeError("run-not-found", `No run ${id} in the store.`, {
      hint: "`loupe runs list` shows the runs it holds",
    });
  return trajectory;
}

/** The run folders and files the paths name: a folder without trajectory.json is searched one level down. */
async function trajectoryLocations(paths: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (!info) throw new LoupeError("config", `Cannot import ${path}: no such file or folder.`);
    if (!info.isDirectory() || (await stat(join(path, TRAJECTORY_FILE)).catch(() => undefined))) {
      found.push(path);
      continue;
    }
    const inside: string[] = [];
    for (const entry of (await readdir(path, { withFileTypes: true })).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      if (entry.isDirectory() && (await stat(join(path, entry.name, TRAJECTORY_FILE)).catch(() => undefined)))
        inside.push(join(path, entry.name));
    }
    if (inside.length === 0)
      throw new LoupeError(
        "config",
        `Cannot import ${path}: it holds no ${TRAJECTORY_FILE}, nor run folders that do.`,
      );
    found.push(...inside);
  }
  return found;
}

function runsTable(runs: RunSummary[]): string {
  if (runs.length === 0) return "no runs\n";
  const rows = runs.map((run) => [
    run.id,
    run.createdAt.replace("T", " ").slice(0, 16),
    run.model,
    run.dialect,
    run.stopReason,
    String(run.steps),
    run.toolsUsed.join(",") || "-",
    oneLine(run.question, 48),
  ]);
  const header = ["ID", "CREATED", "MODEL", "DIALECT", "STOP", "STEPS", "TOOLS", "QUESTION"];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]!.length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!)))
      .join("  ")
      .trimEnd();
  return `${[header, ...rows].map(line).join("\n")}\n`;
}

function runReport(trajectory: Trajectory): string {
  const { budgetsUsed } = trajectory;
  const lines = [
    `run       ${trajectory.id}`,
    `created   ${trajectory.createdAt}`,
    `model     ${trajectory.config.model} (${trajectory.config.dialect})`,
    `question  ${trajectory.question}`,
    `answer    ${trajectory.answer ?? "(none)"}`,
    `stopped   ${trajectory.stopReason}${trajectory.error ? `: ${trajectory.error.message}` : ""}`,
    `usage     ${budgetsUsed.steps} steps, ${budgetsUsed.toolCalls} tool calls, ${budgetsUsed.usage.promptTokens} prompt + ${budgetsUsed.usage.completionTokens} completion tokens, ${(budgetsUsed.wallMs / 1000).toFixed(1)} s`,
    `images    ${trajectory.images.length}`,
    "steps",
  ];
  for (const step of trajectory.steps) {
    const calls = step.actions.map(
      (action) => `${action.tool}(${oneLine(JSON.stringify(action.arguments ?? {}), 60)})`,
    );
    const said = step.answer === undefined ? "" : `answer: ${oneLine(step.answer, 60)}`;
    lines.push(
      `  ${String(step.index).padStart(2)}  ${[...calls, said].filter(Boolean).join("  ") || "(no action)"}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Written beside, then renamed: a cut-off export leaves no half page. */
async function writeFileAtomically(path: string, text: string): Promise<void> {
  makeDirectory(dirname(path), "the exported page's folder");
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, path);
}
