import { isPlainObject } from "../../core/config-layers.js";
import { askModes, isAskMode } from "../../modes/mode-names.js";
import { badRequest } from "./api-error.js";
import type { RequestImage } from "./request-images.js";
import type { RunChoices } from "./run-launcher.js";

/** What Loupe takes from a chat completions body. */
export interface ChatRequest {
  question: string;
  images: RequestImage[];
  choices: RunChoices;
  /** The `model` the client asked for, echoed in the reply (the configured model when absent). */
  model?: string;
  stream: boolean;
  includeUsage: boolean;
}

/**
 * Reads an OpenAI chat completions body. `messages` must end with the user's question; its
 * text is the question and the image parts of every user turn are the inputs, in order. Earlier
 * turns (system, user, assistant) become context written before the question (decision 1017), so
 * a chat client's history reaches a run that starts afresh. Loupe's own top-level fields
 * (`dialect`, `profile`, `tools`, `budgets`, as vLLM takes extra parameters; decision 1016) pick
 * how the agent runs; sampling fields pass to the model. Anything wrong is a 400 naming the field.
 */
export function parseChatRequest(body: unknown): ChatRequest {
  if (!isPlainObject(body)) throw badRequest("invalid-body", "The request body must be a JSON object.");
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0)
    throw badRequest(
      "invalid-messages",
      "`messages` must be a non-empty array of chat messages.",
      "messages",
    );
  if (body.n !== undefined && body.n !== 1)
    throw badRequest("unsupported", "Loupe answers with one choice: `n` must be 1.", "n");
  const { question, images } = conversationQuestion(messages);
  const streamOptions = isPlainObject(body.stream_options) ? body.stream_options : {};
  const request: ChatRequest = {
    question,
    images,
    choices: runChoices(body),
    stream: optionalBoolean(body.stream, "stream") ?? false,
    includeUsage: optionalBoolean(streamOptions.include_usage, "stream_options.include_usage") ?? false,
  };
  if (body.model !== undefined) request.model = requiredText(body.model, "model");
  return request;
}

/** The extra fields and sampling settings of a run request (chat completions or /v1/runs). */
export function runChoices(body: Record<string, unknown>): RunChoices {
  const choices: RunChoices = {};
  if (body.model !== undefined) choices.model = requiredText(body.model, "model");
  if (body.dialect !== undefined) choices.dialect = requiredText(body.dialect, "dialect");
  if (body.profile !== undefined) choices.profile = requiredText(body.profile, "profile");
  if (body.tools !== undefined) choices.tools = toolNames(body.tools);
  if (body.mode !== undefined) {
    const mode = requiredText(body.mode, "mode");
    if (!isAskMode(mode))
      throw badRequest(
        "invalid-mode",
        `\`mode\` must be one of ${askModes.join(", ")}; got ${JSON.stringify(mode)}.`,
        "mode",
      );
    choices.mode = mode;
  }
  if (body.budgets !== undefined) {
    if (!isPlainObject(body.budgets))
      throw badRequest("invalid-budgets", '`budgets` must be an object such as {"maxSteps": 6}.', "budgets");
    choices.budgets = body.budgets;
  }
  const temperature = optionalNumber(body.temperature, "temperature");
  if (temperature !== undefined) choices.temperature = temperature;
  const topP = optionalNumber(body.top_p, "top_p");
  if (topP !== undefined) choices.topP = topP;
  const maxTokens = optionalNumber(body.max_completion_tokens ?? body.max_tokens, "max_tokens");
  if (maxTokens !== undefined) choices.maxTokens = maxTokens;
  return choices;
}

function toolNames(value: unknown): string[] {
  if (Array.isArray(value) && value.every((item) => typeof item === "string")) return value;
  if (Array.isArray(value) && value.some(isPlainObject))
    throw badRequest(
      "invalid-tools",
      '`tools` takes Loupe tool names (e.g. ["crop", "python"]; see `loupe tools`), not function definitions: Loupe runs its own tools and answers with text.',
      "tools",
    );
  throw badRequest("invalid-tools", "`tools` must be an array of Loupe tool names.", "tools");
}

