import type { TokenUsage } from "../core/model-output.js";

/** What a model's tokens cost, in US dollars per million tokens. */
export interface ModelPrice {
  inputPerMillionTokens: number;
  outputPerMillionTokens: number;
  /** Prompt tokens served from the provider's cache, when it bills them apart (else the input price). */
  cachedInputPerMillionTokens?: number;
}

/** Prices by model name; a name also prices its dated versions ("gpt-4o" prices "gpt-4o-2024-08-06"). */
export type PriceTable = Readonly<Record<string, ModelPrice>>;

/**
 * A few hosted models' list prices (mid-2025), approximate and soon out of date: a cost budget is
 * a guard against runaway spending, not an invoice. Put the prices you pay under `modelPrices` in
 * the config; they replace these by name. Local models (vLLM, Ollama) cost nothing here.
 */
export const builtInPrices: PriceTable = {
  "gpt-4o": { inputPerMillionTokens: 2.5, outputPerMillionTokens: 10, cachedInputPerMillionTokens: 1.25 },
  "gpt-4o-mini": {
    inputPerMillionTokens: 0.15,
    outputPerMillionTokens: 0.6,
    cachedInputPerMillionTokens: 0.075,
  },
  "gpt-4.1": { inputPerMillionTokens: 2, outputPerMillionTokens: 8, cachedInputPerMillionTokens: 0.5 },
  "gpt-4.1-mini": {
    inputPerMillionTokens: 0.4,
    outputPerMillionTokens: 1.6,
    cachedInputPerMillionTokens: 0.1,
  },
  "gpt-4.1-nano": {
    inputPerMillionTokens: 0.1,
    outputPerMillionTokens: 0.4,
    cachedInputPerMillionTokens: 0.025,
  },
  "o4-mini": { inputPerMillionTokens: 1.1, outputPerMillionTokens: 4.4, cachedInputPerMillionTokens: 0.275 },
};

/** The price of `model`: its own entry, else the longest name it starts with ("gpt-4o-2024-08-06"). */
export function priceOf(model: string, table: PriceTable): ModelPrice | undefined {
  const exact = table[model];
  if (exact) return exact;
  const prefixes = Object.keys(table)
    .filter((name) => model.startsWith(`${name}-`))
    .sort((a, b) => b.length - a.length);
  const [longest] = prefixes;
  return longest === undefined ? undefined : table[longest];
}

/** What `usage` costs at `price`, in US dollars. */
export function costUsd(usage: TokenUsage, price: ModelPrice): number {
  const cached = Math.min(usage.cachedPromptTokens ?? 0, usage.promptTokens);
  const cachedPrice = price.cachedInputPerMillionTokens ?? price.inputPerMillionTokens;
  return (
    ((usage.promptTokens - cached) * price.inputPerMillionTokens +
      cached * cachedPrice +
      usage.completionTokens * price.outputPerMillionTokens) /
    1_000_000
  );
}
