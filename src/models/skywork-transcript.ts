/**
 * Skywork's hosted R1V4 API runs the whole agent loop on its side and returns the run as one
 * content string: `<think>..</think><tool_call>{json}</tool_call><observation>..</observation>
 * <think>..</think>...<answer>..</answer>`, or with the older bare action tags
 * (`<text_search>..</text_search>`). This parser turns that string into steps the agent can record.
 * It is tolerant, because real transcripts have unclosed tags, a stray `</think>` with no opening,
 * a `}` left after `</tool_call>`, unquoted `<image>` placeholders and typographic quotes in JSON
 * (the JSON goes through the same reader as the live dialects', core/tolerant-json.ts), and code
 * written bare, with no tag, as the paper's figures print it.
 */
import { looksLikePython } from "../core/bare-python.js";
import { readJsonTolerantly } from "../core/tolerant-json.js";

export interface SkyworkAction {
  name: string;
  arguments: unknown;
  /** The text inside the action tag, verbatim. */
  raw: string;
  /** Set when the action could not be read; `arguments` is then undefined. */
  error?: string;
}

export interface SkyworkStep {
  reasoning?: string;
  action?: SkyworkAction;
  observation?: string;
  /** Images the hosted run's code produced, written into the observation as data URLs, in order. */
  observationImages?: TranscriptImage[];
}

/**
 * An image carried in an observation as `data:image/...;base64,...`. `url` is the URL exactly as
 * written (whitespace inside it included), so a recorder can replace it in the text. `bytes` are
 * the decoded payload, not yet checked to be an image; `error` says why there are none.
 */
export interface TranscriptImage {
  url: string;
  mime: string;
  bytes?: Uint8Array;
  error?: string;
}

export interface TranscriptLimits {
  /** Data URLs read from one observation; the rest are listed with an error. Default 20. */
  maxImagesPerObservation?: number;
  /** Decoded bytes one image may have; larger ones are not decoded. Default no limit. */
  maxImageBytes?: number;
}

/**
 * Upstream's viewer (r1v4/visual.py) finds images anywhere in the transcript with this pattern:
 * the payload runs lazily up to the first `"`, `\`, `}` or `,` (the URL sits in a JSON string) or
 * the end, whitespace inside it allowed and dropped. `<`, `)`, `'` and `]` also end it here: none
 * is a base64 character, and they close the other places a URL is written (tags, markdown).
 */
