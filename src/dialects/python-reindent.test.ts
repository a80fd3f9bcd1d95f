import { describe, expect, it } from "vitest";
import { reindentPython } from "./python-reindent.js";

describe("reindentPython", () => {
  it("indents after a colon and steps back for else/except/elif/finally", () => {
    const code = ["if x:", "y = 1", "else:", "y = 2", "try:", "z = 1/y", "except Exception:", "z = 0"].join(
      "\n",
    );
    expect(reindentPython(code)).toBe(
      [
        "if x:",
        "    y = 1",
        "else:",
        "    y = 2",
        "    try:",
        "        z = 1/y",
        "    except Exception:",
        "        z = 0",
      ].join("\n"),
    );
  });

  it("strips stray indentation from flat code and keeps blank lines", () => {
    expect(reindentPython("   a = 1\n\n  print(a)  ")).toBe("a = 1\n\nprint(a)");
  });

  it("never dedents below column zero", () => {
    expect(reindentPython("else:\npass")).toBe("else:\n    pass");
  });

  it("nests elif chains at the same depth", () => {
    expect(reindentPython("for i in r:\nif i:\na\nelif j:\nb")).toBe(
      "for i in r:\n    if i:\n        a\n    elif j:\n        b",
    );
  });
});
