import { describe, expect, it } from "vitest";
import { decodeNested, readJsonTolerantly } from "./tolerant-json.js";

function read(text: string): unknown {
  const result = readJsonTolerantly(text);
  if (!result.ok) throw new Error(`unreadable: ${result.message}`);
  return result.value;
}

describe("readJsonTolerantly", () => {
  it("reads strict JSON unchanged", () => {
    expect(read('{"name": "crop", "arguments": {"box": [1, 2.5, -3, 4e2]}}')).toEqual({
      name: "crop",
      arguments: { box: [1, 2.5, -3, 400] },
    });
  });

  it("repairs trailing commas, single quotes, unquoted keys and Python literals", () => {
    expect(read("{name: 'search', arguments: {'query': \"it's\", strict: True, limit: None,},}")).toEqual({
      name: "search",
      arguments: { query: "it's", strict: true, limit: null },
    });
  });

  it("strips a code fence and leading prose", () => {
    expect(read('```json\n{"a": [1, 2,]}\n```')).toEqual({ a: [1, 2] });
    expect(read('Here is the call: {"a": 1}')).toEqual({ a: 1 });
  });

  it("drops a stray closing brace and adds missing ones", () => {
    expect(read('{"name": "code", "arguments": {"code": "x = 1"}}}')).toEqual({
      name: "code",
      arguments: { code: "x = 1" },
    });
    expect(read('{"name": "code", "arguments": {"code": "x = 1"')).toEqual({
      name: "code",
      arguments: { code: "x = 1" },
    });
  });

  it("keeps raw newlines inside strings (code written without escaping)", () => {
    expect(read('{"code": "for i in range(3):\n    print(i)"}')).toEqual({
      code: "for i in range(3):\n    print(i)",
    });
  });

  it("decodes an object that was encoded again as a JSON string", () => {
    expect(read(JSON.stringify(JSON.stringify({ queries: ["a"] })))).toEqual({ queries: ["a"] });
    expect(decodeNested('{"x": 1,}')).toEqual({ x: 1 });
    expect(decodeNested("plain text")).toBe("plain text");
  });

  it("reports text that holds no JSON at all", () => {
    expect(readJsonTolerantly("").ok).toBe(false);
    expect(readJsonTolerantly("just words").ok).toBe(false);
    expect(readJsonTolerantly('{"a" "b"}').ok).toBe(false);
  });
});

describe("readJsonTolerantly on R1V4's printed calls", () => {
  it("reads unquoted image placeholders", () => {
    expect(read('{"name": "image_search", "arguments": {"image_paths": [<image>]\n}')).toEqual({
      name: "image_search",
      arguments: { image_paths: ["<image>"] },
    });
    expect(read('{"image_paths": [<sub-image 1>, <sub-image 2> ]}')).toEqual({
      image_paths: ["<sub-image 1>", "<sub-image 2>"],
    });
  });

  it("reads typographic quotes, the same mark at both ends included", () => {
    expect(read('{"queries": [\u2019Chongqing JINC Saint Hotel location\u2019]}')).toEqual({
      queries: ["Chongqing JINC Saint Hotel location"],
    });
    expect(read("{\u201cquery\u201d: \u201cit\u2019s here\u201d}")).toEqual({ query: "it\u2019s here" });
  });
});
