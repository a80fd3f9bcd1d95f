import type { ImageRef } from "../../core/images.js";
import type { Message } from "../../core/messages.js";
import { resultsText } from "./execute-step.js";
import { noTool, type PlanStep } from "./plan-format.js";
import type { StepResult } from "./step-result.js";

/** The messages of a plan run besides the planner's prompt: the user turn, a revision request, the answer request. */

export function userTurn(images: readonly ImageRef[], text: string): Message {
  // R1V4's order: the image first, then the text.
  return {
    role: "user",
    content: [...images.map((ref) => ({ type: "image" as const, imageId: ref.id })), { type: "text", text }],
  };
}

export function revisionRequest(
  reason: string,
  results: ReadonlyMap<number, StepResult>,
  nextNumber: number,
): string {
  const numbers = [...results.keys()].sort((a, b) => a - b);
  return `${reason}.\n\nWhat the steps found so far:\n${resultsText(numbers, results, 1_500)}\n\nWrite a new plan for the rest of the task only, in the same format. Its first step is Step ${nextNumber}, the next Step ${nextNumber + 1}, and so on. It may use the results of the steps above that succeeded through placeholders naming them, such as [Name from Step ${numbers[0] ?? 1}]. Do not repeat what failed the same way. End with a "${noTool}" step that checks the findings and answers.`;
}

/** The question, with its multiple-choice options lettered A, B, ... when it has them. */
export function questionText(question: string, choices: readonly string[] | undefined): string {
  const options = (choices ?? []).map((choice, index) => `${String.fromCharCode(65 + index)}. ${choice}`);
  return options.length > 0
    ? `Question: ${question}\nOptions:\n${options.join("\n")}`
    : `Question: ${question}`;
}

export function finalMessages(
  inputs: readonly ImageRef[],
  question: string,
  choices: readonly string[] | undefined,
  final: PlanStep,
  results: ReadonlyMap<number, StepResult>,
  maxChars: number,
): Message[] {
  const numbers = [...results.keys()].sort((a, b) => a - b);
  return [
    {
      role: "system",
      content:
        "You answer a question from the results of a plan's steps. Check the findings against each other and the question, then give the answer. Say so when the results do not settle it.",
    },
    userTurn(
      inputs,
      `${questionText(question, choices)}\n\n${resultsText(numbers, results, maxChars) || "No step produced a result."}\n\nLast step: ${final.description}\nGive the answer.`,
    ),
  ];
}
