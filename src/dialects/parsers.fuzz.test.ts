import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addProducedImage,
  expressibleTools,
  modelOutput,
  testContext,
} from "../../test/support/dialect-test-context.js";
import type { DialectName } from "../core/config.js";
import type { ModelOutput } from "../core/model-output.js";
import type { ToolResult } from "../core/tool.js";
import type { Dialect, DialectContext, ParsedTurn } from "./dialect.js";
import { isRecord } from "./dialect-support.js";
import { getDialect, listDialects } from "./registry.js";

/** Realistic turns of every dialect, the starting points for mutation. */
const seeds = [
  '<think>I should zoom in on the sign.</think>\n<tool_call>\n{"name": "image_zoom_in_tool", "arguments": {"bbox_2d": [10, 20, 300, 400], "label": "sign"}}\n</tool_call>',
  '<think>Search the image.</think><tool_call>{"name": "image_search", "arguments": {"image_paths": ["image_1"]}}</tool_call>',
  '<think>Find facts.</think><tool_call>{"name": "text_search", "arguments": {"queries": ["a", "b"]}}</tool_call>',
  '<think>Read it.</think><tool_call>{"name": "web_visit", "arguments": {"urls": ["https://e.example"]}}</tool_call>',
  '<think>Crop.</think><tool_call>{"name": "code", "arguments": {"code": "w, h = image_1.size\\nshow(image_1.crop((0, 0, w//2, h//2)))"}}</tool_call>',
  "<think>Crop with code.</think><code>\n```python\nimport matplotlib.pyplot as plt\nplt.imshow(image_1.crop((0, 0, 100, 100)))\nplt.show()\n```\n</code>",
  '<think>Search.</think><tool_call>{"name": "search", "arguments": {"query": "eiffel tower"}}</tool_call>',
  '<tool_call>{"name": "image_search"}</tool_call>',
  "<think>Who is this?</think>\n<search><img></search>",
  "<text_search>Gustave Eiffel birth year</text_search>",
  "<think>Measure.</think><python>\nprint(image_1.size)\n</python>",
  '<reasoning>Zoom.</reasoning><tool>{"name": "crop", "arguments": {"box": [0, 0, 0.5, 0.5], "coordinates": "fraction"}}</tool>',
  "<image_search>image_1</image_search><web_content>https://x.example</web_content>",
  "<think>I know this.</think>\n<answer>Paris</answer>",
  "The answer is 42.",
];

/** Every tag any dialect reads, open and closed, for insertion. */
const tagTokens = [
  "think",
  "reasoning",
  "answer",
  "tool_call",
  "code",
  "search",
  "text_search",
  "image_search",
  "web_content",
  "python",
  "tool",
  "img",
].flatMap((name) => [`<${name}>`, `</${name}>`]);

const jsonShards = [
  "{",
  "}",
  "[",
  "]",
  '"',
  "'",
  ",",
  ":",
  "```",
  "```python\n",
  "\\",
  "null",
  "True",
  '{"name": ',
];

type Mutation = (text: string) => string;

const position = fc.nat({ max: 100_000 });

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(position, fc.constantFrom(...tagTokens, ...jsonShards)).map(([at, token]) => (text: string) => {
    const index = at % (text.length + 1);
    return text.slice(0, index) + token + text.slice(index);
  }),
  fc.tuple(position, fc.nat({ max: 40 })).map(([at, length]) => (text: string) => {
    const index = at % (text.length + 1);
    return text.slice(0, index) + text.slice(index + length);
  }),
  fc.tuple(position, fc.nat({ max: 60 })).map(([at, length]) => (text: string) => {
    const index = at % (text.length + 1);
    return text.slice(0, index) + text.slice(index, index + length) + text.slice(index);
  }),
  position.map((at) => (text: string) => text.slice(0, at % (text.length + 1))),
  fc.tuple(position, fc.string({ unit: "binary", maxLength: 30 })).map(([at, junk]) => (text: string) => {
    const index = at % (text.length + 1);
    return text.slice(0, index) + junk + text.slice(index);
  }),
  fc
    .tuple(position, fc.constantFrom("a", "{", "<", "`", "\n", "é"), fc.integer({ min: 1000, max: 20_000 }))
    .map(([at, char, count]) => (text: string) => {
      const index = at % (text.length + 1);
      return text.slice(0, index) + char.repeat(count) + text.slice(index);
    }),
);

