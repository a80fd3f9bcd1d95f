import type { FunctionToolSpec, Message, NativeToolCall } from "../core/messages.js";
import type { ModelOutput } from "../core/model-output.js";
import { CallIds } from "./call-ids.js";
import type {
  ActionError,
  Dialect,
  DialectContext,
  ParsedTurn,
  ToolCallOutcome,
  ToolCallRequest,
} from "./dialect.js";
import {
  describeInputImages,
  enabledToolNames,
  hasTool,
  imagesThenQuestion,
  imageToolNames,
  isRecord,
  toolJsonSchema,
  unavailableTool,
  webToolNames,
} from "./dialect-support.js";
import { PartsBuilder } from "./parts-builder.js";
import { finalAnswerTurn } from "./tag-turn.js";
import { splitReasoning } from "./think.js";
import { readJsonTolerantly } from "./tolerant-json.js";

/**
 * OpenAI-compatible function calling: tools go in the request, calls come back in `tool_calls`.
 * Servers reject images in `tool` messages, so each call's text goes in its tool message and the
 * images of all calls follow in one user message that names the call each came from.
 */
export class NativeDialect implements Dialect {
  readonly name = "native" as const;
  readonly supportedTools = [...imageToolNames, "python", ...webToolNames];
  /** Everything but the web tools, which a run enables by naming them. */
  readonly defaultTools = [...imageToolNames, "python"];
  readonly #ids = new CallIds();
  /** Calls with their ids made unique, so parse() and assistantMessage() agree on them. */
  readonly #normalized = new WeakMap<ModelOutput, NativeToolCall[]>();

  systemPrompt(context: DialectContext): string {
    const lines = [
      "You are a careful visual assistant. Look closely at the images to answer the user's question.",
      describeInputImages(context),
      "Images are named image_1, image_2, ... in order of appearance; images that tools produce get the next names and are shown to you after the tool results.",
    ];
    if (context.tools.length > 0) {
      lines.push(
        "You can call the provided tools: zoom into details, adjust or transform the images, run Python, or search, as they allow.",
        'Boxes are [x1, y1, x2, y2] in pixels of the named image at full size unless you set "coordinates" to "view" (pixels of the image as you were shown it), "fraction" (0..1) or "qwen1000" (0..1000).',
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

  userTurn = imagesThenQuestion;

  parse(output: ModelOutput, context: DialectContext): ParsedTurn {
    const { reasoning, text } = splitReasoning(output.content, output.reasoning);
    const toolCalls = this.#calls(output);
    if (toolCalls.length === 0) return { reasoning, calls: [], errors: [], answer: text.trim() };
    const calls: ToolCallRequest[] = [];
    const errors: ActionError[] = [];
    const available = enabledToolNames(context);
    for (const call of toolCalls) {
      const raw = `${call.name}(${call.arguments})`;
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
      calls.push({ id: call.id, name: call.name, arguments: parsed.value, raw });
    }
    return { reasoning, calls, errors };
  }

  assistantMessage(output: ModelOutput): Message {
    const toolCalls = this.#calls(output);
    return {
      role: "assistant",
      content: output.content,
      ...(output.reasoning ? { reasoning: output.reasoning } : {}),
      ...(toolCalls.length > 0 ? { toolCalls } : {}),
    };
  }

  observations(outcomes: readonly ToolCallOutcome[], _context?: DialectContext): Message[] {
    const messages: Message[] = outcomes.map((outcome) => ({
      role: "tool",
      toolCallId: outcome.id,
      content: outcome.result.text || "(no output)",
    }));
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

  finalAnswerRequest(reason: string): Message {
    return finalAnswerTurn(reason, "as plain text");
  }

  /** The server's calls, with a fresh id for any call whose id is missing or repeated. */
  #calls(output: ModelOutput): NativeToolCall[] {
    let calls = this.#normalized.get(output);
    if (!calls) {
      const seen = new Set<string>();
      calls = output.toolCalls.map((call) => {
        const id = call.id && !seen.has(call.id) ? call.id : this.#ids.next();
        seen.add(id);
        return { id, name: call.name, arguments: call.arguments ?? "" };
      });
      this.#normalized.set(output, calls);
    }
    return calls;
  }
}
