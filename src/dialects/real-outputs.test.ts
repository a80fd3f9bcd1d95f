import { describe, expect, it } from "vitest";
import { addProducedImage, defaultToolsOf, testContext } from "../../test/support/dialect-test-context.js";
import { finalizeOutput } from "../models/finalize-output.js";
import { loupeAction, parseSkyworkTranscript } from "../models/skywork-transcript.js";
import type { DialectContext, ParsedTurn } from "./dialect.js";
import { getDialect } from "./registry.js";
import { resolveImageReference } from "./skywork-r1v4.js";
import {
  type ExpectedCall,
  type ExpectedTurn,
  type RealOutput,
  realOutputs,
} from "./testing/real-outputs.js";

/** The model turns of an entry: a transcript's text between its observations. */
function modelTurns(entry: RealOutput): string[] {
  if (entry.form === "turn") return [entry.text];
  return entry.text.split(/<observation>[\s\S]*?<\/observation>/).filter((turn) => turn.trim() !== "");
}

/** A run's context with the images the entry names: the inputs, and every `<sub-image N>` it mentions. */
function entryContext(entry: RealOutput): DialectContext {
  const dialect = getDialect(entry.dialect);
  const context = testContext(entry.tools ?? defaultToolsOf(dialect));
  const numbers = [...entry.text.matchAll(/<sub-image (\d+)>/g)].map((match) => Number(match[1]));
  for (let index = 1; index <= Math.max(0, ...numbers); index++) addProducedImage(context.images, index);
  return context;
}

/** The live path: the client's post-processing of the reply (think split, stop restore), then the dialect. */
function parseLive(entry: RealOutput, text: string, context: DialectContext): ParsedTurn {
  const dialect = getDialect(entry.dialect);
  const stops = dialect.requestOptions(context).stop ?? [];
  const output = finalizeOutput(
    { content: text, toolCalls: [], finishReason: "stop" },
    { stops, restoreStopSequence: stops.length > 0 },
  );
  return dialect.parse(output, context);
}

function expectTurn(parsed: ParsedTurn, expected: ExpectedTurn): void {
  expect(parsed.calls.map((call) => ({ tool: call.name, arguments: call.arguments }))).toMatchObject(
    expected.calls,
  );
  expect(parsed.calls).toHaveLength(expected.calls.length);
  expect(parsed.errors.map((error) => error.message)).toHaveLength(expected.errors ?? 0);
  expect(parsed.answer).toBe(expected.answer);
  if (expected.reasoning) expect(parsed.reasoning ?? "").toContain(expected.reasoning);
}

/** A hosted-transcript action in Loupe's terms, with R1V4's image names resolved as the live dialect does. */
function hostedCall(action: { name: string; arguments: unknown }, context: DialectContext): ExpectedCall {
  const local = loupeAction(action);
  const args = { ...(local.arguments as Record<string, unknown>) };
  if (Array.isArray(args.images)) {
    args.images = args.images.map((reference) => {
      const image = resolveImageReference(String(reference), context);
      return typeof image === "string" ? image : image.label;
    });
  }
  return { tool: local.tool, arguments: args };
}

describe("real outputs of the seed models", () => {
  it("has unique ids and a source for every entry", () => {
    const ids = realOutputs.map((entry) => entry.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const entry of realOutputs) expect(entry.source.trim()).not.toBe("");
  });

  describe.each(realOutputs.map((entry) => [entry.id, entry] as const))("%s", (_id, entry) => {
    it("parses turn by turn as upstream intends (live dialect)", () => {
      const context = entryContext(entry);
      const turns = modelTurns(entry);
      expect(turns).toHaveLength(entry.turns.length);
      turns.forEach((text, index) => {
        expectTurn(parseLive(entry, text, context), entry.turns[index] as ExpectedTurn);
      });
    });

    // Only R1V4 has a hosted API that returns a whole run as one transcript.
    if (entry.dialect !== "skywork-r1v4") return;
    it("parses whole as upstream intends (hosted transcript)", () => {
      const context = entryContext(entry);
      const parsed = parseSkyworkTranscript(entry.text);
      const actions = parsed.steps.flatMap((step) => (step.action ? [step.action] : []));
      expect(actions.filter((action) => action.error)).toEqual([]);
      const expectedCalls = entry.turns.flatMap((turn) => turn.calls);
      expect(actions.map((action) => hostedCall(action, context))).toMatchObject(expectedCalls);
      expect(actions).toHaveLength(expectedCalls.length);
      expect(parsed.answer).toBe(entry.turns.at(-1)?.answer);
      const reasoning = parsed.steps.map((step) => step.reasoning ?? "").join("\n");
      for (const turn of entry.turns) if (turn.reasoning) expect(reasoning).toContain(turn.reasoning);
    });
  });
});
