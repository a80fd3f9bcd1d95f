import { type DialectOptions, dialectOptionsSchema } from "../core/config.js";
import type { ImageRef } from "../core/images.js";
import type { FunctionToolSpec, Message, NativeToolCall } from "../core/messages.js";
import type { ModelOutput } from "../core/model-output.js";
import { CallIds } from "./call-ids.js";
import type {
  ActionError,
  Dialect,
  DialectContext,
  DialectSettings,
  ParsedTurn,
  ToolCallOutcome,
  ToolCallRequest,
} from "./dialect.js";
import {
  defaultResultText,
  describeInputImages,
  enabledToolNames,
  hasTool,
  isRecord,
  readCallTagBody,
  templateValues,
  toolJsonSchema,
  unavailableTool,
} from "./dialect-support.js";
import { PartsBuilder } from "./parts-builder.js";
import { type PromptPack, renderTemplate, renderUserTurn } from "./prompt-pack.js";
import { finalAnswerTemplate, finalAnswerTurn } from "./tag-turn.js";

const defaultUserTurn =
  "{{images}}{{question}}{{#options.length}}\n{{#options}}{{letter}}. {{text}}\n{{/options}}{{/options.length}}";

const coordinatesInWords = {
  pixel: "pixels of the named image at full size",
  view: "pixels of the named image as you were shown it",
  fraction: "fractions (0..1) of the named image's width and height",
  qwen1000: "integers 0..1000 of the named image's width and height",
} as const;

import { readJsonTolerantly } from "../core/tolerant-json.js";
import { scanTags } from "./tag-scanner.js";
import { actionInReasoning, splitReasoning } from "./think.js";

/**
 * OpenAI-compatible function calling: tools go in the request, calls come back in `tool_calls`.
 * Servers reject images in `tool` messages, so each call's text goes in its tool message and the
 * images of all calls follow in one user message that names the call each came from.
 */
export class NativeDialect implements Dialect {
  readonly name = "native" as const;
  readonly options: DialectOptions;
  readonly pack: PromptPack;
  /** Function calling carries any tool's name and JSON arguments: every registered tool. */
  readonly supportedTools = "any" as const;
  /** Every image and code tool; the web tools a run enables by naming them. */
  readonly defaultTools = { kinds: ["image", "code"] as const };
  readonly #ids = new CallIds();
  /** Calls with their ids made unique, so parse() and assistantMessage() agree on them. */
  readonly #normalized = new WeakMap<ModelOutput, ReadCalls>();

  constructor(settings: DialectSettings = {}) {
    this.options = settings.options ?? dialectOptionsSchema.parse({});
    this.pack = settings.pack ?? {};
  }

  systemPrompt(context: DialectContext): string | undefined {
    if (this.pack.system === null) return undefined;
    if (this.pack.system !== undefined) return renderTemplate(this.pack.system, templateValues(context));
    const coordinates = this.options.boxCoordinates;
    const lines = [
      "You are a careful visual assistant. Look closely at the images to answer the user's question.",
      describeInputImages(context),
      "Images are named image_1, image_2, ... in order of appearance; images that tools produce get the next names and are shown to you after the tool results.",
    ];
    if (context.tools.length > 0) {
      lines.push(
        "You can call the provided tools: zoom into details, adjust or transform the images, run Python, or search, as they allow.",
        coordinates === "pixel"
          ? 'Boxes are [x1, y1, x2, y2] in pixels of the named image at full size unless you set "coordinates" to "view" (pixels of the image as you were shown it), "fraction" (0..1) or "qwen1000" (0..1000).'
          : `Boxes are [x1, y1, x2, y2] in ${coordinatesInWords[coordinates]} unless you set "coordinates" to another system.`,
        "Call tools while they help; when you are confident, reply with the final answer as plain text and no tool call.",
      );
    } else {
      lines.push("Reply with the final answer as plain text.");
    }
    return lines.join("\n");
  }

  requestOptions(context: DialectContext): { tools?: FunctionToolSpec[]; parallelToolCalls?: boolean } {
    if (context.tools.length === 0) return {};
    const tools = context.tools.map(
      (tool): FunctionToolSpec => ({
        type: "function",
        function: { name: tool.name, description: tool.description, parameters: toolJsonSchema(tool) },
      }),
    );
    return { tools, parallelToolCalls: true };
  }

  userTurn(context: DialectContext, images: readonly ImageRef[]): Message {
    const values = templateValues(context);
    const options_block = values.options_lines ? `\n${values.options_lines.trimEnd()}` : "";
    return renderUserTurn(this.pack.user ?? defaultUserTurn, { ...values, options_block }, images);
  }

