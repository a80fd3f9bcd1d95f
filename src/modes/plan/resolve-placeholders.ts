import type { Message } from "../../core/messages.js";
import { addUsage, type TokenUsage, zeroUsage } from "../../core/model-output.js";
import { clip, type ModeModel, modelText } from "../model-text.js";
import { type Placeholder, parameterPlaceholders } from "./placeholders.js";
import type { PlanStep } from "./plan-format.js";
import type { StepResult } from "./step-result.js";

export interface Resolution {
  placeholder: string;
  value: string;
  /** "result": taken from the result as it is; "model": read out of it by the executor model. */
  by: "result" | "model";
}

/** Characters of an earlier result the executor model reads to fill one placeholder. */
const resultCharsForExtraction = 6_000;

/**
 * Fills a step's placeholders from the results of the steps they name. A result that is one short
 * line is the value itself; a URL asked of a search or a page is its first hit's URL; an image
 * (a crop) asked of a step that made one is that image's label; anything
 * else is read by the executor model, one short call per placeholder (all at once), which
 * answers with the value alone. An empty answer leaves the placeholder unresolved.
 */
export async function resolvePlaceholders(
  step: PlanStep,
  results: ReadonlyMap<number, StepResult>,
  executor: ModeModel,
  signal: AbortSignal,
): Promise<{ resolutions: Resolution[]; unresolved: string[]; usage: TokenUsage }> {
  let usage = zeroUsage;
  const outcomes = await Promise.all(
    parameterPlaceholders(step).map(async (placeholder) => {
      const source = results.get(placeholder.step);
      if (!source) return { placeholder, value: undefined };
      const direct = directValue(placeholder, source, executor);
      if (direct !== undefined) return { placeholder, value: direct, by: "result" as const };
      const reply = await modelText(executor, extractionMessages(step, placeholder, source), signal);
      usage = addUsage(usage, reply.usage);
      return { placeholder, value: cleanValue(reply.text), by: "model" as const };
    }),
  );
  const resolutions: Resolution[] = [];
  const unresolved: string[] = [];
  for (const outcome of outcomes) {
    if (outcome.value && outcome.by)
      resolutions.push({ placeholder: outcome.placeholder.text, value: outcome.value, by: outcome.by });
    else unresolved.push(outcome.placeholder.text);
  }
  return { resolutions, unresolved, usage };
}

function directValue(placeholder: Placeholder, source: StepResult, executor: ModeModel): string | undefined {
  const data = source.data;
  // "[Crop from Step 1]": the image that step made, by the label tools take (image_2, ...).
  const made = source.imageIds[0];
  if (made && /\b(image|crop|picture|photo|region|zoom)\b/i.test(placeholder.text))
    return executor.images.byId(made)?.label;
  if (/\b(url|link|page|website|site|source)\b/i.test(placeholder.text)) {
    if (data?.kind === "text-search") return data.results.flat()[0]?.url;
    if (data?.kind === "image-search") return data.results.flat()[0]?.link;
    if (data?.kind === "web-visit") return data.pages[0]?.url;
  }
  const text = source.text.trim();
  if (!data && text !== "" && !text.includes("\n") && text.length <= 200) return text;
  return undefined;
}

function extractionMessages(step: PlanStep, placeholder: Placeholder, source: StepResult): Message[] {
  return [
    {
      role: "system",
      content:
        "You fill in one placeholder of a plan step from the result of an earlier step. Reply with the value alone: a name, a number, a URL or a short phrase, with no explanation. If the result does not contain it, reply with nothing.",
    },
    {
      role: "user",
      content: [
        {
          type: "text",
          text: `The step to run: ${step.description}\nThe placeholder: ${placeholder.text}\n\nThe result of Step ${placeholder.step}:\n${clip(source.text, resultCharsForExtraction)}`,
        },
      ],
    },
  ];
}

/** The first line, without quotes or a trailing full stop. */
function cleanValue(text: string): string {
  const line = (text.split("\n").find((candidate) => candidate.trim() !== "") ?? "").trim();
  return line
    .replace(/^["'\u201c\u2018`]+|["'\u201d\u2019`]+$/g, "")
    .replace(/\.$/, "")
    .trim();
}