interface Turn {
  role: string;
  /** The text, with [image_N] where an image part was (for the context above the question). */
  text: string;
  /** The text alone (the question: its images are the run's inputs already). */
  plain: string;
}

/** The last user message's text as the question, with the turns before it written above it. */
function conversationQuestion(messages: unknown[]): { question: string; images: RequestImage[] } {
  const images: RequestImage[] = [];
  const turns: Turn[] = messages.map((message, index) => readTurn(message, index, images));
  const last = turns.at(-1) as Turn;
  if (last.role !== "user")
    throw badRequest(
      "invalid-messages",
      `The last message must be the user's question, not a ${last.role} message.`,
      `messages[${turns.length - 1}].role`,
    );
  if (!last.plain.trim() && images.length === 0)
    throw badRequest(
      "invalid-messages",
      "The last user message has no text and no image.",
      `messages[${turns.length - 1}].content`,
    );
  const earlier = turns.slice(0, -1).filter((turn) => turn.text.trim());
  if (earlier.length === 0) return { question: last.plain, images };
  const context = earlier.map((turn) => `${roleName(turn.role)}: ${turn.text}`).join("\n\n");
  return {
    question: `The conversation so far:\n\n${context}\n\nThe user's question now:\n${last.plain}`,
    images,
  };
}

function roleName(role: string): string {
  if (role === "assistant") return "Assistant";
  if (role === "system" || role === "developer") return "Instructions";
  return "User";
}

function readTurn(message: unknown, index: number, images: RequestImage[]): Turn {
  const at = `messages[${index}]`;
  if (!isPlainObject(message)) throw badRequest("invalid-messages", `${at} must be an object.`, at);
  const role = message.role;
  if (role !== "system" && role !== "developer" && role !== "user" && role !== "assistant" && role !== "tool")
    throw badRequest(
      "invalid-messages",
      `${at}.role must be system, developer, user or assistant, got ${JSON.stringify(role)}.`,
      `${at}.role`,
    );
  const content = message.content;
  if (content === null || content === undefined) return { role, text: "", plain: "" };
  if (typeof content === "string") return { role, text: content, plain: content };
  if (!Array.isArray(content))
    throw badRequest(
      "invalid-messages",
      `${at}.content must be text or an array of content parts.`,
      `${at}.content`,
    );
  const texts: string[] = [];
  const plain: string[] = [];
  content.forEach((part, partIndex) => {
    const where = `${at}.content[${partIndex}]`;
    if (!isPlainObject(part)) throw badRequest("invalid-messages", `${where} must be an object.`, where);
    if (part.type === "text") {
      if (typeof part.text !== "string")
        throw badRequest("invalid-messages", `${where}.text must be text.`, `${where}.text`);
      texts.push(part.text);
      plain.push(part.text);
      return;
    }
    if (part.type === "image_url") {
      if (role !== "user")
        throw badRequest("invalid-messages", `${where}: only user messages may carry images.`, where);
      const image = part.image_url;
      const url = typeof image === "string" ? image : isPlainObject(image) ? image.url : undefined;
      if (typeof url !== "string" || !url)
        throw badRequest(
          "invalid-messages",
          `${where}.image_url.url must be a data: or http(s) URL.`,
          `${where}.image_url.url`,
        );
      images.push({ url, param: `${where}.image_url.url` });
      texts.push(`[image_${images.length}]`);
      return;
    }
    throw badRequest(
      "invalid-messages",
      `${where}.type ${JSON.stringify(part.type)} is not supported: use text and image_url parts.`,
      `${where}.type`,
    );
  });
  return { role, text: texts.join(" ").trim(), plain: plain.join(" ").trim() };
}

function requiredText(value: unknown, param: string): string {
  if (typeof value !== "string" || !value.trim())
    throw badRequest("invalid-field", `\`${param}\` must be non-empty text.`, param);
  return value;
}

function optionalBoolean(value: unknown, param: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean")
    throw badRequest("invalid-field", `\`${param}\` must be true or false.`, param);
  return value;
}

function optionalNumber(value: unknown, param: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value))
    throw badRequest("invalid-field", `\`${param}\` must be a number.`, param);
  return value;
}
