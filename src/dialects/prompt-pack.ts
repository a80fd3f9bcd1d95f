import Mustache from "mustache";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { formatConfigIssues } from "../core/config.js";
import { dialectNameSchema } from "../core/dialect-names.js";
import { describeError, LoupeError } from "../core/errors.js";
import type { ImageRef } from "../core/images.js";
import type { Message } from "../core/messages.js";
import { PartsBuilder } from "./parts-builder.js";

/** Text put before and after something the model reads (a result, a turn). */
const wrapperSchema = z.strictObject({ prefix: z.string().optional(), suffix: z.string().optional() });
export type Wrapper = z.infer<typeof wrapperSchema>;

/**
 * Everything a model reads that is neither the user's question nor a tool's result. Every field
 * is optional: a pack replaces the dialect's default for the fields it sets. Templates are
 * Mustache (no HTML escaping); docs/prompt-packs.md lists the variables.
 */
export const promptPackSchema = z.strictObject({
  /** The dialect the pack was written for; a run of another dialect refuses it. */
  dialect: dialectNameSchema().optional(),
  description: z.string().optional(),
  /** The system prompt; null sends none (the server's chat template may add its own). */
  system: z.string().nullable().optional(),
  /** The first user turn. `{{images}}` marks where the input images go. */
  user: z.string().optional(),
  /** Around each observation turn (all results of one model turn). */
  observation: wrapperSchema.optional(),
  /** Around one call's result, by Loupe tool name; "*" for tools not named. */
  tools: z.record(z.string(), wrapperSchema).optional(),
  /** Around a failed call or an unreadable action (the format-error reminder goes in its suffix). */
  error: wrapperSchema.optional(),
  /** Text between two results of one turn. */
  separator: z.string().optional(),
  /** The turn that asks for the final answer when a budget runs out; `{{reason}}` says why. */
  finalAnswer: z.string().optional(),
});
export type PromptPack = z.infer<typeof promptPackSchema>;

/** A pack's file text (YAML, or JSON, which is YAML) checked against the schema. */
export function parsePromptPack(text: string, source: string): PromptPack {
  let value: unknown;
  try {
    value = parseYaml(text.replace(/^\uFEFF/, ""));
  } catch (error) {
    throw new LoupeError("config", `Cannot read prompt pack ${source}: ${describeError(error)}`);
  }
  const parsed = promptPackSchema.safeParse(value ?? {});
  if (!parsed.success) {
    throw new LoupeError("config", `Invalid prompt pack ${source}:\n${formatConfigIssues(parsed.error)}`);
  }
  return parsed.data;
}

/** `over`'s fields replace `under`'s; tool wrappers are replaced tool by tool. */
export function layerPacks(under: PromptPack, over: PromptPack | undefined): PromptPack {
  if (!over) return under;
  const defined = Object.fromEntries(Object.entries(over).filter(([, value]) => value !== undefined));
  return { ...under, ...defined, tools: { ...under.tools, ...over.tools } };
}

/** The values every template may use. */
export interface TemplateValues {
  question: string;
  /** Multiple-choice options with their letters, for `{{#options}}{{letter}}. {{text}}{{/options}}`. */
  options: { letter: string; text: string }[];
  /** The enabled tools by Loupe name, for `{{#tools.python}}...{{/tools.python}}`. */
  tools: Record<string, boolean>;
  /** "image_1 (4240x2700 pixels), ..." */
  input_images: string;
  /** "A. first\nB. second\n", empty without options. */
  options_lines: string;
  [name: string]: unknown;
}

const imagesMarker = "\u0000images\u0000";

/** Renders a template: Mustache, with nothing escaped (it is a prompt, not HTML). */
export function renderTemplate(template: string, values: TemplateValues): string {
  return Mustache.render(template, values, {}, { escape: (text: string) => text });
}

/** The first user turn from the pack's template, the input images where `{{images}}` stands. */
export function renderUserTurn(
  template: string,
  values: TemplateValues,
  images: readonly ImageRef[],
): Message {
  const text = renderTemplate(template, { ...values, images: imagesMarker });
  // A template without {{images}} still shows the images, before its text, as every dialect does.
  const pieces = text.includes(imagesMarker) ? text.split(imagesMarker) : ["", text];
  const turn = new PartsBuilder();
  pieces.forEach((piece, index) => {
    if (index > 0) for (const image of images) turn.image(image.id);
    turn.text(piece);
  });
  return turn.message();
}

export function optionLetters(choices: readonly string[] | undefined): TemplateValues["options"] {
  return (choices ?? []).map((text, index) => ({ letter: String.fromCharCode(65 + index), text }));
}
