import { existsSync } from "node:fs";
import { dirname } from "node:path";
import { Command } from "commander";
import { resumeRun } from "../../agent/resume-run.js";
import type { ApprovalDecisions } from "../../agent/tool-approval.js";
import { budgetsSchema, type LoupeConfig } from "../../core/config.js";
import { LoupeError } from "../../core/errors.js";
import type { RunCheckpoint } from "../../core/run-checkpoint.js";
import type { RunStore } from "../../core/run-store.js";
import type { Trajectory } from "../../core/trajectory.js";
import { loadCheckpoint } from "../../store/checkpoint-folder.js";
import { TrajectoryFolder } from "../../store/trajectory-folder.js";
import { addRunOptions, defaultRunFolder } from "./ask-command.js";
import { type ConfigFlags, configuredStore, loadConfig } from "./load-config.js";
import { runInFolder } from "./run-session.js";
import { addStoreOption, openRecordingStore, storeIsOff } from "./store-option.js";

interface ResumeFlags extends ConfigFlags {
  approve: string[];
  reject: string[];
  reason?: string;
  followUp?: string;
  json?: boolean;
  quiet?: boolean;
  out?: string;
}

export function resumeCommand(): Command {
  const command = new Command("resume")
    .description(
      "go on with a run from its folder: after a crash, Ctrl-C or kill, a pause for approval, or with a follow-up question",
    )
    .argument("<dir-or-id>", "the run folder (or its trajectory.json), or a run id from the store")
    .option(
      "--approve <call-id>",
      "run a call that waits for approval (repeat; `all` for every one)",
      collect,
      [],
    )
    .option(
      "--reject <call-id>",
      "refuse a call that waits for approval (repeat; `all` for every one)",
      collect,
      [],
    )
    .option("--reason <text>", "why the calls were rejected; the model reads it")
    .option("--follow-up <question>", "ask more after a finished run")
    .option("--json", "print the trajectory as JSON on stdout")
    .option("-q, --quiet", "print only the answer")
    .option("-o, --out <dir>", "for a run from the store: its folder (default runs/<time>-<id>)");
  addRunOptions(command);
  addStoreOption(command);
  return command.action(async (target: string, flags: ResumeFlags) => {
    process.exitCode = await resume(target, flags);
  });
}

/**
 * Resumes a run from its folder (it goes on there), or, when no such path exists, from the run
 * store by id (it goes on in a new folder). Either way the store records it, unless it is off.
 */
async function resume(target: string, flags: ResumeFlags): Promise<number> {
  const location = await configuredStore(flags);
  const fromFolder = existsSync(target);
  let store: RunStore | undefined;
  let checkpoint: RunCheckpoint;
  let dir: string;
  try {
    store = await openRecordingStore(fromFolder ? location : storeForId(target, location));
    checkpoint = fromFolder ? await loadCheckpoint(target) : await loadFromStore(store!, target);
    dir = fromFolder
      ? target.endsWith(".json")
        ? dirname(target)
        : target
      : (flags.out ?? defaultRunFolder(target));
  } catch (error) {
    await store?.close();
    throw error;
  }
  const { trajectory } = checkpoint;
  const config = withRecordedBudgets(
    await loadConfig(withRecordedModel(flags, trajectory)),
    trajectory,
    flags,
  );
  const decisions = decisionsOf(trajectory, flags);
  const folder = new TrajectoryFolder(dir);
  return runInFolder({
    config,
    folder,
    store,
    imageSet: checkpoint.images,
    flags,
    start: (parts) =>
      resumeRun(checkpoint, {
        ...parts,
        ...(decisions ? { decisions } : {}),
        ...(flags.followUp === undefined ? {} : { followUp: flags.followUp }),
      }),
  });
}

/** The run goes on with the server, model, dialect and tools it was recorded with, unless flags say otherwise. */
function withRecordedModel(flags: ResumeFlags, trajectory: Trajectory): ConfigFlags {
  const recorded = trajectory.config;
  return {
    ...flags,
    baseUrl: flags.baseUrl ?? recorded.baseUrl,
    model: flags.model ?? recorded.model,
    dialect: flags.dialect ?? recorded.dialect,
    tools: flags.tools ?? recorded.tools.join(","),
  };
}

/** The budgets the run was recorded with, replaced by those given as flags (`--max-steps 20`). */
function withRecordedBudgets(config: LoupeConfig, trajectory: Trajectory, flags: ConfigFlags): LoupeConfig {
  const budgets: Record<string, unknown> = { ...config.budgets, ...trajectory.config.budgets };
  if (flags.maxSteps !== undefined) budgets.maxSteps = config.budgets.maxSteps;
  if (flags.maxToolCalls !== undefined) budgets.maxToolCalls = config.budgets.maxToolCalls;
  if (flags.maxTokens !== undefined) budgets.maxTokens = config.budgets.maxTokens;
  if (flags.timeLimit !== undefined) budgets.maxWallMs = config.budgets.maxWallMs;
  if (flags.maxCost !== undefined) budgets.maxCostUsd = config.budgets.maxCostUsd;
  const parsed = budgetsSchema.safeParse(budgets);
  return parsed.success ? { ...config, budgets: parsed.data } : config;
}

/**
 * The user's decisions about the calls a paused run waits on. A paused run resumed without a
 * decision for each waiting call is refused, naming them: it would only pause again.
 */
function decisionsOf(trajectory: Trajectory, flags: ResumeFlags): ApprovalDecisions | undefined {
  const waiting = trajectory.stopReason === "paused" ? (trajectory.resume?.awaitingApproval ?? []) : [];
  const expand = (ids: string[]) => (ids.includes("all") ? waiting : ids);
  const approve = expand(flags.approve);
  const reject = expand(flags.reject);
  if (approve.length === 0 && reject.length === 0) {
    if (waiting.length === 0) return undefined;
    throw new LoupeError(
      "resume-refused",
      `The run is paused: ${waiting.join(", ")} ${waiting.length === 1 ? "waits" : "wait"} for approval. Pass --approve ID or --reject ID (or all) for each.`,
    );
  }
  const decisions: Record<string, ApprovalDecisions[string]> = {};
  for (const id of approve) decisions[id] = { approve: true };
  for (const id of reject) {
    if (decisions[id]) throw new LoupeError("resume-refused", `${id} is both approved and rejected.`);
    decisions[id] = { approve: false, ...(flags.reason === undefined ? {} : { reason: flags.reason }) };
  }
  const undecided = waiting.filter((id) => !decisions[id]);
  if (undecided.length > 0)
    throw new LoupeError(
      "resume-refused",
      `No decision for ${undecided.join(", ")}: pass --approve or --reject for every call that waits.`,
    );
  return decisions;
}

async function loadFromStore(store: RunStore, id: string): Promise<RunCheckpoint> {
  try {
    return await store.load(id);
  } catch (error) {
    if (!(error instanceof LoupeError) || error.code !== "run-not-found") throw error;
    throw new LoupeError(
      "run-not-found",
      `${id} is neither a run folder nor a run id in the store: ${error.message}`,
      {
        cause: error,
        ...(error.hint ? { hint: error.hint } : {}),
      },
    );
  }
}

/** A run id is looked up in the store; with the store off there is nowhere to look. */
function storeForId(id: string, location: string | undefined): string | undefined {
  if (storeIsOff(location))
    throw new LoupeError(
      "run-not-found",
      `${id} is not a folder, and the run store is off (--store none): nowhere to find it.`,
    );
  return location;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