const mutatedOutput = fc
  .tuple(
    fc.constantFrom(...seeds),
    fc.array(mutation, { maxLength: 6 }),
    fc.array(fc.constantFrom(...seeds), { maxLength: 2 }),
  )
  .map(([seed, mutations, extra]) =>
    mutations.reduce((text, mutate) => mutate(text), [seed, ...extra].join("\n")),
  );

/** The tool sets a run may enable: all of a dialect's tools, some, or none. */
function contextsFor(dialect: Dialect): DialectContext[] {
  const supported = expressibleTools(dialect);
  return [testContext(supported), testContext(supported.slice(0, 1)), testContext([])];
}

/**
 * Dialects that build Loupe arguments themselves must build valid ones; native and ARTIST's
 * `<tool>` pass the model's arguments through for the executor to check against the schema.
 */
const buildsArguments = new Set<DialectName>(["skywork-r1v4", "deepeyes-v2", "deepeyes", "mmsearch-r1"]);

function checkTurn(turn: ParsedTurn, context: DialectContext, dialect?: DialectName): void {
  expect(Array.isArray(turn.calls)).toBe(true);
  expect(Array.isArray(turn.errors)).toBe(true);
  const enabled = new Set(context.tools.map((tool) => tool.name));
  for (const call of turn.calls) {
    expect(enabled.has(call.name)).toBe(true);
    expect(isRecord(call.arguments)).toBe(true);
    expect(typeof call.raw).toBe("string");
    if (dialect && buildsArguments.has(dialect)) {
      const tool = context.tools.find((candidate) => candidate.name === call.name);
      expect(tool?.parameters.safeParse(call.arguments).success).toBe(true);
    }
  }
  for (const error of turn.errors) {
    expect(error.message.length).toBeGreaterThan(0);
    expect(typeof error.raw).toBe("string");
  }
  const ids = [...turn.calls, ...turn.errors].map((action) => action.id);
  expect(new Set(ids).size).toBe(ids.length);
  if (turn.answer !== undefined) expect(typeof turn.answer).toBe("string");
}

const runs = 1000;

/** The action tags of each dialect (native actions are tool calls, tested below). */
const actionTags: Record<string, string[]> = {
  native: [],
  "skywork-r1v4": ["tool_call", "code", "image_search", "text_search", "web_content"],
  "deepeyes-v2": ["tool_call", "code"],
  deepeyes: ["tool_call"],
  "mmsearch-r1": ["search", "text_search"],
  artist: ["python", "tool"],
};

