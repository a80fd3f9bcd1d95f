import type { DialectName } from "../core/config.js";
import type { ImageRef } from "../core/images.js";
import type { Message } from "../core/messages.js";
import type { ModelOutput } from "../core/model-output.js";
import { CallIds } from "./call-ids.js";
import type {
  Dialect,
  DialectContext,
  DialectRequestOptions,
  ParsedTurn,
  ToolCallOutcome,
} from "./dialect.js";
import { imagesThenQuestion } from "./dialect-support.js";
import {
  actionClosingTags,
  finalAnswerTurn,
  type OutcomeRenderer,
  observationTurn,
  parseTagTurn,
  type TagGrammar,
  tagAssistantMessage,
} from "./tag-turn.js";

/** What sets one tag dialect apart from the others; what they all do alike is in TagDialect. */
export interface TagDialectSpec {
  name: DialectName;
  /** Loupe tool names the dialect can express, in its own prompt's order. */
  supportedTools: readonly string[];
  defaultTools: readonly string[];
  grammar: TagGrammar;
  systemPrompt(context: DialectContext): string;
  renderOutcome: OutcomeRenderer;
  /** Text between two results in one observation turn; a newline unless the model saw otherwise. */
  outcomeSeparator?: string;
  /** How the final-answer request asks for the answer; inside the grammar's answer tag unless set. */
  answerSyntax?: string;
  /** A rule on top of the grammar, applied to every parsed turn (DeepEyesV2: one kind of tool). */
  refineTurn?(turn: ParsedTurn): ParsedTurn;
  /** Repairs to the assistant text kept in the conversation (DeepEyesV2 closes an open tag). */
  finishAssistantText?(content: string): string;
}

/**
 * A dialect whose model writes actions as tags in its text. All of them stop generation at the
 * closing tag of an action, show the images before the question, keep the text as written, send
 * every result of a turn in one user turn, and ask for the final answer in their answer syntax;
 * the spec supplies the grammar, the argument mapping (in its readers) and the observation format.
 */
export class TagDialect implements Dialect {
  readonly name: DialectName;
  readonly supportedTools: readonly string[];
  readonly defaultTools: readonly string[];
  readonly #spec: TagDialectSpec;
  /** One counter per instance, so call ids are unique within a run. */
  readonly #ids = new CallIds();

  constructor(spec: TagDialectSpec) {
    this.#spec = spec;
    this.name = spec.name;
    this.supportedTools = spec.supportedTools;
    this.defaultTools = spec.defaultTools;
  }

  systemPrompt(context: DialectContext): string {
    return this.#spec.systemPrompt(context);
  }

  requestOptions(): DialectRequestOptions {
    return { stop: actionClosingTags(this.#spec.grammar) };
  }

  userTurn(question: string, images: readonly ImageRef[]): Message {
    return imagesThenQuestion(question, images);
  }

  parse(output: ModelOutput, context: DialectContext): ParsedTurn {
    const turn = parseTagTurn(output, context, this.#spec.grammar, this.#ids);
    return this.#spec.refineTurn ? this.#spec.refineTurn(turn) : turn;
  }

  assistantMessage(output: ModelOutput): Message {
    return tagAssistantMessage(output, this.#spec.grammar.callTag, this.#spec.finishAssistantText);
  }

  observations(outcomes: readonly ToolCallOutcome[], context: DialectContext): Message[] {
    return observationTurn(outcomes, context, this.#spec.renderOutcome, this.#spec.outcomeSeparator ?? "\n");
  }

  finalAnswerRequest(reason: string): Message {
    const { answerTag } = this.#spec.grammar;
    return finalAnswerTurn(reason, this.#spec.answerSyntax ?? `inside <${answerTag}>...</${answerTag}>`);
  }
}
