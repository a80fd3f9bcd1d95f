import type { Message } from "../core/messages.js";
import type { ModelOutput } from "../core/model-output.js";
import type { ToolResult } from "../core/tool.js";
import { CallIds } from "./call-ids.js";
import { extractCode } from "./code-block.js";
import type {
  Dialect,
  DialectContext,
  DialectRequestOptions,
  ParsedTurn,
  ToolCallOutcome,
} from "./dialect.js";
import {
  asStringList,
  clip,
  codeOutputText,
  describeInputImages,
  hasTool,
  imagesThenQuestion,
  isRecord,
  type ReadAction,
  readWrittenCall,
} from "./dialect-support.js";
import { PartsBuilder } from "./parts-builder.js";
import type { TagMatch } from "./tag-scanner.js";
import { finalAnswerTurn, parseTagTurn, type TagGrammar, tagAssistantMessage } from "./tag-turn.js";
import { readJsonTolerantly } from "./tolerant-json.js";

/** R1V4's tool names and the Loupe tools they stand for, in the order its prompt lists them. */
const vocabulary = [
  { written: "image_search", tool: "image_search", shape: '{"image_paths": ["image_1"]}' },
  { written: "text_search", tool: "text_search", shape: '{"queries": ["first query", "second query"]}' },
  { written: "web_visit", tool: "web_visit", shape: '{"urls": ["https://..."]}' },
  { written: "code", tool: "python", shape: '{"code": "python source"}' },
] as const;

/**
 * Skywork-R1V4: `<think>` then one `<tool_call>{"name", "arguments"}</tool_call>` (or `<code>`,
 * or the older bare `<image_search>`/`<text_search>`/`<web_content>` tags), or an `<answer>`.
 * Results come back in `<observation>` as JSON; produced images follow as `<sub-image N>`, where
 * N is the image's number in the run, so "sub-image 3" and "image_3" name the same image.
 */
export class SkyworkR1V4Dialect implements Dialect {
  readonly name = "skywork-r1v4" as const;
  readonly supportedTools = vocabulary.map((entry) => entry.tool);
  readonly defaultTools = ["python", "image_search", "text_search", "web_visit"];
  readonly #ids = new CallIds();
  readonly #grammar: TagGrammar = {
    reasoningTags: ["think"],
    answerTag: "answer",
    callTag: "tool_call",
    actions: {
      tool_call: (match, context) => [this.#readToolCall(match, context)],
      code: (match, context) => [
        this.#translate("code", { code: extractCode(match.body) }, match.raw, context),
      ],
      image_search: (match, context) => [
        this.#translate("image_search", bareArguments(match.body, "image_paths"), match.raw, context),
      ],
      text_search: (match, context) => [
        this.#translate("text_search", bareArguments(match.body, "queries"), match.raw, context),
      ],
      web_content: (match, context) => [
        this.#translate("web_visit", bareArguments(match.body, "urls"), match.raw, context),
      ],
    },
  };

  systemPrompt(context: DialectContext): string {
    const enabled = vocabulary.filter((entry) => hasTool(context, entry.tool));
    const lines = [
      "You are a multimodal research assistant. Answer the user's question about the image(s) by reasoning step by step and, when it helps, using tools.",
      describeInputImages(context),
      "",
      "Every turn starts with your reasoning inside <think>...</think>. After it, write exactly one of:",
    ];
    if (enabled.length > 0) {
      lines.push(
        '- one tool call: <tool_call>{"name": "<tool>", "arguments": {...}}</tool_call>, then stop and wait; the result comes back inside <observation>...</observation>;',
      );
    }
    lines.push("- the final answer: <answer>...</answer>, short and direct.");
    if (enabled.length > 0) {
      lines.push("", "Tools:");
      for (const entry of enabled) {
        const tool = context.tools.find((candidate) => candidate.name === entry.tool);
        lines.push(`- ${entry.written}, arguments ${entry.shape}: ${tool?.description ?? ""}`.trimEnd());
      }
    }
    if (hasTool(context, "python")) {
      lines.push(
        "",
        "To look closer at a region, crop it with code using fractions of the width and height, e.g. `w, h = image_1.size; show(image_1.crop((int(0.2*w), int(0.1*h), int(0.6*w), int(0.5*h))))`.",
        "Images your code shows come back as <sub-image N>; each is also named image_N, and either name can be given to image_search.",
      );
    }
    return lines.join("\n");
  }

  requestOptions(): DialectRequestOptions {
    return { stop: ["</tool_call>", "</code>", "</image_search>", "</text_search>", "</web_content>"] };
  }

  userTurn = imagesThenQuestion;

