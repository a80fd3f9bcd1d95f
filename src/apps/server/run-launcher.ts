import { randomUUID } from "node:crypto";
import type { ChatModel } from "../../agent/chat-model.js";
import { resumeRun } from "../../agent/resume-run.js";
import type { RunResult } from "../../agent/run-options.js";
import type { RunServicesOptions } from "../../agent/run-setup.js";
import type { ApprovalDecisions } from "../../agent/tool-approval.js";
import { resolveConfig } from "../../api/resolve-config.js";
import { createRunParts, type RunParts } from "../../api/run-parts.js";
import type { LoupeConfig } from "../../core/config.js";
import { layerConfig } from "../../core/config-layers.js";
import { describeError, isLoupeError } from "../../core/errors.js";
import type { RunEvent } from "../../core/events.js";
import { ImageSet } from "../../core/image-set.js";
import type { RunCheckpoint, RunCheckpointStore } from "../../core/run-checkpoint.js";
import type { RunStore } from "../../core/run-store.js";
import type { LoadedImage } from "../../images/load-image.js";
import { type AskMode, modeToolKinds } from "../../modes/mode-names.js";
import { runMode } from "../../modes/run-mode.js";
import { ApiError, apiErrorOf } from "./api-error.js";
import type { ConcurrencyLimit } from "./concurrency-limit.js";
import { isRunning, type RunRegistry, type ServedRun } from "./run-registry.js";
import type { ServerMetrics } from "./server-metrics.js";

/** How a request wants its run made: Loupe's extra body fields (decision 1016) and sampling. */
export interface RunChoices {
  /** A served model's name (server.models), or the configured model's; the configured one when absent. */
  model?: string;
  dialect?: string;
  profile?: string;
  tools?: string[];
  budgets?: Record<string, unknown>;
  /** How the question is answered (docs/modes.md); the agent loop, `interleaved`, when absent. */
  mode?: AskMode;
  temperature?: number;
  topP?: number;
  maxTokens?: number;
}

export interface NewRun {
  question: string;
  choices?: string[];
  images: LoadedImage[];
  config: LoupeConfig;
  mode?: AskMode;
  caller: string;
  /** Frees the caller's concurrency slot when the run ends (from `reserve`). */
  release: () => void;
}

export interface ResumeRequest {
  decisions?: ApprovalDecisions;
  followUp?: string;
}

export interface RunLauncherOptions {
  /** The server's config as its layers have it (file, environment, flags), before resolving. */
  baseConfig: Record<string, unknown>;
  config: LoupeConfig;
  env: NodeJS.ProcessEnv;
  registry: RunRegistry;
  metrics: ServerMetrics;
  limit: ConcurrencyLimit;
  store?: RunStore;
  /** Problems that do not fail a request (a store write after the run ended). */
  warn: (message: string) => void;
}

/**
 * Starts and resumes the server's runs, each with its own config, parts, image set, budget and
 * event log (the api layer's per-run isolation, decision 0932). A run belongs to no request: it
 * goes on when the client that started it goes away, until it ends or is cancelled.
 */
export class RunLauncher {
  readonly #options: RunLauncherOptions;

  constructor(options: RunLauncherOptions) {
    this.#options = options;
  }

  /** Names `/v1/models` lists: the configured model first, then server.models. */
  modelNames(): string[] {
    const { config } = this.#options;
    return [...new Set([config.model.name, ...Object.keys(config.server.models)])];
  }

  /** A slot for one more run of this caller, or a 429 naming the limit. */
  reserve(caller: string): () => void {
    const { limit, config, metrics } = this.#options;
    const release = limit.acquire(caller);
    if (release) return release;
    metrics.observeRequestError("rate-limited");
    const max = config.server.maxConcurrentRunsPerKey;
    throw new ApiError(
      429,
      "rate_limit_exceeded",
      "too-many-runs",
      `This API key already has ${max} runs going (server.maxConcurrentRunsPerKey); wait for one to end.`,
      { headers: { "retry-after": String(config.server.retryAfterSeconds) } },
    );
  }

