import type { ProgressSnapshot } from "../../../eval/runner/eval-progress.js";

/**
 * The evaluation's progress on stderr: on a terminal one bar redrawn in place (at most 10 times a
 * second), otherwise one line every few seconds, so logs stay readable.
 */
export class ProgressLine {
  readonly #write: (text: string) => void;
  readonly #tty: boolean;
  readonly #everyMs: number;
  #lastAt = 0;
  #drawn = false;

  constructor(write: (text: string) => void, options: { tty: boolean; everyMs?: number }) {
    this.#write = write;
    this.#tty = options.tty;
    this.#everyMs = options.everyMs ?? (options.tty ? 100 : 5_000);
  }

  update(snapshot: ProgressSnapshot, force = false): void {
    const now = performance.now();
    if (!force && now - this.#lastAt < this.#everyMs) return;
    this.#lastAt = now;
    const line = progressText(snapshot, this.#tty);
    if (this.#tty) {
      this.#write(`\r\u001b[2K${line}`);
      this.#drawn = true;
    } else this.#write(`${line}\n`);
  }

  /** Ends the redrawn line, so what follows starts on its own. */
  finish(): void {
    if (this.#drawn) this.#write("\n");
    this.#drawn = false;
  }
}

export function progressText(snapshot: ProgressSnapshot, bar: boolean): string {
  const share = snapshot.total === 0 ? 1 : snapshot.done / snapshot.total;
  const width = 24;
  const filled = Math.round(share * width);
  const parts = [
    ...(bar ? [`[${"#".repeat(filled)}${"-".repeat(width - filled)}]`] : []),
    `${snapshot.done}/${snapshot.total}`,
    `acc ${(100 * snapshot.accuracy).toFixed(1)}%`,
    `ETA ${snapshot.etaSeconds === undefined ? "?" : duration(snapshot.etaSeconds)}`,
    `${snapshot.itemsPerSecond.toFixed(2)} items/s`,
    `${compact(snapshot.tokens)} tokens`,
    `$${snapshot.costUsd.toFixed(snapshot.costUsd < 1 ? 4 : 2)}`,
    ...(snapshot.failed > 0 ? [`${snapshot.failed} failed`] : []),
  ];
  return parts.join("  ");
}

function duration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)}s`;
  if (seconds < 3600)
    return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, "0")}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, "0")}m`;
}

function compact(value: number): string {
  if (value >= 1e6) return `${(value / 1e6).toFixed(1)}M`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
  return String(value);
}
