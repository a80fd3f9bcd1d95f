import { dirname } from "node:path";
import { Command } from "commander";
import { resumeRun } from "../../agent/resume-run.js";
import type { ApprovalDecisions } from "../../agent/tool-approval.js";
import { budgetsSchema, type LoupeConfig } from "../../core/config.js";
import { LoupeError } from "../../core/errors.js";
import type { Trajectory } from "../../core/trajectory.js";
import { loadCheckpoint } from "../../store/checkpoint-folder.js";
import { TrajectoryFolder } from "../../store/trajectory-folder.js";
import { addRunOptions } from "./ask-command.js";
import { type ConfigFlags, loadConfig } from "./load-config.js";
import { runInFolder } from "./run-session.js";

interface ResumeFlags extends ConfigFlags {
  approve: string[];
  reject: string[];
  reason?: string;
  followUp?: string;
  json?: boolean;
  quiet?: boolean;
}

export function resumeCommand(): Command {
  const command = new Command("resume")
    .description(
      "go on with a run from its folder: after a crash, Ctrl-C or kill, a pause for approval, or with a follow-up question",
    )
    .argument("<dir>", "the run folder (or its trajectory.json)")
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
    .option("-q, --quiet", "print only the answer");
  addRunOptions(command);
  return command.action(async (dir: string, flags: ResumeFlags) => {
    process.exitCode = await resume(dir, flags);
  });
}

async function resume(dir: string, flags: ResumeFlags): Promise<number> {
  const checkpoint = await loadCheckpoint(dir);
  const { trajectory } = checkpoint;
  const config = withRecordedBudgets(
    await loadConfig(withRecordedModel(flags, trajectory)),
    trajectory,
    flags,
  );
  const decisions = decisionsOf(trajectory, flags);
  const folder = new TrajectoryFolder(dir.endsWith(".json") ? dirname(dir) : dir);
  return runInFolder({
    config,
    folder,
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

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
