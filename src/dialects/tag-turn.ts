import type { Message } from "../core/messages.js";
import type { ModelOutput } from "../core/model-output.js";
import type { CallIds } from "./call-ids.js";
import type { ActionError, DialectContext, ParsedTurn, ToolCallOutcome, ToolCallRequest } from "./dialect.js";
import { isActionError, type ReadAction } from "./dialect-support.js";
import { PartsBuilder } from "./parts-builder.js";
import { type PromptPack, renderTemplate, type TemplateValues, type Wrapper } from "./prompt-pack.js";
import { scanTags, type TagMatch } from "./tag-scanner.js";
import { actionInReasoning, splitReasoning } from "./think.js";

/** Reads one action tag into calls and errors (a tag may hold several calls, or none). */
export type TagReader = (match: TagMatch, context: DialectContext, ids: CallIds) => ReadAction[];

/** A tag dialect's grammar: reasoning tags, action tags with their readers, the answer tag. */
export interface TagGrammar {
  reasoningTags: readonly string[];
  actions: Readonly<Record<string, TagReader>>;
  answerTag: string;
  /**
   * The tag that holds `{"name", "arguments"}` calls. Native tool calls the server extracted from
   * the text anyway (a tool parser left on) are written back in it, so they are read like text.
   */
  callTag?: string;
  /**
   * What a turn with no action tag and no answer may still hold in its untagged text (R1V4's
   * figures print code bare after `</think>`); empty when it is just text.
   */
  untagged?: (text: string, context: DialectContext, ids: CallIds) => ReadAction[];
}

/**
 * Parses a tag-dialect turn. Actions count in reading order; an answer counts only when it comes
 * before every action: an answer written after a call was written before the call's result was
 * seen, so the calls run and the model answers again with the results in view.
 */
export function parseTagTurn(
  output: ModelOutput,
  context: DialectContext,
  grammar: TagGrammar,
  ids: CallIds,
): ParsedTurn {
  const actionTags = Object.keys(grammar.actions);
  const content = withNativeCalls(output, grammar.callTag);
  const { reasoning, text } = splitReasoning(content, output.reasoning, grammar.reasoningTags, [
    ...actionTags,
    grammar.answerTag,
  ]);
  const turn = readTurnText(text, context, grammar, ids);
  if (turn.answer !== undefined || turn.calls.length > 0 || turn.errors.length > 0)
    return { reasoning, ...turn };
  // Nothing but reasoning in the content: a server's reasoning parser may have filed the action
  // there (a `<think>` it never saw closed).
  const swallowed = isLeftover(text) ? actionInReasoning(output.reasoning, actionTags) : undefined;
  if (swallowed !== undefined) return { reasoning, ...readTurnText(swallowed, context, grammar, ids) };
  const untagged = grammar.untagged && text.trim() ? safeUntagged(grammar.untagged, text, context, ids) : [];
  return { reasoning, calls: untagged.filter(isCall), errors: untagged.filter(isActionError) };
}

/** The actions and answer of a turn's text, reasoning removed, in reading order. */
function readTurnText(
  text: string,
  context: DialectContext,
  grammar: TagGrammar,
  ids: CallIds,
): Omit<ParsedTurn, "reasoning"> {
  const calls: ToolCallRequest[] = [];
  const errors: ActionError[] = [];
  for (const match of scanTags(text, [grammar.answerTag, ...Object.keys(grammar.actions)])) {
    if (match.name === grammar.answerTag) {
      if (calls.length === 0 && errors.length === 0) return { calls, errors, answer: match.body.trim() };
      continue;
    }
    const reader = grammar.actions[match.name];
    if (!reader) continue;
    for (const action of safeRead(reader, match, context, ids)) {
      if (isActionError(action)) errors.push(action);
      else calls.push(action);
    }
  }
  return { calls, errors };
}

/** Text with nothing of its own: blank, stray closing tags (a restored stop string), stray brackets. */
function isLeftover(text: string): boolean {
  return /^[\s{}[\],]*$/.test(text.replace(/<\/[\w-]+>/g, ""));
}

function isCall(action: ReadAction): action is ToolCallRequest {
  return !isActionError(action);
}

function safeUntagged(
  read: NonNullable<TagGrammar["untagged"]>,
  text: string,
  context: DialectContext,
  ids: CallIds,
): ReadAction[] {
  try {
    return read(text, context, ids);
  } catch {
    return [];
  }
}

