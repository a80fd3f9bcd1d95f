import pc from "picocolors";
import type { RunEvent } from "../../core/events.js";
import type { ImageRef } from "../../core/images.js";

export interface RendererOptions {
  write: (text: string) => void;
  /** Where a produced image was saved, to print its path. */
  imagePath?: (image: ImageRef) => string | undefined;
  /** Longest tool result text shown, in characters. */
  maxResultChars?: number;
}

/**
 * Renders run events as a readable stream: reasoning dimmed, model text plain, tool calls and
 * their results marked with arrows, produced images with their size and path, then the answer.
 */
export function createEventRenderer(options: RendererOptions): (event: RunEvent) => void {
  const { write } = options;
  const maxResultChars = options.maxResultChars ?? 600;
  let streaming: "reasoning" | "text" | undefined;
  /** The model's visible text in the current step, to avoid printing an identical answer twice. */
  let stepText = "";

  const endStream = (): void => {
    if (streaming) write("\n");
    streaming = undefined;
  };

  return (event) => {
    switch (event.type) {
      case "run-start": {
        const images = event.images
          .map((image) => `${image.label} ${image.width}x${image.height}`)
          .join(", ");
        write(pc.bold(`loupe · ${event.model} · ${event.dialect} dialect · ${images || "no images"}\n`));
        write(pc.dim(`question: ${event.question}\n`));
        break;
      }
      case "step-start":
        endStream();
        stepText = "";
        write(pc.cyan(`\n── step ${event.step}\n`));
        break;
      case "reasoning-delta":
        if (streaming !== "reasoning") {
          endStream();
          streaming = "reasoning";
        }
        write(pc.dim(event.text));
        break;
      case "text-delta":
        if (streaming !== "text") {
          endStream();
          streaming = "text";
        }
        stepText += event.text;
        write(event.text);
        break;
      case "model-wait":
        endStream();
        write(pc.dim(`… waiting for the model (${Math.round(event.waitedMs / 1000)} s)\n`));
        break;
      case "tool-call-start":
        endStream();
        write(pc.yellow(`→ ${event.tool} ${compactJson(event.arguments)}\n`));
        break;
      case "tool-call-end": {
        endStream();
        const mark = event.isError ? pc.red("✗") : pc.green("←");
        write(`${mark} ${pc.dim(`${event.tool} (${Math.round(event.durationMs)} ms)`)}\n`);
        for (const image of event.images) {
          const path = options.imagePath?.(image);
          write(
            `  ${pc.magenta(`${image.label} ${image.width}x${image.height}`)}${path ? pc.dim(`  ${path}`) : ""}\n`,
          );
        }
        write(indent(truncate(event.text, maxResultChars)));
        break;
      }
      case "answer":
        endStream();
        if (stepText.trim() !== event.answer.trim())
          write(`\n${pc.bold(pc.green("answer:"))} ${event.answer}\n`);
        break;
      case "error":
        endStream();
        write(
          event.retrying
            ? pc.yellow(`! ${event.message}\n`)
            : pc.red(`error (${event.code}): ${event.message}\n`),
        );
        break;
      case "run-end": {
        endStream();
        const tokens = `${event.usage.promptTokens}+${event.usage.completionTokens} tokens`;
        write(pc.dim(`${event.stopReason} · ${tokens} · ${(event.durationMs / 1000).toFixed(1)} s\n`));
        break;
      }
    }
  };
}

function compactJson(value: unknown): string {
  const text = JSON.stringify(value) ?? "";
  return truncate(text, 240);
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length - max} more characters)` : text;
}

function indent(text: string): string {
  if (!text.trim()) return "";
  return `${text
    .trimEnd()
    .split("\n")
    .map((line) => `  ${pc.dim(line)}`)
    .join("\n")}\n`;
}