const DATA_URL = /data:(image\/[\w.+-]+);base64,([A-Za-z0-9+/=\s]+?)(?=["\\},<)'\]]|$)/g;

export interface SkyworkTranscript {
  /** In order; the last step usually holds the reasoning that led to the answer. */
  steps: SkyworkStep[];
  answer?: string;
}

const BARE_ACTION_TAGS = ["image_search", "text_search", "web_visit", "web_content", "code"] as const;
const KNOWN_TAGS = ["think", "tool_call", "observation", "answer", ...BARE_ACTION_TAGS];
const TAG_PATTERN = new RegExp(`<(/?)(${KNOWN_TAGS.join("|")})>`, "g");
/**
 * Opening tags that end an unclosed block, since the turn grammar never nests them. Observations
 * are written by Skywork's runtime and may quote page markup, so an observation whose closing tag
 * comes before the next observation keeps everything up to it; the blocks the model writes end
 * at any block start.
 */
const MODEL_BLOCK_END = /<(think|tool_call|observation|answer)>/g;
const OBSERVATION_END = /<observation>/g;

type Segment = { kind: "text"; text: string } | { kind: "tag"; name: string; body: string };

export function parseSkyworkTranscript(content: string, limits: TranscriptLimits = {}): SkyworkTranscript {
  const steps: SkyworkStep[] = [];
  let answer: string | undefined;
  let current: SkyworkStep | undefined;
  const startStep = (): SkyworkStep => {
    current = {};
    steps.push(current);
    return current;
  };
  const stepForReasoningOrAction = (): SkyworkStep =>
    !current || current.action || current.observation !== undefined ? startStep() : current;

  for (const segment of segments(content)) {
    if (segment.kind === "text" || segment.name === "think") {
      const text = segment.kind === "text" ? segment.text.trim() : segment.body.trim();
      // Leftover punctuation such as the `}` some transcripts leave after </tool_call>.
      if (!text || /^[\s{}[\],]*$/.test(text)) continue;
      const step = stepForReasoningOrAction();
      // The paper's figures 5 and 7 print code steps bare between </think> and the observation.
      if (segment.kind === "text" && !step.action && looksLikePython(text)) {
        step.action = { name: "code", arguments: { code: text }, raw: text };
        continue;
      }
      step.reasoning = step.reasoning ? `${step.reasoning}\n${text}` : text;
    } else if (segment.name === "observation") {
      // Two observations in a row mean an action between them was lost: keep them apart.
      const step = !current || current.observation !== undefined ? startStep() : current;
      step.observation = segment.body.trim();
      const images = observationImages(step.observation, limits);
      if (images.length > 0) step.observationImages = images;
    } else if (segment.name === "answer") {
      answer = segment.body.trim();
    } else {
      const step = stepForReasoningOrAction();
      step.action =
        segment.name === "tool_call" ? parseToolCall(segment.body) : bareAction(segment.name, segment.body);
    }
  }
  return { steps, ...(answer === undefined ? {} : { answer }) };
}

/** The data-URL images of one observation, decoded up to the limits. */
export function observationImages(text: string, limits: TranscriptLimits = {}): TranscriptImage[] {
  const maxCount = limits.maxImagesPerObservation ?? 20;
  const maxBytes = limits.maxImageBytes ?? Number.POSITIVE_INFINITY;
  const images: TranscriptImage[] = [];
  for (const match of text.matchAll(DATA_URL)) {
    const url = match[0];
    const mime = match[1]!.toLowerCase();
    const payload = match[2]!.replace(/\s/g, "");
    const size = Math.floor((payload.length * 3) / 4);
    if (images.length >= maxCount) {
      images.push({ url, mime, error: `more than ${maxCount} images in one observation` });
    } else if (size > maxBytes) {
      images.push({ url, mime, error: `about ${size} bytes, over the limit of ${maxBytes} bytes` });
    } else if (payload === "" || !/^[A-Za-z0-9+/]+={0,2}$/.test(payload) || payload.length % 4 === 1) {
      images.push({ url, mime, error: "the base64 payload is malformed" });
    } else {
      images.push({ url, mime, bytes: new Uint8Array(Buffer.from(payload, "base64")) });
    }
  }
  return images;
}

/** Splits the transcript into free text and tag blocks; an unclosed block ends at the next block. */
function segments(content: string): Segment[] {
  const result: Segment[] = [];
  let position = 0;
  while (position < content.length) {
    TAG_PATTERN.lastIndex = position;
    const tag = TAG_PATTERN.exec(content);
    if (!tag) {
      result.push({ kind: "text", text: content.slice(position) });
      break;
    }
    if (tag.index > position) result.push({ kind: "text", text: content.slice(position, tag.index) });
    const name = tag[2]!;
    const bodyStart = tag.index + tag[0].length;
    if (tag[1] === "/") {
      position = bodyStart; // a stray closing tag only separates text
      continue;
    }
    const closing = `</${name}>`;
    const closedAt = content.indexOf(closing, bodyStart);
    const closesBefore = (pattern: RegExp): boolean => {
      const next = nextMatchIndex(pattern, content, bodyStart);
      return closedAt >= 0 && (next < 0 || closedAt < next);
    };
    if (closesBefore(name === "observation" ? OBSERVATION_END : MODEL_BLOCK_END)) {
      result.push({ kind: "tag", name, body: content.slice(bodyStart, closedAt) });
      position = closedAt + closing.length;
    } else {
      const nextBlock = nextMatchIndex(MODEL_BLOCK_END, content, bodyStart);
      const end = nextBlock >= 0 ? nextBlock : content.length;
      result.push({ kind: "tag", name, body: content.slice(bodyStart, end) });
      position = end;
    }
  }
  return result;
}

function nextMatchIndex(pattern: RegExp, text: string, from: number): number {
  pattern.lastIndex = from;
  return pattern.exec(text)?.index ?? -1;
}

/** The JSON value in `text`, or undefined where none can be read. */
function readJson(text: string): unknown {
  const result = readJsonTolerantly(text);
  return result.ok ? result.value : undefined;
}

function parseToolCall(raw: string): SkyworkAction {
  const parsed = readJson(stripFence(raw));
  if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
    const call = parsed as Record<string, unknown>;
    if (typeof call.name === "string") {
      const args = call.arguments ?? call.parameters ?? {};
      // Some writers encode the arguments as a JSON string inside the JSON.
      const decoded = typeof args === "string" ? (readJson(args) ?? args) : args;
      return { name: call.name, arguments: decoded, raw };
    }
  }
  const name = /"name"\s*:\s*"([^"]+)"/.exec(raw)?.[1] ?? "";
  return {
    name,
    arguments: undefined,
    raw,
    error: "the tool call is not valid JSON with a name and arguments",
  };
}

/** The bare-tag variant carries the argument itself; give it the shape of the JSON variant. */
function bareAction(name: string, raw: string): SkyworkAction {
  const body = stripFence(raw).trim();
  const parsed = /^[[{]/.test(body) ? readJson(body) : undefined;
  if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return { name, arguments: parsed, raw };
  const list = Array.isArray(parsed) ? parsed : [body];
  switch (name) {
    case "text_search":
      return { name, arguments: { queries: list }, raw };
    case "image_search":
      return { name, arguments: { image_paths: list }, raw };
    case "web_visit":
    case "web_content":
      return { name, arguments: { urls: list }, raw };
    default:
      return { name, arguments: { code: body }, raw };
  }
}

function stripFence(text: string): string {
  const fenced = /```[\w-]*\s*\n([\s\S]*?)```/.exec(text);
  return fenced ? fenced[1]! : text;
}

/**
 * An action of the transcript as the Loupe tool that does the same thing, with that tool's
 * argument names (R1V4's "code" is Loupe's python, its image_paths are Loupe's images). Image
 * names stay as R1V4 wrote them (`<image>`, `<sub-image 1>`): nothing here resolves them.
 */
export function loupeAction(action: Pick<SkyworkAction, "name" | "arguments">): {
  tool: string;
  arguments: unknown;
} {
  const args = isRecord(action.arguments) ? action.arguments : {};
  switch (action.name) {
    case "code":
      return { tool: "python", arguments: { code: args.code } };
    case "image_search":
      return { tool: "image_search", arguments: { images: args.image_paths ?? args.image_path } };
    case "web_visit":
    case "web_content":
      return { tool: "web_visit", arguments: { urls: args.urls ?? args.url } };
    case "text_search":
      return { tool: "text_search", arguments: { queries: args.queries ?? args.query } };
    default:
      return { tool: action.name || "unknown", arguments: action.arguments };
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