  parse(output: ModelOutput, context: DialectContext): ParsedTurn {
    return parseTagTurn(output, context, this.#grammar, this.#ids);
  }

  assistantMessage(output: ModelOutput): Message {
    return tagAssistantMessage(output, this.#grammar.callTag);
  }

  observations(outcomes: readonly ToolCallOutcome[], _context?: DialectContext): Message[] {
    const turn = new PartsBuilder();
    outcomes.forEach((outcome, index) => {
      turn.text(`${index > 0 ? "\n" : ""}<observation>\n${JSON.stringify(observationValue(outcome.result))}`);
      for (const image of outcome.result.images) {
        const number = image.label.replace(/^image_/, "");
        turn
          .text(`\n<sub-image ${number}> (${image.label}, ${image.width}x${image.height}):`)
          .image(image.id);
      }
      turn.text("\n</observation>");
    });
    return turn.isEmpty ? [] : [turn.message()];
  }

  finalAnswerRequest(reason: string): Message {
    return finalAnswerTurn(reason, "as <think>...</think><answer>...</answer>");
  }

  #readToolCall(match: TagMatch, context: DialectContext): ReadAction {
    const json = readJsonTolerantly(match.body);
    const written = json.ok ? readWrittenCall(json.value) : `the JSON could not be read (${json.message})`;
    if (typeof written === "string") {
      return {
        id: this.#ids.next(),
        raw: match.raw,
        message: `Error: unreadable <tool_call>: ${written}. Write <tool_call>{"name": "...", "arguments": {...}}</tool_call>.`,
      };
    }
    return this.#translate(written.name, written.arguments, match.raw, context);
  }

  /** Maps R1V4's tool name and arguments onto the Loupe tool, checking it is enabled. */
  #translate(
    written: string,
    args: Record<string, unknown>,
    raw: string,
    context: DialectContext,
  ): ReadAction {
    const id = this.#ids.next();
    const entry = vocabulary.find((candidate) => candidate.written === written || candidate.tool === written);
    if (!entry || !hasTool(context, entry.tool)) {
      const available = vocabulary
        .filter((candidate) => hasTool(context, candidate.tool))
        .map((c) => c.written);
      const names = available.length > 0 ? available.join(", ") : "none (answer directly)";
      return {
        id,
        raw,
        name: written,
        message: `Error: the tool "${written}" is not available. Available tools: ${names}.`,
      };
    }
    const fail = (problem: string): ReadAction => ({
      id,
      raw,
      name: entry.tool,
      message: `Error: ${written}: ${problem}`,
    });
    switch (entry.written) {
      case "image_search": {
        const paths = asStringList(args.image_paths ?? args.image_path ?? args.images ?? args.image) ?? [];
        const labels: string[] = [];
        for (const path of paths.length > 0 ? paths : [undefined]) {
          try {
            labels.push(context.images.resolve(path).label);
          } catch (error) {
            return fail(error instanceof Error ? error.message : String(error));
          }
        }
        const query = typeof args.query === "string" && args.query.trim() ? { query: args.query.trim() } : {};
        return { id, raw, name: entry.tool, arguments: { images: labels, ...query } };
      }
      case "text_search": {
        const queries = asStringList(args.queries ?? args.query);
        return queries
          ? { id, raw, name: entry.tool, arguments: { queries } }
          : fail('give "queries": ["..."].');
      }
      case "web_visit": {
        const urls = asStringList(args.urls ?? args.url);
        return urls
          ? { id, raw, name: entry.tool, arguments: { urls } }
          : fail('give "urls": ["https://..."].');
      }
      case "code": {
        const code = typeof args.code === "string" ? args.code : undefined;
        return code?.trim()
          ? { id, raw, name: entry.tool, arguments: { code } }
          : fail('give "code": "...".');
      }
    }
  }
}

/** The older bare tags hold either JSON arguments or the plain value itself. */
function bareArguments(body: string, key: string): Record<string, unknown> {
  const text = body.trim();
  if (/^[[{]/.test(text)) {
    const json = readJsonTolerantly(text);
    if (json.ok && isRecord(json.value)) return json.value;
    if (json.ok && Array.isArray(json.value)) return { [key]: json.value };
  }
  if (key === "urls") return { urls: text.split(/\s+/).filter(Boolean) };
  return { [key]: text };
}

/** The JSON R1V4 was trained to read for each kind of result. */
function observationValue(result: ToolResult): unknown {
  const data = result.data;
  switch (data?.kind) {
    case "image-search":
      return data.results.flat().map((hit) => ({ title: hit.title, source: hit.source, link: hit.link }));
    case "text-search":
      return data.results.flat().map((hit) => ({ title: hit.title, url: hit.url, snippet: hit.snippet }));
    case "web-visit":
      return data.pages.map((page) => ({ url: page.url, title: page.title, content: page.content }));
    case "code": {
      const stderr = data.stderr.trim() ? `\n${data.stderr.trim()}` : "";
      return { result: `${codeOutputText(data)}${stderr}`.trim(), type: "code" };
    }
    default:
      return result.isError ? { error: clip(result.text, 4000) } : { result: result.text };
  }
}
