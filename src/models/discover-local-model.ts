/**
 * When nothing is configured, `loupe` looks for a model server already running on this machine
 * before giving up, so that `ollama serve` or `vllm serve` followed by `loupe ask` just works.
 */

export interface LocalModelCandidate {
  /** Shown to the user: which kind of server was found. */
  name: string;
  /** OpenAI-compatible base URL, ending in /v1. */
  baseUrl: string;
}

export interface DiscoveredModel {
  server: string;
  baseUrl: string;
  model: string;
}

export const defaultLocalCandidates: LocalModelCandidate[] = [
  { name: "ollama", baseUrl: "http://127.0.0.1:11434/v1" },
  { name: "vllm", baseUrl: "http://127.0.0.1:8000/v1" },
];

/**
 * Probes every candidate's /models at once with a short timeout and returns the first candidate
 * (in the given order) that answers with at least one model, using the first model it lists.
 */
export async function discoverLocalModel(
  options: { timeoutMs?: number; candidates?: LocalModelCandidate[] } = {},
): Promise<DiscoveredModel | undefined> {
  const timeoutMs = options.timeoutMs ?? 400;
  const candidates = options.candidates ?? defaultLocalCandidates;
  const probes = candidates.map((candidate) => firstListedModel(candidate.baseUrl, timeoutMs));
  for (const [index, probe] of probes.entries()) {
    const model = await probe;
    const candidate = candidates[index]!;
    if (model) return { server: candidate.name, baseUrl: candidate.baseUrl, model };
  }
  return undefined;
}

async function firstListedModel(baseUrl: string, timeoutMs: number): Promise<string | undefined> {
  try {
    const response = await fetch(`${baseUrl.replace(/\/+$/, "")}/models`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) return undefined;
    const body = (await response.json()) as { data?: { id?: unknown }[] };
    const id = body.data?.find((entry) => typeof entry?.id === "string")?.id;
    return typeof id === "string" ? id : undefined;
  } catch {
    // Nothing listening, not an OpenAI-compatible server, or too slow: not a candidate.
    return undefined;
  }
}

/** Shown when no model is configured and none was found running locally. */
export function noModelConfiguredMessage(): string {
  return [
    "No model configured, and no local model server found (looked for Ollama on 127.0.0.1:11434 and vLLM on 127.0.0.1:8000).",
    "",
    "Point Loupe at any OpenAI-compatible chat completions server, for example:",
    "",
    "  vLLM:",
    "    vllm serve Qwen/Qwen2.5-VL-7B-Instruct --enable-auto-tool-choice --tool-call-parser hermes",
    "    loupe ask --base-url http://127.0.0.1:8000/v1 --model Qwen/Qwen2.5-VL-7B-Instruct --image photo.jpg 'What does the sign say?'",
    "",
    "  Ollama:",
    "    ollama pull qwen2.5vl:7b",
    "    loupe ask --base-url http://127.0.0.1:11434/v1 --model qwen2.5vl:7b --image photo.jpg 'What does the sign say?'",
    "",
    "  A hosted API, through environment variables:",
    "    export LOUPE_BASE_URL=https://api.example.com/v1   (or OPENAI_BASE_URL)",
    "    export LOUPE_API_KEY=...                           (or OPENAI_API_KEY)",
    "    export LOUPE_MODEL=model-name",
    "",
    '  Or a loupe.config.json in the current folder: { "model": { "baseUrl": "...", "name": "...", "apiKey": "..." } }',
  ].join("\n");
}
