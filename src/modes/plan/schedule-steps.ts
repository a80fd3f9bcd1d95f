import type { StopReason } from "../../core/trajectory.js";
import type { PlanStep } from "./plan-format.js";
import type { StepResult } from "./step-result.js";

export interface ScheduleOptions {
  /** Steps run at once, at most. */
  concurrency: number;
  /** Results of earlier steps (done ones unlock their dependents); the schedule adds to it. */
  results: Map<number, StepResult>;
  run(step: PlanStep): Promise<StepResult>;
  /** A spent budget: no step starts once it says so. */
  budgetStop(): StopReason | undefined;
}

export interface ScheduleOutcome {
  /** The first step that failed or came back empty: the rest of the plan must be revised. */
  trouble?: StepResult;
  /** The budget that stopped the plan. */
  stop?: StopReason;
  /** Steps that never started (a dependency failed, or the plan stopped). */
  notRun: PlanStep[];
}

/**
 * Runs steps in dependency order: every step whose dependencies are done starts at once (up to
 * `concurrency`), so independent branches overlap. After a failed or empty step, or once a budget
 * is spent, no new step starts; the steps already running finish and are kept.
 */
export async function scheduleSteps(
  steps: readonly PlanStep[],
  options: ScheduleOptions,
): Promise<ScheduleOutcome> {
  const waiting = [...steps];
  const running = new Map<number, Promise<void>>();
  let trouble: StepResult | undefined;
  let stop: StopReason | undefined;
  // A step that throws (the model server failed, the run was cancelled) ends the plan: the
  // others still running finish first, so nothing runs on after the run has ended.
  let thrown: { error: unknown } | undefined;
  const ready = (step: PlanStep) =>
    step.dependsOn.every((number) => options.results.get(number)?.status === "done");
  for (;;) {
    while (!trouble && !stop && !thrown && running.size < options.concurrency) {
      const next = waiting.find(ready);
      if (!next) break;
      stop = options.budgetStop();
      if (stop) break;
      waiting.splice(waiting.indexOf(next), 1);
      const work = options.run(next).then(
        (result) => {
          options.results.set(next.number, result);
          if (result.status !== "done") trouble ??= result;
          running.delete(next.number);
        },
        (error: unknown) => {
          thrown ??= { error };
          running.delete(next.number);
        },
      );
      running.set(next.number, work);
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }
  if (thrown) throw thrown.error;
  return { ...(trouble ? { trouble } : {}), ...(stop ? { stop } : {}), notRun: waiting };
}
