import type { ChatModel } from "../agent/chat-model.js";
import { WireMessages } from "../agent/wire-messages.js";
import type { LoupeConfig } from "../core/config.js";
import type { ImageSet } from "../core/image-set.js";
import type { Message } from "../core/messages.js";
import type { TokenUsage } from "../core/model-output.js";

/** A model of a mode with what it needs to send a conversation: the run's images and view. */
export interface ModeModel {
  model: ChatModel;
  images: ImageSet;
  config: LoupeConfig;
}

export interface ModelText {
  text: string;
  reasoning?: string;
  usage: TokenUsage;
  durationMs: number;
}

/**
 * One model call of a mode (a plan step that reasons, a placeholder read out of a result, a
 * report): the messages rendered with their images as the agent renders them, no tools.
 */
export async function modelText(
  target: ModeModel,
  messages: readonly Message[],
  signal: AbortSignal,
): Promise<ModelText> {
  const wire = new WireMessages(
    target.images,
    target.config.images.modelView,
    target.config.model.imageTransport,
  );
  const startedAt = performance.now();
  const output = await target.model.complete({ messages: await wire.render(messages), signal });
  return {
    text: output.content.replace(/^\s*<think>[\s\S]*?<\/think>/i, "").trim(),
    ...(output.reasoning ? { reasoning: output.reasoning } : {}),
    usage: output.usage,
    durationMs: performance.now() - startedAt,
  };
}

/** Text cut to `max` characters, saying so. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}\n[... ${text.length - max} more characters]`;
}
