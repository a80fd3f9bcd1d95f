import { z } from "zod";
import { runAgent } from "../../agent/run-agent.js";
import { createRunParts } from "../../api/run-parts.js";
import type { LoupeConfig } from "../../core/config.js";
import type { RunEventListener } from "../../core/events.js";
import type { AnyTool, ToolResult } from "../../core/tool.js";
import type { Trajectory } from "../../core/trajectory.js";
import type { McpToolContext } from "./mcp-session.js";

const parameters = z.object({
  question: z.string().trim().min(1).describe("The question to answer about the images."),
  images: z
    .array(z.union([z.string().min(1), z.number().int()]))
    .max(16)
    .optional()
    .describe("The images the question is about. Default: none (a question without images)."),
  choices: z
    .array(z.string().min(1))
    .max(26)
    .optional()
    .describe("Multiple-choice options, lettered A, B, ... in order."),
});
type AskArguments = z.infer<typeof parameters>;

export interface AskToolOptions {
  config: LoupeConfig;
  /** Why there is no model to ask (nothing configured or found); `ask` then answers with it as an error. */
  noModel?: string;
}

/**
 * `ask` over MCP: the whole agent on the configured model (its dialect, tools and budgets), the
 * way `loupe ask` runs it, for a client that wants an answer rather than single tools. Each call
 * is its own run with its own tools' state; the session's images are its inputs.
 */
export function askTool(options: AskToolOptions): AnyTool {
  return {
    name: "ask",
    description:
      "Ask Loupe's agent a question about images: the configured vision-language model looks, crops, zooms, runs code or searches as it needs, then answers. Returns the answer and a short summary of what it did.",
    parameters,
    async execute(args: AskArguments, context): Promise<ToolResult> {
      if (options.noModel) return { text: `Error: ${options.noModel}`, images: [], isError: true };
      const inputs = (args.images ?? []).map((name) => {
        const ref = context.images.resolve(name);
        return { bytes: context.images.bytes(ref.id), facts: ref, source: ref.label };
      });
      const parts = await createRunParts(options.config);
      try {
        const { trajectory } = await runAgent({
          question: args.question,
          choices: args.choices,
          images: inputs,
          config: options.config,
          model: parts.model,
          dialect: parts.dialect,
          tools: parts.tools,
          systemPrompt: parts.systemPrompt,
          signal: context.signal,
          onEvent: progressOf(context as McpToolContext),
        });
        return {
          text: `${trajectory.answer ?? "(no answer)"}\n\n${summarizeRun(trajectory)}`,
          images: [],
          isError: trajectory.answer === undefined,
        };
      } finally {
        await parts.close();
      }
    },
  };
}

/** The run's steps, calls and waits as progress messages, when the client asked for them. */
function progressOf(context: McpToolContext): RunEventListener | undefined {
  const report = context.reportProgress;
  if (!report) return undefined;
  return (event) => {
    if (event.type === "step-start") report(`step ${event.step}: asking the model`);
    else if (event.type === "tool-call-start") report(`step ${event.step}: ${event.tool}`);
    else if (event.type === "model-wait")
      report(`step ${event.step}: waiting for the model (${Math.round(event.waitedMs / 1000)} s)`);
  };
}

/** Calls listed under the summary line; a longer run ends with "... and N more calls". */
const callsListed = 12;

/**
 * "Run 1a2b3c4d: 2 steps, 1 tool call (crop); stopped: answer; 1,234 tokens.", then one line per
 * call: its step, tool, arguments and the first line of what it returned, each cut short.
 */
export function summarizeRun(trajectory: Trajectory): string {
  const calls = trajectory.steps.flatMap((step) =>
    step.actions.map((action) => ({
      step: step.index,
      action,
      observation: step.observations.find((observation) => observation.callId === action.id),
    })),
  );
  const { steps, usage } = trajectory.budgetsUsed;
  const tokens = usage.promptTokens + usage.completionTokens;
  const toolList = calls.length > 0 ? ` (${calls.map((call) => call.action.tool).join(", ")})` : "";
  const error = trajectory.error ? `; ${trajectory.error.message}` : "";
  const header =
    `Run ${trajectory.id.slice(0, 8)}: ${steps} step${steps === 1 ? "" : "s"}, ` +
    `${calls.length} tool call${calls.length === 1 ? "" : "s"}${toolList}; ` +
    `stopped: ${trajectory.stopReason}; ${tokens.toLocaleString("en-US")} tokens${error}.`;
  const lines = calls.slice(0, callsListed).map(({ step, action, observation }) => {
    const result = observation ? (observation.text.split("\n")[0] ?? "") : "not run";
    const failed = observation?.isError ? " (error)" : "";
    return `  step ${step}: ${action.tool} ${cut(JSON.stringify(action.arguments) ?? "", 100)} -> ${cut(result, 120)}${failed}`;
  });
  if (calls.length > callsListed) lines.push(`  ... and ${calls.length - callsListed} more calls`);
  return [header, ...lines].join("\n");
}

function cut(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}
