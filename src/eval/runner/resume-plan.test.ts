import { describe, expect, it } from "vitest";
import type { EvalResult } from "../../store/eval-store.js";
import { planTasks } from "./resume-plan.js";

const at = "2026-12-02T00:00:00.000Z";
const row = (itemId: string, status: EvalResult["status"], variant = "default"): EvalResult => ({
  evalId: "e",
  variant,
  itemId,
  position: 0,
  status,
  runId: `run-${variant}-${itemId}`,
  attempts: 1,
  startedAt: at,
});

describe("planTasks (resume bookkeeping)", () => {
  let counter = 0;
  const newRunId = () => `new-${++counter}`;

  it("redoes nothing finished, and redoes what was running under its own run id", () => {
    const plan = planTasks(
      ["a", "b", "c", "d"],
      ["default"],
      [row("a", "done"), row("b", "running"), row("c", "error")],
      newRunId,
    );
    expect(plan.finished.map((result) => result.itemId)).toEqual(["a", "c"]);
    expect(plan.tasks).toEqual([
      { variant: "default", itemId: "b", position: 1, runId: "run-default-b", attempts: 1 },
      { variant: "default", itemId: "d", position: 3, runId: expect.stringMatching(/^new-/), attempts: 0 },
    ]);
  });

  it("redoes failed items with retryFailed, and plans each variant of an ablation on its own", () => {
    const plan = planTasks(
      ["a", "b"],
      ["direct", "tools"],
      [row("a", "done", "direct"), row("a", "error", "tools")],
      newRunId,
      {
        retryFailed: true,
      },
    );
    expect(plan.tasks.map((task) => `${task.variant}/${task.itemId}`)).toEqual([
      "direct/b",
      "tools/a",
      "tools/b",
    ]);
    expect(plan.tasks[1]!.runId).toBe("run-tools-a");
  });

  it("plans everything for a new evaluation", () => {
    expect(planTasks(["a", "b"], ["default"], [], newRunId).tasks).toHaveLength(2);
  });
});
