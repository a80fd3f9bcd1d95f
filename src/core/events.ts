import type { ImageRef } from "./images.js";
import type { TokenUsage } from "./model-output.js";
import type { StopReason } from "./trajectory.js";

/**
 * What a run reports while it happens, in order. Names are noun-then-action. The CLI renders
 * them; the server (later) streams them as server-sent events.
 */
export type RunEvent =
  | { type: "run-start"; runId: string; question: string; images: ImageRef[]; model: string; dialect: string }
  | { type: "step-start"; step: number }
  | { type: "text-delta"; step: number; text: string }
  | { type: "reasoning-delta"; step: number; text: string }
  /** The model server has sent nothing for `waitedMs` (repeated every few seconds while it lasts). */
  | { type: "model-wait"; step: number; waitedMs: number }
  | { type: "tool-call-start"; step: number; callId: string; tool: string; arguments: unknown }
  | {
      type: "tool-call-end";
      step: number;
      callId: string;
      tool: string;
      text: string;
      images: ImageRef[];
      isError: boolean;
      durationMs: number;
    }
  | { type: "answer"; step: number; answer: string }
  | { type: "run-end"; stopReason: StopReason; usage: TokenUsage; durationMs: number }
  | { type: "error"; step?: number; code: string; message: string; retrying: boolean };

export type RunEventListener = (event: RunEvent) => void;
