import { describe, expect, it } from "vitest";
import { extractCode, reindentPythonLikeDeepEyes } from "./code-block.js";
import { scanTags } from "./tag-scanner.js";
import { splitReasoning } from "./think.js";

describe("scanTags", () => {
  it("finds tags in reading order with their bodies", () => {
    const matches = scanTags("a <code>x</code> b <answer>42</answer>", ["answer", "code"]);
    expect(matches.map((match) => [match.name, match.body, match.closed])).toEqual([
      ["code", "x", true],
      ["answer", "42", true],
    ]);
    expect(matches[0]?.raw).toBe("<code>x</code>");
  });

  it("lets an unclosed last tag run to the end", () => {
    const [match] = scanTags("<code>\nprint(1)\n", ["code"]);
    expect(match).toMatchObject({ name: "code", body: "\nprint(1)\n", closed: false });
  });

  it("does not see tags written inside another tag's body", () => {
    const matches = scanTags("<code>s = '<answer>no</answer>'</code>", ["answer", "code"]);
    expect(matches.map((match) => match.name)).toEqual(["code"]);
  });
});

describe("splitReasoning", () => {
  it("takes think blocks out and joins them with the server's reasoning", () => {
    const split = splitReasoning("<think>look left</think><answer>A</answer>", "server says", ["think"]);
    expect(split).toEqual({ reasoning: "server says\n\nlook left", text: "<answer>A</answer>" });
  });

  it("handles a closing tag without an opening one", () => {
    expect(splitReasoning("I see a sign.</think>\n<answer>B</answer>", undefined)).toEqual({
      reasoning: "I see a sign.",
      text: "\n<answer>B</answer>",
    });
  });

  it("ends an unclosed think block at the first action tag", () => {
    const split = splitReasoning("<think>zoom in <code>x=1</code>", undefined, ["think"], ["code"]);
    expect(split).toEqual({ reasoning: "zoom in", text: "<code>x=1</code>" });
  });

  it("returns no reasoning when there is none", () => {
    expect(splitReasoning("<answer>C</answer>", undefined).reasoning).toBeUndefined();
  });
});

describe("extractCode", () => {
  it("takes the last fenced block", () => {
    expect(extractCode("first:\n```python\na = 1\n```\nthen:\n```python\nb = 2\n```\n")).toBe("b = 2");
  });

  it("accepts an unclosed fence and unfenced code", () => {
    expect(extractCode("```python\nprint('hi')\n")).toBe("print('hi')");
    expect(extractCode("\nprint('plain')\n")).toBe("print('plain')");
  });
});

describe("reindentPythonLikeDeepEyes", () => {
  it("indents after colons and dedents for else/except", () => {
    const code = "for i in range(2):\nif i:\nprint(i)\nelse:\nprint('zero')";
    expect(reindentPythonLikeDeepEyes(code)).toBe(
      "for i in range(2):\n    if i:\n        print(i)\n    else:\n        print('zero')",
    );
  });
});
