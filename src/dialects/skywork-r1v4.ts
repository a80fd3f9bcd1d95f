import type { ToolResult } from "../core/tool.js";
import type { CallIds } from "./call-ids.js";
import { extractCode } from "./code-block.js";
import type { DialectContext, ToolCallOutcome } from "./dialect.js";
import {
  asStringList,
  checkedCall,
  clip,
  codeOutputText,
  composePrompt,
  enabledWrittenNames,
  hasTool,
  isRecord,
  type ReadAction,
  readCallTagBody,
  resultRemarks,
  unavailableTool,
} from "./dialect-support.js";
import type { PartsBuilder } from "./parts-builder.js";
import { TagDialect } from "./tag-dialect.js";
import type { TagMatch } from "./tag-scanner.js";
import type { TagReader } from "./tag-turn.js";
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
export class SkyworkR1V4Dialect extends TagDialect {
  constructor() {
    super({
      name: "skywork-r1v4",
      supportedTools: vocabulary.map((entry) => entry.tool),
      defaultTools: ["python", "image_search", "text_search", "web_visit"],
      grammar: {
        reasoningTags: ["think"],
        answerTag: "answer",
        callTag: "tool_call",
        actions: {
          tool_call: (match, context, ids) => [readToolCall(match, context, ids)],
          code: (match, context, ids) => [
            translate("code", { code: extractCode(match.body) }, match.raw, context, ids),
          ],
          image_search: readBareTag("image_search", "image_paths"),
          text_search: readBareTag("text_search", "queries"),
          web_content: readBareTag("web_visit", "urls"),
        },
      },
      systemPrompt,
      renderOutcome,
      answerSyntax: "as <think>...</think><answer>...</answer>",
    });
  }
}

function systemPrompt(context: DialectContext): string {
  const enabled = vocabulary.filter((entry) => hasTool(context, entry.tool));
  const describe = (entry: (typeof vocabulary)[number]): string => {
    const tool = context.tools.find((candidate) => candidate.name === entry.tool);
    return `- ${entry.written}, arguments ${entry.shape}: ${tool?.description ?? ""}`.trimEnd();
  };
  return composePrompt(
    "You are a multimodal research assistant. Answer the user's question about the image(s) by reasoning step by step and, when it helps, using tools.",
    context,
    [
      [
        "",
        "Every turn starts with your reasoning inside <think>...</think>. After it, write exactly one of:",
      ],
      enabled.length > 0 && [
        '- one tool call: <tool_call>{"name": "<tool>", "arguments": {...}}</tool_call>, then stop and wait; the result comes back inside <observation>...</observation>;',
      ],
      ["- the final answer: <answer>...</answer>, short and direct."],
      enabled.length > 0 && ["", "Tools:", ...enabled.map(describe)],
      hasTool(context, "python") && [
        "",
        "To look closer at a region, crop it with code using fractions of the width and height, e.g. `w, h = image_1.size; show(image_1.crop((int(0.2*w), int(0.1*h), int(0.6*w), int(0.5*h))))`.",
        "Images your code shows come back as <sub-image N>; each is also named image_N, and either name can be given to image_search.",
      ],
    ],
  );
}

function readToolCall(match: TagMatch, context: DialectContext, ids: CallIds): ReadAction {
  const written = readCallTagBody(match.body);
  if (typeof written === "string") {
    return {
      id: ids.next(),
      raw: match.raw,
      message: `Error: unreadable <tool_call>: ${written}. Write <tool_call>{"name": "...", "arguments": {...}}</tool_call>.`,
    };
  }
  return translate(written.name, written.arguments, match.raw, context, ids);
}

/** The older bare tags (`<image_search>`, `<text_search>`, `<web_content>`) for one tool each. */
function readBareTag(written: string, key: string): TagReader {
  return (match, context, ids) => [
    translate(written, bareArguments(match.body, key), match.raw, context, ids),
  ];
}

/** R1V4's argument names where they differ from Loupe's, for error messages. */
const r1v4Wording = { images: "image_paths" } as const;

/**
 * Maps R1V4's tool name and arguments onto the Loupe tool, checking it is enabled and that the
 * tool accepts the arguments (at most five queries or URLs per call, and so on).
 */