  parse(output: ModelOutput, context: DialectContext): ParsedTurn {
    const { reasoning, text } = splitReasoning(output.content, output.reasoning, ["think"], [textCallTag]);
    const toolCalls = this.#calls(output);
    if (toolCalls.length === 0) return { reasoning, calls: [], errors: [], answer: text.trim() };
    const calls: ToolCallRequest[] = [];
    const errors: ActionError[] = [];
    const available = enabledToolNames(context);
    for (const call of toolCalls) {
      const raw = this.#read(output).raws.get(call.id) ?? `${call.name}(${call.arguments})`;
      if (!hasTool(context, call.name)) {
        errors.push(unavailableTool(call.id, raw, call.name, available));
        continue;
      }
      const parsed =
        call.arguments.trim() === "" ? { ok: true as const, value: {} } : readJsonTolerantly(call.arguments);
      if (!parsed.ok || !isRecord(parsed.value)) {
        const why = parsed.ok ? "they are not a JSON object" : parsed.message;
        errors.push({
          id: call.id,
          raw,
          name: call.name,
          message: `Error: could not read the arguments of ${call.name} as a JSON object (${why}). Send valid JSON.`,
        });
        continue;
      }
      calls.push({ id: call.id, name: call.name, arguments: this.#withCoordinates(parsed.value), raw });
    }
    return { reasoning, calls, errors };
  }

  assistantMessage(output: ModelOutput): Message {
    const toolCalls = this.#calls(output);
    return {
      role: "assistant",
      // Calls read from the text go in toolCalls, so they are not in the content twice.
      content: this.#content(output),
      ...(output.reasoning ? { reasoning: output.reasoning } : {}),
      ...(toolCalls.length > 0 ? { toolCalls } : {}),
    };
  }

  observations(outcomes: readonly ToolCallOutcome[], context: DialectContext): Message[] {
    const values = templateValues(context);
    const messages: Message[] = outcomes.map((outcome) => {
      const wrapper =
        (outcome.result.isError && this.pack.error) ||
        this.pack.tools?.[outcome.name] ||
        this.pack.tools?.["*"] ||
        {};
      const wrap = (template: string | undefined) =>
        template ? renderTemplate(template, { ...values, tool: outcome.name }) : "";
      return {
        role: "tool",
        toolCallId: outcome.id,
        content: `${wrap(wrapper.prefix)}${defaultResultText(outcome, context) || "(no output)"}${wrap(wrapper.suffix)}`,
      };
    });
    const images = new PartsBuilder();
    for (const outcome of outcomes) {
      if (outcome.result.images.length === 0) continue;
      const labels = outcome.result.images.map((image) => image.label).join(", ");
      images.text(`Images from call ${outcome.id} (${outcome.name}): ${labels}\n`);
      for (const image of outcome.result.images) images.image(image.id);
    }
    if (!images.isEmpty) messages.push(images.message());
    return messages;
  }

  finalAnswerRequest(reason: string, context: DialectContext): Message {
    return finalAnswerTurn(
      this.pack.finalAnswer ?? finalAnswerTemplate("as plain text"),
      templateValues(context),
      reason,
    );
  }

  /** A box-taking call that names no coordinate system gets the profile's (Qwen3-VL: 0..1000). */
  #withCoordinates(args: Record<string, unknown>): Record<string, unknown> {
    if (this.options.boxCoordinates === "pixel" || args.coordinates !== undefined) return args;
    return "box" in args || "boxes" in args || "points" in args
      ? { ...args, coordinates: this.options.boxCoordinates }
      : args;
  }

  /**
   * The server's calls, with a fresh id for any call whose id is missing or repeated; when the
   * server sent none, the calls written as text (see textCalls).
   */
  #calls(output: ModelOutput): NativeToolCall[] {
    return this.#read(output).calls;
  }

  #content(output: ModelOutput): string {
    return this.#read(output).content;
  }

  #read(output: ModelOutput): ReadCalls {
    let read = this.#normalized.get(output);
    if (!read) {
      const written = output.toolCalls.length > 0 ? undefined : textCalls(output);
      const seen = new Set<string>();
      const raws = new Map<string, string>();
      const calls = (written?.calls ?? output.toolCalls).map((call, index) => {
        const id = call.id && !seen.has(call.id) ? call.id : this.#ids.next();
        seen.add(id);
        const raw = written?.raws[index];
        if (raw !== undefined) raws.set(id, raw);
        return { id, name: call.name, arguments: call.arguments ?? "" };
      });
      read = { calls, content: written?.content ?? output.content, raws };
      this.#normalized.set(output, read);
    }
    return read;
  }
}

/** A turn's calls with unique ids, its content without calls written as text, and their markup by id. */
interface ReadCalls {
  calls: NativeToolCall[];
  content: string;
  raws: Map<string, string>;
}

/** The tag Qwen-style models write a call in (the hermes format) when no tool parser reads it. */
const textCallTag = "tool_call";

/**
 * Calls a model wrote as text, `<tool_call>{"name", "arguments"}</tool_call>`, which a server
 * serving it with its tool parser off returns as plain content; also inside a `<think>` left
 * open, and in the reasoning field of a server whose reasoning parser never saw `</think>`.
 * `content` is the text without them.
 */
function textCalls(output: ModelOutput): { calls: NativeToolCall[]; content: string; raws: string[] } {
  const { text } = splitReasoning(output.content, undefined, ["think"], [textCallTag]);
  let matches = scanTags(text, [textCallTag]);
  let content = output.content;
  if (matches.length === 0 && text.trim() === "") {
    const swallowed = actionInReasoning(output.reasoning, [textCallTag]);
    matches = swallowed === undefined ? [] : scanTags(swallowed, [textCallTag]);
  } else {
    for (const match of matches) content = content.replace(match.raw, "");
    content = content.trim();
  }
  const calls = matches.map((match): NativeToolCall => {
    const written = readCallTagBody(match.body);
    if (typeof written !== "string") {
      return { id: "", name: written.name, arguments: JSON.stringify(written.arguments) };
    }
    const name = /"name"\s*:\s*"([^"]+)"/.exec(match.body)?.[1] ?? textCallTag;
    return { id: "", name, arguments: match.body.trim() };
  });
  return {
    calls,
    content: calls.length > 0 ? content : output.content,
    raws: matches.map((match) => match.raw),
  };
}