  /** The run config a request's choices make: the server's layers with the request's over them. */
  async configFor(choices: RunChoices): Promise<LoupeConfig> {
    const { baseConfig, config, env } = this.#options;
    const over: Record<string, unknown> = {};
    const model: Record<string, unknown> = {};
    const served = choices.model === undefined ? undefined : config.server.models[choices.model];
    if (choices.model !== undefined && !served && choices.model !== config.model.name)
      throw new ApiError(
        404,
        "not_found_error",
        "model_not_found",
        `The model ${JSON.stringify(choices.model)} does not exist here; this server offers ${this.modelNames()
          .map((name) => JSON.stringify(name))
          .join(", ")}.`,
        { param: "model" },
      );
    if (served) {
      model.baseUrl = served.baseUrl;
      model.name = served.model;
      const key = served.apiKeyEnv ? env[served.apiKeyEnv] : undefined;
      if (key) model.apiKey = key;
      if (served.dialect) over.dialect = served.dialect;
      if (served.profile) over.profile = served.profile;
    }
    if (choices.temperature !== undefined) model.temperature = choices.temperature;
    if (choices.topP !== undefined) model.topP = choices.topP;
    if (choices.maxTokens !== undefined) model.maxTokens = choices.maxTokens;
    if (Object.keys(model).length > 0) over.model = model;
    if (choices.dialect !== undefined) over.dialect = choices.dialect;
    if (choices.profile !== undefined) over.profile = choices.profile;
    if (choices.tools !== undefined) over.tools = choices.tools;
    if (choices.budgets !== undefined) over.budgets = choices.budgets;
    try {
      return await resolveConfig(layerConfig(baseConfig, over), { env });
    } catch (error) {
      // "Invalid configuration: budgets.maxSteps: ..." names the request field at fault.
      const field = isLoupeError(error)
        ? /^Invalid configuration: ([\w.]+):/.exec(error.message)?.[1]
        : undefined;
      throw field ? apiErrorOf(error, field) : error;
    }
  }

