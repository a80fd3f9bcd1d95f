import sharp from "sharp";
import { afterEach } from "vitest";
import { z } from "zod";
import { type ResumeRunOptions, resumeRun } from "../../src/agent/resume-run.js";
import {
  type AgentInputImage,
  type RunAgentOptions,
  type RunResult,
  runAgent,
} from "../../src/agent/run-agent.js";
import type { RunServicesOptions } from "../../src/agent/run-setup.js";
import type { DialectName } from "../../src/core/config.js";
import { loupeConfigSchema } from "../../src/core/config.js";
import type { RunEvent } from "../../src/core/events.js";
import { ImageSet } from "../../src/core/image-set.js";
import type { RunCheckpoint, RunCheckpointStore } from "../../src/core/run-checkpoint.js";
import type { AnyTool } from "../../src/core/tool.js";
import { getDialect } from "../../src/dialects/registry.js";
import { readImageFacts } from "../../src/images/load-image.js";
import { ChatClient } from "../../src/models/chat-client.js";
import { imageTools } from "../../src/tools/image/index.js";
import { type ModelServer, startModelServer } from "../support/model-server.js";

/**
 * Runs the real agent against the scripted model server: real ChatClient (real HTTP and SSE),
 * real dialects, real sharp image tools on an image drawn here. Servers close after each test.
 */

const servers: ModelServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

export async function modelServer(script: Parameters<typeof startModelServer>[0]): Promise<ModelServer> {
  const server = await startModelServer(script);
  servers.push(server);
  return server;
}

let inputImage: Promise<AgentInputImage> | undefined;

/** A 640x480 JPEG with four coloured quadrants, so crops of different regions differ. */
export function testImage(): Promise<AgentInputImage> {
  inputImage ??= (async () => {
    const quadrant = (r: number, g: number, b: number) =>
      sharp({ create: { width: 320, height: 240, channels: 3, background: { r, g, b } } })
        .png()
        .toBuffer();
    const bytes = new Uint8Array(
      await sharp({ create: { width: 640, height: 480, channels: 3, background: "#ffffff" } })
        .composite([
          { input: await quadrant(220, 30, 30), left: 0, top: 0 },
          { input: await quadrant(30, 200, 30), left: 320, top: 0 },
          { input: await quadrant(30, 30, 220), left: 0, top: 240 },
          { input: await quadrant(230, 230, 40), left: 320, top: 240 },
        ])
        .jpeg()
        .toBuffer(),
    );
    const config = loupeConfigSchema.parse({ model: { baseUrl: "http://127.0.0.1:1/v1", name: "m" } });
    const facts = await readImageFacts(bytes, config.images, "quadrants.jpg");
    return { bytes, facts, source: "quadrants.jpg" };
  })();
  return inputImage;
}

export interface HarnessOptions {
  server: ModelServer;
  dialect?: DialectName;
  budgets?: Record<string, number>;
  model?: Record<string, unknown>;
  tools?: AnyTool[];
  /** Extra tools added to the image tools. */
  extraTools?: AnyTool[];
  signal?: AbortSignal;
  question?: string;
  onCheckpoint?: RunAgentOptions["onCheckpoint"];
  checkpointStore?: RunAgentOptions["checkpointStore"];
  stopWhen?: RunAgentOptions["stopWhen"];
  needsApproval?: RunAgentOptions["needsApproval"];
  /** Other config fields (approval, modelPrices, ...). */
  config?: Record<string, unknown>;
}

export interface HarnessRun extends RunResult {
  events: RunEvent[];
}

export async function runWithServer(options: HarnessOptions): Promise<HarnessRun> {
  const { runOptions, events } = harnessRunOptions(options);
  const result = await runAgent({
    ...runOptions,
    question: options.question ?? "What colour is the top-left quadrant?",
    images: [await testImage()],
  });
  return { ...result, events };
}

