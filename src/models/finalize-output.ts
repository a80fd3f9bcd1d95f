import type { FinishReason, ModelOutput } from "../core/model-output.js";
import type { RawTurn } from "./raw-turn.js";
import { detectStopSequence, restoreStopSequence } from "./stop-restore.js";
import { splitThinking } from "./think-split.js";

export interface FinalizeOptions {
  stops: readonly string[];
  /** Append the matched stop string to the content (tag dialects). */
  restoreStopSequence: boolean;
}

/** Turns the server's raw reply into the ModelOutput the loop and parsers consume. */
export function finalizeOutput(raw: RawTurn, options: FinalizeOptions): ModelOutput {
  let content = raw.content;
  let reasoning = raw.reasoning;
  if (reasoning === undefined) {
    const split = splitThinking(content);
    content = split.content;
    reasoning = split.reasoning;
  }
  const stopInput = {
    content,
    finishReason: raw.finishReason,
    stopReason: raw.stopReason,
    stops: options.stops,
  };
  let stopSequence: string | undefined;
  if (options.restoreStopSequence) {
    const restored = restoreStopSequence(stopInput);
    content = restored.content;
    stopSequence = restored.stopSequence;
  } else {
    stopSequence = detectStopSequence(stopInput);
  }
  return {
    content,
    ...(reasoning ? { reasoning } : {}),
    toolCalls: raw.toolCalls,
    finishReason: normalizeFinishReason(raw.finishReason),
    ...(stopSequence === undefined ? {} : { stopSequence }),
    usage: raw.usage ?? { promptTokens: 0, completionTokens: 0 },
  };
}

export function normalizeFinishReason(reason: string | undefined): FinishReason {
  switch (reason) {
    case "stop":
    case "length":
    case "tool_calls":
    case "content_filter":
      return reason;
    // Older servers still send the legacy name.
    case "function_call":
      return "tool_calls";
    default:
      return "unknown";
  }
}