function translate(
  written: string,
  args: Record<string, unknown>,
  raw: string,
  context: DialectContext,
  ids: CallIds,
): ReadAction {
  const id = ids.next();
  const entry = vocabulary.find((candidate) => candidate.written === written || candidate.tool === written);
  if (!entry || !hasTool(context, entry.tool))
    return unavailableTool(id, raw, written, enabledWrittenNames(context, vocabulary));
  const built = loupeArguments(entry.written, args, context);
  if (typeof built === "string") return { id, raw, name: entry.tool, message: `Error: ${written}: ${built}` };
  return checkedCall({ id, raw, name: entry.tool, arguments: built }, context, entry.written, r1v4Wording);
}

/** The Loupe tool's arguments for what R1V4 wrote, or what is missing from it. */
function loupeArguments(
  written: (typeof vocabulary)[number]["written"],
  args: Record<string, unknown>,
  context: DialectContext,
): Record<string, unknown> | string {
  switch (written) {
    case "image_search": {
      const paths = asStringList(args.image_paths ?? args.image_path ?? args.images ?? args.image) ?? [];
      const labels: string[] = [];
      for (const path of paths.length > 0 ? paths : [undefined]) {
        try {
          labels.push(context.images.resolve(path).label);
        } catch (error) {
          return error instanceof Error ? error.message : String(error);
        }
      }
      const query = typeof args.query === "string" && args.query.trim() ? { query: args.query.trim() } : {};
      return { images: labels, ...query };
    }
    case "text_search": {
      const queries = asStringList(args.queries ?? args.query);
      return queries ? { queries } : 'give "queries": ["..."].';
    }
    case "web_visit": {
      const urls = asStringList(args.urls ?? args.url);
      return urls ? { urls } : 'give "urls": ["https://..."].';
    }
    case "code": {
      const code = typeof args.code === "string" ? args.code : undefined;
      return code?.trim() ? { code } : 'give "code": "...".';
    }
  }
}

/** Each result as JSON, then the images it produced as numbered sub-images. */
function renderOutcome(turn: PartsBuilder, { result }: ToolCallOutcome): void {
  turn.text(`<observation>\n${JSON.stringify(observationValue(result))}`);
  for (const image of result.images) {
    turn
      .text(`\n<sub-image ${subImageNumber(image.label)}> (${image.label}, ${image.width}x${image.height}):`)
      .image(image.id);
  }
  turn.text("\n</observation>");
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

/**
 * The JSON R1V4 was trained to read for each kind of result. Search and page results stay a JSON
 * list; the tool's notes and, when the call failed, its error follow the hits as `{"note"}` and
 * `{"error"}` entries, so a refused page reads as an error rather than an empty list.
 */
function observationValue(result: ToolResult): unknown {
  const data = result.data;
  switch (data?.kind) {
    case "image-search":
      return withRemarks(
        result,
        data.results.flat().map((hit) => ({
          title: hit.title,
          source: hit.source,
          link: hit.link,
          ...thumbnailName(hit.imageId, result),
        })),
      );
    case "text-search":
      return withRemarks(
        result,
        data.results.flat().map((hit) => ({ title: hit.title, url: hit.url, snippet: hit.snippet })),
      );
    case "web-visit":
      return withRemarks(
        result,
        data.pages.map((page) => ({ url: page.url, title: page.title, content: page.content })),
      );
    case "code": {
      const stderr = data.stderr.trim() ? `\n${data.stderr.trim()}` : "";
      return { result: `${codeOutputText(data)}${stderr}`.trim(), type: "code" };
    }
    default:
      return result.isError ? { error: clip(result.text, 4000) } : { result: result.text };
  }
}

function withRemarks(result: ToolResult, entries: object[]): object[] {
  const { notes, error } = resultRemarks(result);
  return [...entries, ...notes.map((note) => ({ note })), ...(error === undefined ? [] : [{ error }])];
}

/** `{"thumbnail": "<sub-image N>"}` for a hit whose thumbnail this result shows. */
function thumbnailName(imageId: string | undefined, result: ToolResult): { thumbnail?: string } {
  const image = imageId ? result.images.find((candidate) => candidate.id === imageId) : undefined;
  return image ? { thumbnail: `<sub-image ${subImageNumber(image.label)}>` } : {};
}

function subImageNumber(label: string): string {
  return label.replace(/^image_/, "");
}
