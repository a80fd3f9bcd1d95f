import * as loupe from "loupe";
import {
  type AskOptions,
  type AskResult,
  type AskStream,
  ask,
  type ChatModel,
  defineTool,
  type ModelOutput,
  type RunEvent,
  type StopReason,
  streamAsk,
  type Tool,
  toServerSentEvents,
} from "loupe";
import * as testing from "loupe/testing";
import { type ModelServer, startModelServer } from "loupe/testing";
import { describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";

/**
 * The public surface: what "loupe" and "loupe/testing" export (a change here is a change for
 * users), and the types users write against. The expectTypeOf checks are compile-time: tsc
 * (`npm run typecheck`) fails when one is wrong; at run time they do nothing.
 */

describe("the public surface", () => {
  it("exports exactly these values from loupe", () => {
    expect(Object.keys(loupe).sort()).toEqual(
      [
        "ChatClient",
        "ImageSet",
        "LoupeError",
        "TRAJECTORY_VERSION",
        "TrajectoryFolder",
        "ask",
        "askModes",
        "benchmarkList",
        "createRunParts",
        "createToolbox",
        "defineTool",
        "describeError",
        "findProfile",
        "findPromptPack",
        "getDialect",
        "isAskMode",
        "isLoupeError",
        "listDialects",
        "loadImage",
        "loadBenchmark",
        "loadImages",
        "loupeConfigSchema",
        "openRunStore",
        "parsePlan",
        "parsePromptPack",
        "plainMessages",
        "SerializedMessages",
        "profilesOf",
        "promptPackSchema",
        "readTrajectory",
        "registerBenchmark",
        "registerDialect",
        "registerProfile",
        "registerPromptPack",
        "registerSearchBackend",
        "registerTool",
        "registeredDialectNames",
        "registeredProfiles",
        "registeredSearchBackendNames",
        "resolveConfig",
        "runAgent",
        "runMode",
        "runPlan",
        "scorePredictions",
        "runResearch",
        "selectTools",
        "stopReasons",
        "streamAsk",
        "toServerSentEvents",
        "trajectorySchema",
        "validatePlan",
        "verifyReport",
      ].sort(),
    );
    expect(Object.keys(testing).sort()).toEqual(["TEST_MODEL_ID", "startModelServer"]);
  });
});

describe("types", () => {
  it("a run store is a checkpoint store, and benchmarks stream EvalItems", () => {
    expectTypeOf(loupe.openRunStore).returns.toEqualTypeOf<Promise<loupe.RunStore>>();
    expectTypeOf<loupe.RunStore>().toExtend<loupe.RunCheckpointStore>();
    expectTypeOf(loupe.loadBenchmark).returns.toEqualTypeOf<AsyncGenerator<loupe.EvalItem>>();
    expectTypeOf<
      Awaited<ReturnType<typeof loupe.scorePredictions>>["items"][number]
    >().toExtend<loupe.ItemScore>();
  });

  it("ask requires model and question", () => {
    expectTypeOf(ask).parameter(0).toEqualTypeOf<AskOptions>();
    expectTypeOf<{ question: string }>().not.toExtend<AskOptions>();
    expectTypeOf<{ model: { baseUrl: string; name: string } }>().not.toExtend<AskOptions>();
    expectTypeOf<{ model: { baseUrl: string; name: string }; question: string }>().toExtend<AskOptions>();
    // A model needs its base URL and name; other settings are optional.
    expectTypeOf<{ model: { name: string }; question: string }>().not.toExtend<AskOptions>();
    expectTypeOf<{
      model: { baseUrl: string; name: string; temperature: number };
      question: string;
      images: [string, URL, Uint8Array, { bytes: Uint8Array; name: string }];
      config: { budgets: { maxSteps: number }; images: { maxInputPixels: number } };
    }>().toExtend<AskOptions>();
  });

  it("the result's stopReason is the StopReason union", () => {
    expectTypeOf(ask).returns.toEqualTypeOf<Promise<AskResult>>();
    expectTypeOf<AskResult["stopReason"]>().toEqualTypeOf<StopReason>();
    expectTypeOf<StopReason>().toEqualTypeOf<
      | "answer"
      | "no-action"
      | "budget-steps"
      | "budget-tool-calls"
      | "budget-tokens"
      | "budget-time"
      | "budget-cost"
      | "stop-condition"
      | "paused"
      | "repeated-action"
      | "cancelled"
      | "error"
    >();
    expectTypeOf<AskResult["answer"]>().toEqualTypeOf<string | undefined>();
  });

  it("streamAsk is iterable as RunEvents and has the result", () => {
    expectTypeOf(streamAsk).returns.toEqualTypeOf<AskStream>();
    expectTypeOf<AskStream>().toExtend<AsyncIterable<RunEvent>>();
    expectTypeOf<AskStream["result"]>().toEqualTypeOf<Promise<AskResult>>();
    expectTypeOf(toServerSentEvents<RunEvent>)
      .parameter(0)
      .toEqualTypeOf<AsyncIterable<RunEvent>>();
    expectTypeOf(toServerSentEvents<RunEvent>).returns.toEqualTypeOf<ReadableStream<Uint8Array>>();
  });

  it("defineTool infers the arguments from the zod schema", () => {
    const tool = defineTool({
      name: "lookup",
      description: "d",
      parameters: z.object({ code: z.string(), limit: z.number().default(3), note: z.string().optional() }),
      execute: (args) => {
        expectTypeOf(args).toEqualTypeOf<{ code: string; limit: number; note?: string | undefined }>();
        return args.code;
      },
    });
    expectTypeOf(tool).toExtend<Tool<{ code: string; limit: number; note?: string | undefined }>>();
    expect(tool.name).toBe("lookup");
  });

  it("a plain object with model and complete() is a ChatModel", () => {
    const output: ModelOutput = {
      content: "",
      toolCalls: [],
      finishReason: "stop",
      usage: { promptTokens: 0, completionTokens: 0 },
    };
    const model = { model: "mine", complete: async () => output };
    expectTypeOf(model).toExtend<ChatModel>();
    expectTypeOf<{ model: string }>().not.toExtend<ChatModel>();
  });

  it("loupe/testing starts a model server", () => {
    expectTypeOf(startModelServer).returns.toEqualTypeOf<Promise<ModelServer>>();
    expectTypeOf<ModelServer["baseUrl"]>().toEqualTypeOf<string>();
  });
});
