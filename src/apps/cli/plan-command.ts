import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { Command } from "commander";
import { createRunParts } from "../../api/run-parts.js";
import { ImageSet } from "../../core/image-set.js";
import type { PlanRecord } from "../../core/mode-records.js";
import { loadInputImage } from "../../images/load-image.js";
import { modeToolKinds } from "../../modes/mode-names.js";
import { runPlan } from "../../modes/plan/run-plan.js";
import { TrajectoryFolder } from "../../store/trajectory-folder.js";
import { addRunOptions, collect, timestamp } from "./ask-command.js";
import { exitCodes } from "./exit-codes.js";
import { type ConfigFlags, loadConfig } from "./load-config.js";
import { runExitCode } from "./run-exit-code.js";
import { runInFolder } from "./run-session.js";

interface PlanFlags extends ConfigFlags {
  image: string[];
  execute?: boolean;
  json?: boolean;
  out?: string;
  quiet?: boolean;
}

export function planCommand(): Command {
  const command = new Command("plan")
    .description("ask a planner for a plan of tool steps and print it; --execute runs it and answers")
    .argument("<question>", "the question")
    .option("-i, --image <path-or-url>", "an input image (repeat for several)", collect, [])
    .option("--execute", "run the plan (as `loupe ask --mode plan`) and write the run folder")
    .option("--json", "print the plan (with --execute: the trajectory) as JSON on stdout")
    .option("-o, --out <dir>", "with --execute: folder for trajectory.json and images")
    .option("-q, --quiet", "with --execute: print only the answer");
  addRunOptions(command);
  return command.action(async (question: string, flags: PlanFlags) => {
    process.exitCode = await plan(question, flags);
  });
}

async function plan(question: string, flags: PlanFlags): Promise<number> {
  const config = await loadConfig(flags);
  const images = await Promise.all(flags.image.map((source) => loadInputImage(source, config.images)));
  const runId = randomUUID();
  if (flags.execute) {
    const folder = new TrajectoryFolder(flags.out ?? join("runs", `${timestamp()}-${runId.slice(0, 8)}`));
    return runInFolder({
      config,
      folder,
      imageSet: new ImageSet(),
      flags,
      parts: { defaultKinds: modeToolKinds("plan") },
      start: async (parts) => {
        const result = await runPlan({ ...parts, question, images, runId });
        if (result.trajectory.plan && !flags.quiet && !flags.json)
          process.stderr.write(`${formatPlan(result.trajectory.plan)}\n`);
        return result;
      },
    });
  }
  const parts = await createRunParts(config, { defaultKinds: modeToolKinds("plan") });
  try {
    const { trajectory } = await runPlan({ ...parts, config, question, images, runId, planOnly: true });
    if (trajectory.stopReason === "error" || !trajectory.plan) {
      const { code, reason } = runExitCode(trajectory);
      process.stderr.write(`loupe: ${reason ?? "no plan"}\n`);
      return code;
    }
    const revision = trajectory.plan.revisions[0];
    process.stdout.write(
      flags.json ? `${JSON.stringify(revision?.steps ?? [], null, 2)}\n` : `${formatPlan(trajectory.plan)}\n`,
    );
    return exitCodes.answer;
  } finally {
    await parts.close();
  }
}

/** A plan as lines: each step with its tool, parameters and the steps it needs; revisions after. */
export function formatPlan(plan: PlanRecord): string {
  const lines: string[] = [];
  for (const [index, revision] of plan.revisions.entries()) {
    if (index > 0) lines.push(`revised (${revision.reason ?? "a step failed"}):`);
    for (const step of revision.steps) {
      const needs =
        step.dependsOn.length > 0 ? `  needs ${step.dependsOn.map((n) => `Step ${n}`).join(", ")}` : "";
      const parameters = Object.keys(step.parameters).length > 0 ? ` ${JSON.stringify(step.parameters)}` : "";
      lines.push(`Step ${step.number} (${step.tool}): ${step.description}${parameters}${needs}`);
    }
  }
  for (const step of plan.executed) {
    if (step.status !== "done") lines.push(`Step ${step.number} ${step.status}: ${step.note ?? ""}`);
  }
  return lines.join("\n");
}
