import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

/**
 * Every program in examples/ runs as the README says (`node --import tsx examples/<name>.ts`), in a
 * child process, and prints what it should: examples that stop working fail here, and tsc checks
 * their types (tsconfig.json includes examples/).
 */

const root = fileURLToPath(new URL("../..", import.meta.url));
const run = promisify(execFile);

async function runExample(name: string): Promise<string> {
  const { stdout } = await run(process.execPath, ["--import", "tsx", `examples/${name}.ts`], {
    cwd: root,
    timeout: 30_000,
    env: { ...process.env, NO_COLOR: "1" },
  });
  return stdout;
}

describe("examples", () => {
  it("ask-with-zoom streams the run's events and answers after a crop", async () => {
    const lines = (await runExample("ask-with-zoom")).trim().split("\n");
    expect(lines[0]).toBe("run-start");
    expect(lines).toContain('tool-call-start: crop {"image":"image_1","box":[400,40,520,100]}');
    expect(lines.some((line) => /^tool-call-end: Cropped image_1 .* -> image_2/.test(line))).toBe(true);
    expect(lines.at(-2)).toBe("run-end");
    expect(lines.at(-1)).toBe("answer (answer): The sign shows three red squares on white.");
  });

  it("custom-tool runs the caller's tool with typed arguments", async () => {
    const output = await runExample("custom-tool");
    expect(output).toBe(
      "catalog_lookup: road sign, three squares, 60 × 30 cm\n" +
        "answer (answer): It is catalog item RS-3: a 60 × 30 cm road sign.\n",
    );
  });

  it("own-model-client drives the loop with a client that is not Loupe's", async () => {
    const output = await runExample("own-model-client");
    expect(output).toBe(
      "steps: 2, answer (answer): I zoomed into the top right: there is a red and white sign.\n",
    );
  });
});
