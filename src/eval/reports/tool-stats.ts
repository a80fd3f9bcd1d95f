import type { EvalResult } from "../../store/eval-store.js";

/** How the model used its tools over an evaluation's finished items. */
export interface ToolStats {
  questions: number;
  /** Mean tool calls per question. */
  callsPerQuestion: number;
  /** Share of questions with at least one tool call. */
  questionsWithTools: number;
  /** Calls of each tool, most used first. */
  byTool: Record<string, number>;
  /** Mean calls per question, per category. */
  byCategory: Record<string, { questions: number; callsPerQuestion: number }>;
  /** Mean calls per question of the correct and of the incorrect answers. */
  byOutcome: {
    correct: { questions: number; callsPerQuestion: number };
    incorrect: { questions: number; callsPerQuestion: number };
  };
}

function callsPerQuestion(results: readonly EvalResult[]) {
  const calls = results.reduce((sum, result) => sum + (result.toolCalls?.length ?? 0), 0);
  return { questions: results.length, callsPerQuestion: results.length === 0 ? 0 : calls / results.length };
}

export function toolStats(results: readonly EvalResult[]): ToolStats {
  const byTool = new Map<string, number>();
  for (const result of results)
    for (const tool of result.toolCalls ?? []) byTool.set(tool, (byTool.get(tool) ?? 0) + 1);
  const categories = new Map<string, EvalResult[]>();
  for (const result of results) {
    const name = result.category ?? "(none)";
    categories.set(name, [...(categories.get(name) ?? []), result]);
  }
  return {
    ...callsPerQuestion(results),
    questionsWithTools:
      results.length === 0
        ? 0
        : results.filter((result) => (result.toolCalls?.length ?? 0) > 0).length / results.length,
    byTool: Object.fromEntries([...byTool.entries()].sort(([a, x], [b, y]) => y - x || a.localeCompare(b))),
    byCategory: Object.fromEntries(
      [...categories.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, group]) => [name, callsPerQuestion(group)]),
    ),
    byOutcome: {
      correct: callsPerQuestion(results.filter((result) => result.correct === true)),
      incorrect: callsPerQuestion(results.filter((result) => result.correct !== true)),
    },
  };
}
