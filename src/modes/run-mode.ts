import { runAgent } from "../agent/run-agent.js";
import type { RunAgentOptions, RunResult } from "../agent/run-options.js";
import type { AskMode } from "./mode-names.js";
import { runPlan } from "./plan/run-plan.js";
import { runResearch } from "./research/run-research.js";

/**
 * Runs a question in a mode. `interleaved` is the agent loop as it is; `direct` is the same loop
 * with no tools, so the model answers in one turn; `plan` and `research` are modes/plan and
 * modes/research. Every mode returns a trajectory, whose `mode` says which ran (absent for
 * interleaved, as in trajectories from before modes).
 */
export async function runMode(mode: AskMode, options: RunAgentOptions): Promise<RunResult> {
  switch (mode) {
    case "interleaved":
      return runAgent(options);
    case "direct": {
      const result = await runAgent({ ...options, tools: [] });
      return { ...result, trajectory: { ...result.trajectory, mode: "direct" } };
    }
    case "plan":
      return runPlan(options);
    case "research":
      return runResearch(options);
  }
}