/** A reader bug must not crash the loop: it becomes an error the model (and the log) can see. */
function safeRead(reader: TagReader, match: TagMatch, context: DialectContext, ids: CallIds): ReadAction[] {
  try {
    return reader(match, context, ids);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return [
      {
        id: ids.next(),
        raw: match.raw,
        message: `Error: could not read this <${match.name}> action: ${detail}`,
      },
    ];
  }
}

/** The content with any native tool calls written back as text in the dialect's call tag. */
export function withNativeCalls(output: ModelOutput, callTag: string | undefined): string {
  if (!callTag || output.toolCalls.length === 0) return output.content;
  const written = output.toolCalls.map(
    (call) =>
      `<${callTag}>{"name": ${JSON.stringify(call.name)}, "arguments": ${call.arguments || "{}"}}</${callTag}>`,
  );
  return [output.content, ...written].filter(Boolean).join("\n");
}

/** Generation stops where an action ends, so the runtime can answer it before the model goes on. */
export function actionClosingTags(grammar: TagGrammar): string[] {
  return Object.keys(grammar.actions).map((tag) => `</${tag}>`);
}

/**
 * The assistant message of a tag dialect: the text as the model wrote it, in its own grammar,
 * after `finish` (a dialect that repairs its text, such as closing an open tag).
 */
export function tagAssistantMessage(
  output: ModelOutput,
  callTag: string | undefined,
  finish: (content: string) => string = (content) => content,
): Message {
  const content = finish(withNativeCalls(output, callTag));
  return output.reasoning
    ? { role: "assistant", content, reasoning: output.reasoning }
    : { role: "assistant", content };
}

/** Writes one call's result into an observation turn, in the shape a model family was trained on. */
export type OutcomeRenderer = (turn: PartsBuilder, outcome: ToolCallOutcome, context: DialectContext) => void;

/**
 * All results of one turn as a single user turn, in the pack's wrappers: the observation's around
 * the turn, each tool's around its result (the error wrapper around a failed call, when the pack
 * has one), the separator between results. None when nothing ran.
 */
export function observationTurn(
  outcomes: readonly ToolCallOutcome[],
  context: DialectContext,
  render: OutcomeRenderer,
  pack: PromptPack,
  values: TemplateValues,
): Message[] {
  if (outcomes.length === 0) return [];
  const turn = new PartsBuilder();
  const write = (template: string | undefined, extra: Record<string, unknown> = {}) => {
    if (template) turn.text(renderTemplate(template, { ...values, ...extra }));
  };
  write(pack.observation?.prefix);
  outcomes.forEach((outcome, index) => {
    if (index > 0) write(pack.separator ?? "\n");
    const wrapper = wrapperFor(pack, outcome);
    const about = outcomeValues(outcome);
    write(wrapper.prefix, about);
    render(turn, outcome, context);
    write(wrapper.suffix, about);
  });
  write(pack.observation?.suffix);
  return turn.isEmpty ? [] : [turn.message()];
}

/** What a wrapper template may say of one result: `{{tool}}`, and for searches `{{query}}` and `{{count}}`. */
export function outcomeValues(outcome: ToolCallOutcome): Record<string, unknown> {
  const data = outcome.result.data;
  if (data?.kind === "text-search")
    return { tool: outcome.name, query: data.queries.join("; "), count: data.results.flat().length };
  if (data?.kind === "image-search") return { tool: outcome.name, count: data.results.flat().length };
  return { tool: outcome.name };
}

function wrapperFor(pack: PromptPack, outcome: ToolCallOutcome): Wrapper {
  if (outcome.result.isError && pack.error) return pack.error;
  return pack.tools?.[outcome.name] ?? pack.tools?.["*"] ?? {};
}

/** The user turn asking for a final answer now, from the pack's template. */
export function finalAnswerTurn(template: string, values: TemplateValues, reason: string): Message {
  return { role: "user", content: [{ type: "text", text: renderTemplate(template, { ...values, reason }) }] };
}

/** Loupe's final-answer request, in a dialect's answer syntax. */
export function finalAnswerTemplate(answerSyntax: string): string {
  return `Stop using tools now: {{reason}}. Using what you have found so far, give your best final answer ${answerSyntax}. Do not call any tool.`;
}