describe.each(listDialects().map((dialect) => [dialect.name]))("%s parser under mutation", (name) => {
  it("never throws and returns well-formed turns", () => {
    const dialect = getDialect(name);
    const contexts = contextsFor(dialect);
    fc.assert(
      fc.property(mutatedOutput, fc.nat({ max: 2 }), (content, contextIndex) => {
        const context = contexts[contextIndex] as DialectContext;
        const output: ModelOutput = modelOutput(content);
        checkTurn(dialect.parse(output, context), context, name);
        expect(dialect.assistantMessage(output).role).toBe("assistant");
      }),
      { numRuns: runs },
    );
  });

  it("answers a broken action with an error or a call, never silence", () => {
    const dialect = getDialect(name);
    const context = contextsFor(dialect)[0] as DialectContext;
    const tags = actionTags[name] ?? [];
    if (tags.length === 0) return;
    fc.assert(
      fc.property(fc.constantFrom(...tags), fc.string({ maxLength: 80 }), (tag, junk) => {
        const turn = dialect.parse(modelOutput(`<think>try</think><${tag}>{${junk}</${tag}>`), context);
        checkTurn(turn, context, name);
        if (turn.answer === undefined) expect(turn.calls.length + turn.errors.length).toBeGreaterThan(0);
      }),
      { numRuns: 150 },
    );
  });

  it("shows every produced image in its observations", () => {
    const dialect = getDialect(name);
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            text: fc.string({ maxLength: 40 }),
            images: fc.nat({ max: 3 }),
            isError: fc.boolean(),
          }),
          {
            minLength: 1,
            maxLength: 3,
          },
        ),
        (specs) => {
          const context = contextsFor(dialect)[0] as DialectContext;
          let seed = 0;
          const outcomes = specs.map((spec, index) => {
            const result: ToolResult = {
              text: spec.text,
              images: Array.from({ length: spec.images }, () => addProducedImage(context.images, seed++)),
              isError: spec.isError,
            };
            return { id: `call_${index}`, name: expressibleTools(dialect)[0] ?? "python", result };
          });
          const messages = dialect.observations(outcomes, context);
          const shown = new Set(
            messages.flatMap((message) =>
              message.role === "user"
                ? message.content.flatMap((part) => (part.type === "image" ? [part.imageId] : []))
                : [],
            ),
          );
          for (const outcome of outcomes)
            for (const image of outcome.result.images) expect(shown.has(image.id)).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe.each(
  listDialects()
    .filter((dialect) => expressibleTools(dialect).includes("text_search"))
    .map((dialect) => [dialect.name]),
)("%s observations of a search", (name) => {
  it("show the tool's notes and, when the search failed, its error text", () => {
    const dialect = getDialect(name);
    const context = contextsFor(dialect)[0] as DialectContext;
    fc.assert(
      fc.property(
        fc.array(fc.string({ minLength: 1, maxLength: 40 }), { maxLength: 3 }),
        fc.boolean(),
        fc.string({ minLength: 1, maxLength: 60 }),
        (notes, failed, errorText) => {
          const result: ToolResult = {
            // Like the real search tools: the sections, then every note.
            text: [failed ? errorText : "Results", ...notes.map((note) => `Note: ${note}`)].join("\n\n"),
            images: [],
            isError: failed,
            data: { kind: "text-search", queries: ["q"], results: [[]], notes },
          };
          const messages = dialect.observations([{ id: "call_1", name: "text_search", result }], context);
          const text = messages
            .flatMap((message) =>
              message.role === "user"
                ? message.content.flatMap((part) => (part.type === "text" ? [part.text] : []))
                : message.role === "tool"
                  ? [message.content]
                  : [],
            )
            .join("\n");
          // R1V4 writes them inside JSON, escaped.
          const shows = (piece: string) =>
            text.includes(piece.trim()) || text.includes(JSON.stringify(piece.trim()).slice(1, -1));
          for (const note of notes) expect(shows(note)).toBe(true);
          if (failed && errorText.trim()) expect(shows(errorText)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("native parser under mutated tool calls", () => {
  it("reads or rejects every call, never throws", () => {
    const dialect = getDialect("native");
    const context = testContext(["crop", "python", "text_search"]);
    const name = fc.oneof(
      fc.constantFrom("crop", "python", "text_search", "web_visit", ""),
      fc.string({ maxLength: 10 }),
    );
    const call = fc.record({ id: fc.constantFrom("", "a", "b", "c"), name, arguments: mutatedOutput });
    fc.assert(
      fc.property(fc.array(call, { maxLength: 4 }), mutatedOutput, (toolCalls, content) => {
        const turn = dialect.parse(modelOutput(content, { toolCalls }), context);
        checkTurn(turn, context);
        if (toolCalls.length > 0) expect(turn.calls.length + turn.errors.length).toBe(toolCalls.length);
      }),
      { numRuns: 600 },
    );
  });
});
