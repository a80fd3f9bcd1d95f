/**
 * How a question is answered. `direct`: one model turn, no tools. `interleaved`: the agent loop,
 * thinking and tool calls interleaved (the default). `plan`: a planner writes the tool steps, an
 * executor runs them (independent ones in parallel) and answers. `research`: sub-agents gather
 * evidence for sub-questions, a report cites it, every citation is checked.
 */
export const askModes = ["direct", "interleaved", "plan", "research"] as const;
export type AskMode = (typeof askModes)[number];

export function isAskMode(value: string): value is AskMode {
  return (askModes as readonly string[]).includes(value);
}

/** Tool kinds a mode adds to the dialect's default tools when none are named: plans and research search. */
export function modeToolKinds(mode: AskMode): "web"[] {
  return mode === "plan" || mode === "research" ? ["web"] : [];
}
