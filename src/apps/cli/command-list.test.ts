import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Help } from "commander";
import { describe, expect, it } from "vitest";
import { commandList, commandNamed } from "./command-list.js";

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** The project's own modules a `loupe` child process loaded for `args`, relative to src/. */
function modulesLoaded(args: string[]): { stdout: string; modules: string[] } {
  const folder = mkdtempSync(join(tmpdir(), "loupe-modules-"));
  const log = join(folder, "modules.txt");
  try {
    const child = spawnSync(
      process.execPath,
      [
        "--import",
        join(projectRoot, "test/support/module-log.mjs"),
        "--import",
        "tsx",
        join(projectRoot, "src/apps/cli/main.ts"),
        ...args,
      ],
      { encoding: "utf8", env: { ...process.env, LOUPE_TEST_MODULE_LOG: log, NO_COLOR: "1" } },
    );
    expect(child.status, child.stderr).toBe(0);
    const source = `file://${join(projectRoot, "src")}/`;
    const modules = readFileSync(log, "utf8")
      .split("\n")
      .filter((url) => url.startsWith(source))
      .map((url) => url.slice(source.length).replace(/\?.*$/, ""));
    return { stdout: child.stdout, modules };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

describe("commandList", () => {
  it("lists each command as the command itself declares it", async () => {
    const help = new Help();
    for (const entry of commandList) {
      const command = await entry.load();
      expect(command.name()).toBe(entry.name);
      expect(help.subcommandTerm(command)).toBe(entry.term);
      expect(command.description()).toBe(entry.description);
    }
  });

  it("finds the command an argument list runs or asks help for", () => {
    expect(commandNamed(["ask", "--image", "a.jpg", "what?"])).toBe("ask");
    expect(commandNamed(["--help"])).toBeUndefined();
    expect(commandNamed(["help", "replay"])).toBe("replay");
    expect(commandNamed(["-V"])).toBeUndefined();
  });

  it("lists the commands for loupe --help without importing any of them", { timeout: 30_000 }, () => {
    const { stdout, modules } = modulesLoaded(["--help"]);
    for (const entry of commandList) expect(stdout).toContain(entry.term);
    expect(modules).toContain("apps/cli/main.ts");
    expect(modules.filter((module) => module.endsWith("-command.ts"))).toEqual([]);
    expect(modules.some((module) => module.startsWith("agent/") || module.startsWith("tools/"))).toBe(false);
    const replayHelp = modulesLoaded(["help", "replay"]);
    expect(replayHelp.stdout).toContain("re-render a recorded run");
    expect(replayHelp.modules).toContain("apps/cli/replay-command.ts");
    expect(replayHelp.modules).not.toContain("apps/cli/ask-command.ts");
  });
});