  /** Starts a run; resolves once its parts are made (a bad tool name fails here), not when it ends. */
  async start(request: NewRun, runId: string = randomUUID()): Promise<ServedRun> {
    const { registry } = this.#options;
    let parts: RunParts;
    try {
      parts = await createRunParts(request.config, {
        defaultKinds: modeToolKinds(request.mode ?? "interleaved"),
      });
    } catch (error) {
      request.release();
      throw error;
    }
    const run = registry.open(runId, request.caller, new ImageSet());
    run.settled = this.#drive(run, request.config, parts, request.release, (services) =>
      runMode(request.mode ?? "interleaved", {
        ...services,
        question: request.question,
        ...(request.choices ? { choices: request.choices } : {}),
        images: request.images,
        runId,
        imageSet: run.images,
      }),
    );
    return run;
  }

  /**
   * Goes on with a paused, cancelled or finished run, in memory or in the store, under its id;
   * `loaded` is its checkpoint when the caller has already read it.
   */
  async resume(
    runId: string,
    request: ResumeRequest,
    caller: string,
    loaded?: RunCheckpoint,
  ): Promise<ServedRun> {
    const { registry } = this.#options;
    const existing = registry.get(runId);
    if (existing && isRunning(existing))
      throw new ApiError(
        409,
        "conflict_error",
        "run-running",
        `Run ${runId} is still running; it can be resumed once it stops.`,
      );
    const checkpoint = loaded ?? (await this.checkpointOf(runId));
    const release = this.reserve(caller);
    let config: LoupeConfig;
    let parts: RunParts;
    try {
      config = await this.#recordedConfig(checkpoint);
      parts = await createRunParts(config);
    } catch (error) {
      release();
      throw error;
    }
    const run = registry.open(runId, caller, checkpoint.images, checkpoint.trajectory.createdAt);
    run.trajectory = checkpoint.trajectory;
    run.settled = this.#drive(run, config, parts, release, (services) =>
      resumeRun(checkpoint, { ...services, ...request }),
    );
    return run;
  }

  /** A run with its images' bytes: from memory, else from the store; 404 when neither has it. */
  async checkpointOf(runId: string): Promise<RunCheckpoint> {
    const run = this.#options.registry.get(runId);
    if (run?.trajectory) return { trajectory: run.trajectory, images: run.images };
    if (this.#options.store) return this.#options.store.load(runId);
    throw new ApiError(404, "not_found_error", "run-not-found", `No run ${runId} on this server.`);
  }

  /** A resumed run goes on with the server, model, dialect, tools and budgets it was recorded with. */
  async #recordedConfig(checkpoint: RunCheckpoint): Promise<LoupeConfig> {
    const { baseConfig, config, env } = this.#options;
    const recorded = checkpoint.trajectory.config;
    const model: Record<string, unknown> = { baseUrl: recorded.baseUrl, name: recorded.model };
    const served = Object.values(config.server.models).find(
      (candidate) => candidate.baseUrl === recorded.baseUrl && candidate.model === recorded.model,
    );
    const key = served?.apiKeyEnv ? env[served.apiKeyEnv] : undefined;
    if (key) model.apiKey = key;
    const over = { model, dialect: recorded.dialect, tools: recorded.tools, budgets: recorded.budgets };
    return resolveConfig(layerConfig(baseConfig, over), { env });
  }

  async #drive(
    run: ServedRun,
    config: LoupeConfig,
    parts: RunParts,
    release: () => void,
    execute: (services: RunServicesOptions) => Promise<RunResult>,
  ): Promise<void> {
    const { metrics, store, registry, warn } = this.#options;
    const emit = (event: RunEvent) => {
      metrics.observe(event);
      run.log.append(event);
    };
    const checkpointStore: RunCheckpointStore = {
      save: async (checkpoint) => {
        run.trajectory = checkpoint.trajectory;
        await store?.save(checkpoint);
      },
      load: (id) => this.checkpointOf(id),
    };
    try {
      const result = await execute({
        config,
        model: timedModel(parts.model, metrics),
        dialect: parts.dialect,
        tools: parts.tools,
        ...(parts.systemPrompt === undefined ? {} : { systemPrompt: parts.systemPrompt }),
        signal: run.controller.signal,
        onEvent: emit,
        checkpointStore,
      });
      run.trajectory = result.trajectory;
      run.images = result.images;
      if (store)
        await store.save({ trajectory: result.trajectory, images: result.images }).catch((error: unknown) => {
          metrics.observeRequestError("store");
          warn(`Run ${run.id} ended but could not be saved to the store: ${describeError(error)}`);
        });
    } catch (error) {
      // runAgent and resumeRun resolve on every failure once running; this is one before that.
      const code = isLoupeError(error) ? error.code : "internal";
      run.failure = { code, message: describeError(error) };
      emit({ type: "error", code, message: describeError(error), retrying: false });
      emit({
        type: "run-end",
        stopReason: "error",
        usage: { promptTokens: 0, completionTokens: 0 },
        durationMs: 0,
      });
      warn(`Run ${run.id} failed to start: ${describeError(error)}`);
    } finally {
      await parts.close().catch(() => {});
      release();
      registry.finished(run);
    }
  }
}

/** The model client with every call's wall time observed by the metrics. */
function timedModel(model: ChatModel, metrics: ServerMetrics): ChatModel {
  return {
    model: model.model,
    complete: async (request) => {
      const started = performance.now();
      try {
        return await model.complete(request);
      } finally {
        metrics.observeModelLatency((performance.now() - started) / 1000);
      }
    },
  };
}