/** Resumes a run against the scripted server, with the same parts runWithServer uses. */
export async function resumeWithServer(
  checkpoint: RunCheckpoint,
  options: HarnessOptions & Pick<ResumeRunOptions, "decisions" | "followUp">,
): Promise<HarnessRun> {
  const { runOptions, events } = harnessRunOptions(options);
  const result = await resumeRun(checkpoint, {
    ...runOptions,
    ...(options.decisions ? { decisions: options.decisions } : {}),
    ...(options.followUp === undefined ? {} : { followUp: options.followUp }),
  });
  return { ...result, events };
}

function harnessRunOptions(options: HarnessOptions): { runOptions: RunServicesOptions; events: RunEvent[] } {
  const config = loupeConfigSchema.parse({
    ...options.config,
    model: { baseUrl: options.server.baseUrl, name: "test-model", maxRetries: 1, ...options.model },
    dialect: options.dialect ?? "native",
    budgets: options.budgets ?? {},
  });
  const events: RunEvent[] = [];
  const runOptions: RunServicesOptions = {
    config,
    // Tiny backoff: retries are real, only the waiting is shortened.
    model: new ChatClient(config.model, { retryBaseDelayMs: 1, retryMaxDelayMs: 5 }),
    dialect: getDialect(config.dialect),
    tools: options.tools ?? [...imageTools(config.images), ...(options.extraTools ?? [])],
    signal: options.signal,
    onCheckpoint: options.onCheckpoint,
    checkpointStore: options.checkpointStore,
    stopWhen: options.stopWhen,
    needsApproval: options.needsApproval,
    onEvent: (event) => events.push(event),
  };
  return { runOptions, events };
}

/**
 * Checkpoints kept in memory, each a copy (trajectory and images as they were then), so a test
 * can resume from any moment of a run as if it had been killed there.
 */
export class SnapshotStore implements RunCheckpointStore {
  readonly snapshots: RunCheckpoint[] = [];

  async save({ trajectory, images }: RunCheckpoint): Promise<void> {
    const copy = new ImageSet();
    for (const ref of images.list()) copy.restore({ ...ref }, images.bytes(ref.id));
    this.snapshots.push({ trajectory: structuredClone(trajectory), images: copy });
  }

  async load(runId: string): Promise<RunCheckpoint> {
    const found = this.snapshots.findLast((snapshot) => snapshot.trajectory.id === runId);
    if (!found) throw new Error(`no checkpoint of ${runId}`);
    return found;
  }
}

/** A crop call of the native dialect, as the server would send it. */
export function cropCall(box: number[], id?: string) {
  return { ...(id ? { id } : {}), name: "crop", arguments: { box } };
}

/** The messages of a recorded request. */
// biome-ignore lint/suspicious/noExplicitAny: wire bodies are read field by field.
export function requestMessages(server: ModelServer, index: number): any[] {
  return server.requests[index]?.body.messages ?? [];
}

/** Every text part or string content of a request's messages, joined. */
export function requestText(server: ModelServer, index: number): string {
  return requestMessages(server, index)
    .map((message) =>
      typeof message.content === "string"
        ? message.content
        : Array.isArray(message.content)
          ? message.content
              .filter((part: { type: string }) => part.type === "text")
              .map((part: { text: string }) => part.text)
              .join("")
          : "",
    )
    .join("\n");
}

/** How many image parts the message holds. */
export function imagePartCount(message: { content?: unknown }): number {
  if (!Array.isArray(message.content)) return 0;
  return message.content.filter((part: { type: string }) => part.type === "image_url").length;
}

/** A python tool that only records the code it was given, so the test sees what ran. */
export function recordingPython(): { tool: AnyTool; ran: string[] } {
  const ran: string[] = [];
  const tool: AnyTool = {
    name: "python",
    description: "Runs Python code.",
    parameters: z.object({ code: z.string() }),
    execute: async (args: { code: string }) => {
      ran.push(args.code);
      return { text: "1", images: [] };
    },
  };
  return { tool, ran };
}
