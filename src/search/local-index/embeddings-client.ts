import { LoupeError } from "../../core/errors.js";

export interface EmbeddingsOptions {
  /** OpenAI-compatible base URL, e.g. http://127.0.0.1:8000/v1 (POST {baseUrl}/embeddings). */
  baseUrl: string;
  model: string;
  apiKey?: string;
}

/**
 * Calls an OpenAI-compatible embeddings endpoint. Images are sent as data URLs in `input`, which
 * CLIP-style servers accept; text and image vectors then share one space.
 */
export class EmbeddingsClient {
  constructor(private readonly options: EmbeddingsOptions) {}

  async embed(inputs: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    if (inputs.length === 0) return [];
    const url = `${this.options.baseUrl.replace(/\/+$/, "")}/embeddings`;
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method: "POST",
        headers,
        body: JSON.stringify({ model: this.options.model, input: inputs }),
        signal: signal ?? AbortSignal.timeout(60_000),
      });
    } catch (error) {
      throw new LoupeError(
        "tool-failed",
        `embeddings endpoint ${url} is unreachable: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    if (!response.ok) {
      const detail = (await response.text().catch(() => "")).slice(0, 300);
      throw new LoupeError(
        "tool-failed",
        `embeddings endpoint ${url} answered HTTP ${response.status}: ${detail}`,
      );
    }
    const payload = (await response.json()) as { data?: { embedding?: number[]; index?: number }[] };
    const vectors: Float32Array[] = new Array(inputs.length);
    for (const [position, item] of (payload.data ?? []).entries()) {
      if (!Array.isArray(item.embedding)) continue;
      vectors[item.index ?? position] = normalize(Float32Array.from(item.embedding));
    }
    if (vectors.filter(Boolean).length !== inputs.length) {
      throw new LoupeError(
        "tool-failed",
        `embeddings endpoint ${url} returned ${payload.data?.length ?? 0} vectors for ${inputs.length} inputs`,
      );
    }
    return vectors;
  }
}

/** Unit length, so cosine similarity is a dot product. */
export function normalize(vector: Float32Array): Float32Array {
  let sum = 0;
  for (const value of vector) sum += value * value;
  const length = Math.sqrt(sum) || 1;
  return vector.map((value) => value / length);
}

export function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index++) sum += a[index]! * b[index]!;
  return sum;
}
