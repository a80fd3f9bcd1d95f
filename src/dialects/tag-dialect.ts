import type { DialectName, DialectOptions } from "../core/config.js";
import { dialectOptionsSchema } from "../core/config.js";
import type { ImageRef } from "../core/images.js";
import type { Message } from "../core/messages.js";
import type { ModelOutput } from "../core/model-output.js";
import { CallIds } from "./call-ids.js";
import type {
  Dialect,
  DialectContext,
  DialectRequestOptions,
  DialectSettings,
  ParsedTurn,
  ToolCallOutcome,
} from "./dialect.js";
import { templateValues } from "./dialect-support.js";
import {
  layerPacks,
  type PromptPack,
  renderTemplate,
  renderUserTurn,
  type TemplateValues,
} from "./prompt-pack.js";
import {
  actionClosingTags,
  finalAnswerTemplate,
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
  supportedTools: Dialect["supportedTools"];
  defaultTools: readonly string[];
  grammar: TagGrammar;
  /** Loupe's own system prompt for the run's tools, used unless the pack sets one. */
  systemPrompt(context: DialectContext, options: DialectOptions): string;
  /**
   * Loupe's own wording of everything else the model reads (first turn, wrappers, final-answer
   * request); a user's prompt pack replaces it field by field.
   */
  defaultPack: PromptPack;
  /**
   * Values the default pack's templates use besides the common ones (an options block in the
   * dialect's layout, instructions for the enabled tools), so the defaults need no Mustache sections.
   */
  extraValues?(values: TemplateValues): Record<string, string>;
  /** The body of one result; the pack's wrappers go around it. */
  renderOutcome: OutcomeRenderer;
  /** A rule on top of the grammar, applied to every parsed turn (DeepEyesV2: one kind of tool). */
  refineTurn?(turn: ParsedTurn, options: DialectOptions): ParsedTurn;
  /** Repairs to the assistant text kept in the conversation (DeepEyesV2 closes an open tag). */
  finishAssistantText?(content: string): string;
}

/**
 * A dialect whose model writes actions as tags in its text. All of them stop generation at the
 * closing tag of an action, keep the text as written, send every result of a turn in one user
 * turn, and take every text the model reads from a prompt pack (Loupe's wording unless the user
 * gives one); the spec supplies the grammar, the argument mapping (in its readers) and the body
 * of each observation.
 */
export class TagDialect implements Dialect {
  readonly name: DialectName;
  readonly supportedTools: Dialect["supportedTools"];
  readonly defaultTools: readonly string[];
  readonly options: DialectOptions;
  readonly pack: PromptPack;
  readonly #spec: TagDialectSpec;
  /** One counter per instance, so call ids are unique within a run. */
  readonly #ids = new CallIds();

  constructor(spec: TagDialectSpec, settings: DialectSettings = {}) {
    this.#spec = spec;
    this.name = spec.name;
    this.supportedTools = spec.supportedTools;
    this.defaultTools = spec.defaultTools;
    this.options = settings.options ?? dialectOptionsSchema.parse({});
    this.pack = layerPacks(spec.defaultPack, settings.pack);
  }

  systemPrompt(context: DialectContext): string | undefined {
    if (this.pack.system === null) return undefined;
    if (this.pack.system !== undefined) return renderTemplate(this.pack.system, this.#values(context));
    return this.#spec.systemPrompt(context, this.options);
  }

  requestOptions(): DialectRequestOptions {
    return { stop: this.options.stopSequences ?? actionClosingTags(this.#spec.grammar) };
  }

  userTurn(context: DialectContext, images: readonly ImageRef[]): Message {
    return renderUserTurn(this.pack.user ?? "{{images}}{{question}}", this.#values(context), images);
  }

  parse(output: ModelOutput, context: DialectContext): ParsedTurn {
    const turn = parseTagTurn(output, context, this.#spec.grammar, this.#ids);
    return this.#spec.refineTurn ? this.#spec.refineTurn(turn, this.options) : turn;
  }

  assistantMessage(output: ModelOutput): Message {
    return tagAssistantMessage(output, this.#spec.grammar.callTag, this.#spec.finishAssistantText);
  }

  observations(outcomes: readonly ToolCallOutcome[], context: DialectContext): Message[] {
    return observationTurn(outcomes, context, this.#spec.renderOutcome, this.pack, this.#values(context));
  }

  #values(context: DialectContext): TemplateValues {
    const values = templateValues(context);
    return { ...values, ...this.#spec.extraValues?.(values) };
  }

  finalAnswerRequest(reason: string, context: DialectContext): Message {
    const { answerTag } = this.#spec.grammar;
    const template = this.pack.finalAnswer ?? finalAnswerTemplate(`inside <${answerTag}>...</${answerTag}>`);
    return finalAnswerTurn(template, this.#values(context), reason);
  }
}
