import type { ChatModel } from "../../agent/chat-model.js";
import { LoupeError } from "../../core/errors.js";
import type { Message } from "../../core/messages.js";
import { addUsage, type TokenUsage, zeroUsage } from "../../core/model-output.js";
import { parsePlan } from "./parse-plan.js";
import type { PlanStep } from "./plan-format.js";
import { type PlanRules, validatePlan } from "./validate-plan.js";

/** How the planner's messages reach its server (images rendered for the wire by the caller). */
export type RenderMessages = (
  messages: readonly Message[],
) => Promise<Parameters<ChatModel["complete"]>[0]["messages"]>;

export interface PlannerCall {
  model: ChatModel;
  render: RenderMessages;
  /** The system prompt and the user turn (question, images, and for a revision the results so far). */
  messages: Message[];
  rules: PlanRules;
  /** How often a plan that fails parsing or validation goes back to the planner with its problems. */
  maxFixes: number;
  signal: AbortSignal;
}

export interface PlannerAttempt {
  reply: string;
  reasoning?: string;
  problems?: string[];
}

export interface PlannerResult {
  steps: PlanStep[];
  reasoning?: string;
  /** Every reply of the planner, in order, with the problems that sent it back. */
  attempts: PlannerAttempt[];
  usage: TokenUsage;
}

/**
 * Asks the planner for a plan and checks it. A reply that is no plan, or a plan that fails
 * validation, goes back to the planner with one line per problem, up to maxFixes times; then the
 * run fails with "plan-invalid", naming the problems of the last reply.
 */
export async function askPlanner(call: PlannerCall): Promise<PlannerResult> {
  const messages = [...call.messages];
  const attempts: PlannerAttempt[] = [];
  let usage = zeroUsage;
  for (let attempt = 0; ; attempt++) {
    const output = await call.model.complete({ messages: await call.render(messages), signal: call.signal });
    usage = addUsage(usage, output.usage);
    const parsed = parsePlan(output.content, output.reasoning);
    const check = parsed.ok
      ? validatePlan(parsed.steps, call.rules)
      : { ok: false as const, problems: [`The reply is not a plan: ${parsed.message}.`] };
    const record: PlannerAttempt = {
      reply: output.content,
      ...(output.reasoning ? { reasoning: output.reasoning } : {}),
    };
    if (check.ok) {
      attempts.push(record);
      return { steps: check.steps, reasoning: parsed.reasoning, attempts, usage };
    }
    const listed = check.problems;
    attempts.push({ ...record, problems: listed });
    if (attempt >= call.maxFixes) {
      throw new LoupeError(
        "plan-invalid",
        `The planner's plan is not valid after ${attempt + 1} ${attempt === 0 ? "try" : "tries"}:\n${listed.join("\n")}`,
      );
    }
    messages.push({ role: "assistant", content: output.content });
    messages.push({
      role: "user",
      content: [
        {
          type: "text",
          text: `The plan cannot be run:\n${listed.map((line) => `- ${line}`).join("\n")}\nWrite the whole plan again with these fixed, in the same format.`,
        },
      ],
    });
  }
}
