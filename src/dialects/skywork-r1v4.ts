import { looksLikePython } from "../core/bare-python.js";
import type { ImageRef } from "../core/images.js";
import { readJsonTolerantly } from "../core/tolerant-json.js";
import type { ToolResult } from "../core/tool.js";
import type { CallIds } from "./call-ids.js";
import { extractCode } from "./code-block.js";
import type { DialectContext, DialectSettings, ToolCallOutcome } from "./dialect.js";
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
import type { PromptPack } from "./prompt-pack.js";
import { TagDialect } from "./tag-dialect.js";
import type { TagMatch } from "./tag-scanner.js";
import { finalAnswerTemplate, type TagReader } from "./tag-turn.js";

/** R1V4's tool names and the Loupe tools they stand for, in the order its prompt lists them. */
const vocabulary = [
  { written: "image_search", tool: "image_search", shape: '{"image_paths": ["image_1"]}' },
  { written: "text_search", tool: "text_search", shape: '{"queries": ["first query", "second query"]}' },
  { written: "web_visit", tool: "web_visit", shape: '{"urls": ["https://..."]}' },
  { written: "code", tool: "python", shape: '{"code": "python source"}' },
] as const;

/** Loupe's wording in R1V4's layout: every result inside <observation>. */
const defaultPack: PromptPack = {
  tools: { "*": { prefix: "<observation>\n", suffix: "\n</observation>" } },
  finalAnswer: finalAnswerTemplate("as <think>...</think><answer>...</answer>"),
};

/**
 * Skywork-R1V4: `<think>` then one `<tool_call>{"name", "arguments"}</tool_call>` (or `<code>`,
 * or the older bare `<image_search>`/`<text_search>`/`<web_content>` tags, or Python written bare
 * after the reasoning, as the paper's figures print it), or an `<answer>`.
 * Results come back in `<observation>`: search hits as the numbered lists of the paper's figures,
 * code results as JSON; produced images follow as `<sub-image N>`, numbered from 1 in the order
 * the run produced them, as the paper numbers them; `<image>` is the input.
 */
export class SkyworkR1V4Dialect extends TagDialect {
  constructor(settings: DialectSettings = {}) {
    super(
      {
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
          // The paper's figures 5 and 7 print code steps bare after </think>, with no tag.
          untagged: (text, context, ids) =>
            looksLikePython(text)
              ? [translate("code", { code: text.trim() }, text.trim(), context, ids)]
              : [],
        },
        systemPrompt,
        defaultPack,
        renderOutcome,
      },
      settings,
    );
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
        "Images your code shows come back as <sub-image N>, numbered from 1; give image_search <image> for the input image or <sub-image N> for one of them.",
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
      for (const path of paths.length > 0 ? paths : ["<image>"]) {
        const image = resolveImageReference(path, context);
        if (typeof image === "string") return image;
        labels.push(image.label);
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
      // A list where a string is meant: the lines of the code.
      const code = typeof args.code === "string" ? args.code : asStringList(args.code)?.join("\n");
      return code?.trim() ? { code } : 'give "code": "...".';
    }
  }
}

/** Each result in the paper's layout, then the images it produced as numbered sub-images. */
function renderOutcome(turn: PartsBuilder, { result }: ToolCallOutcome, context: DialectContext): void {
  const data = result.data;
  const shown = new Set<string>();
  if (data?.kind === "image-search" && !result.isError) {
    data.results.flat().forEach((hit, index) => {
      turn.text(`${index > 0 ? "\n" : ""}${index + 1}. ${hit.title} link: ${hit.link} image: `);
      const thumbnail = hit.imageId ? result.images.find((image) => image.id === hit.imageId) : undefined;
      if (thumbnail) {
        turn.text(`<sub-image ${subImageNumber(thumbnail, context)}>`).image(thumbnail.id);
        shown.add(thumbnail.id);
      } else turn.text(hit.source ?? "");
    });
    renderRemarks(turn, result);
  } else if (data?.kind === "text-search" && !result.isError) {
    data.results.flat().forEach((hit, index) => {
      turn.text(`${index > 0 ? "\n" : ""}${index + 1}. ${hit.title} link: ${hit.url} text: ${hit.snippet}`);
    });
    renderRemarks(turn, result);
  } else {
    turn.text(JSON.stringify(observationValue(result)));
  }
  for (const image of result.images) {
    if (shown.has(image.id)) continue;
    turn
      .text(`\n<sub-image ${subImageNumber(image, context)}> (${image.width}x${image.height}):`)
      .image(image.id);
  }
}

/** Why a search shows no hits, and what the tool noted, after the numbered list. */
function renderRemarks(turn: PartsBuilder, result: ToolResult): void {
  const { notes, error } = resultRemarks(result);
  const hits =
    result.data?.kind === "image-search" || result.data?.kind === "text-search"
      ? result.data.results.flat()
      : [];
  if (error !== undefined) turn.text(`${hits.length > 0 ? "\n" : ""}The search failed: ${error}`);
  else if (hits.length === 0) turn.text("No results.");
  for (const note of notes) turn.text(`\nNote: ${note}`);
}

/** Images the run produced (everything but its inputs), in order: sub-image 1, 2, ... */
function producedImages(context: DialectContext): ImageRef[] {
  return context.images.list().filter((image) => image.provenance.kind !== "input");
}

function subImageNumber(image: ImageRef, context: DialectContext): number {
  return producedImages(context).findIndex((candidate) => candidate.id === image.id) + 1;
}

/**
 * An image as R1V4 names it: `<image>` (or image_1, `<image 2>`) an input, `<sub-image N>` the
 * N-th produced image; anything else is looked up by label or file name. An unknown name is an
 * error that lists the names the model may use.
 */
export function resolveImageReference(reference: string, context: DialectContext): ImageRef | string {
  const inputs = context.images.list().filter((image) => image.provenance.kind === "input");
  const produced = producedImages(context);
  const text = reference
    .trim()
    .replace(/^<\s*|\s*>$/g, "")
    .trim()
    .toLowerCase();
  const sub = /^sub[-_ ]?image[-_ #]*(\d+)$/.exec(text);
  const input = /^(?:input[-_ ]?)?(?:image|img)(?:[-_ #]*(\d+))?$/.exec(text);
  const found = sub
    ? produced[Number(sub[1]) - 1]
    : input
      ? inputs[input[1] === undefined ? 0 : Number(input[1]) - 1]
      : safeResolve(reference, context);
  if (found) return found;
  const names = [
    inputs.length === 1
      ? "<image> (the input image)"
      : inputs.map((_, index) => `<image ${index + 1}>`).join(", "),
    ...produced.map((_, index) => `<sub-image ${index + 1}>`),
  ].filter(Boolean);
  return `there is no image "${reference}". Images you can name: ${names.join(", ") || "none"}.`;
}

function safeResolve(reference: string, context: DialectContext): ImageRef | undefined {
  try {
    return context.images.resolve(reference);
  } catch {
    return undefined;
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

/**
 * The JSON R1V4 was trained to read for each kind of result. Search and page results stay a JSON
 * list; the tool's notes and, when the call failed, its error follow the hits as `{"note"}` and
 * `{"error"}` entries, so a refused page reads as an error rather than an empty list.
 */
function observationValue(result: ToolResult): unknown {
  const data = result.data;
  switch (data?.kind) {
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
