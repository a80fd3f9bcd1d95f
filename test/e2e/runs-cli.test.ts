import { existsSync } from "node:fs";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { testImage } from "../agent/agent-harness.js";
import { type ModelServer, type ScriptedReply, startModelServer } from "../support/model-server.js";
import { POSTGRES_INSTALL_HINT, postgresBinaries, startPostgres } from "../support/postgres.js";
import { runCli, spawnCli } from "../support/run-cli.js";

let server: ModelServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const crop = (id: string, box: number[]) => ({ id, name: "crop", arguments: { box } });

/** A temporary LOUPE_HOME (where the default store goes) and the test image in it. */
async function workspace(): Promise<{
  dir: string;
  home: string;
  imagePath: string;
  env: Record<string, string>;
}> {
  const dir = await mkdtemp(join(tmpdir(), "loupe-runs-"));
  const home = join(dir, "home");
  const imagePath = join(dir, "quadrants.jpg");
  await writeFile(imagePath, (await testImage()).bytes);
  return { dir, home, imagePath, env: { LOUPE_HOME: home } };
}

async function listed(env: Record<string, string>, ...args: string[]) {
  const result = await runCli(["runs", "list", "--json", ...args], { env });
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as {
    id: string;
    stopReason: string;
    toolsUsed: string[];
    steps: number;
  }[];
}

describe("loupe runs (the run store from the CLI)", () => {
  it("ask records into the default store; list, show, export (folder and file), import, rm", async () => {
    server = await startModelServer([{ toolCalls: [crop("call_a", [0, 0, 320, 240])] }, { content: "Red." }]);
    const { dir, home, imagePath, env } = await workspace();
    const out = join(dir, "run");
    const asked = await runCli(
      [
        "ask",
        "--base-url",
        server.baseUrl,
        "--model",
        "test-model",
        "-i",
        imagePath,
        "--out",
        out,
        "Colour?",
      ],
      { env },
    );
    expect(asked.code, asked.stderr).toBe(0);
    expect(existsSync(join(home, "loupe.db"))).toBe(true);
    const folderCopy = JSON.parse(await readFile(join(out, "trajectory.json"), "utf8"));

    const [run, ...others] = await listed(env);
    expect(others).toEqual([]);
    expect(run).toMatchObject({ id: folderCopy.id, stopReason: "answer", toolsUsed: ["crop"], steps: 2 });
    expect(await listed(env, "--tool", "crop", "--text", "COLOUR", "--model", "test-model")).toHaveLength(1);
    expect(await listed(env, "--tool", "python")).toEqual([]);
    expect(await listed(env, "--stop-reason", "budget-steps")).toEqual([]);
    expect(await listed(env, "--since", "2000-01-01", "--until", "2999-01-01", "--limit", "5")).toHaveLength(
      1,
    );

    const table = await runCli(["runs", "list"], { env });
    expect(table.stdout).toMatch(/^ID\s+CREATED\s+MODEL\s+DIALECT\s+STOP\s+STEPS\s+TOOLS\s+QUESTION\n/);
    expect(table.stdout).toContain(`${run!.id}  `);
    const badReason = await runCli(["runs", "list", "--stop-reason", "tired"], { env });
    expect(badReason.code).toBe(2);
    expect(badReason.stderr).toMatch(/--stop-reason: "tired" is not one of answer, no-action/);

    const shown = await runCli(["runs", "show", run!.id], { env });
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/question {2}Colour\?\nanswer {4}Red\.\nstopped {3}answer\n/);
    expect(shown.stdout).toMatch(/ {3}1 {2}crop\(\{"box":\[0,0,320,240\]\}\)/);
    expect(shown.stdout).toMatch(/ {3}2 {2}answer: Red\./);
    const shownJson = await runCli(["runs", "show", run!.id, "--json"], { env });
    const { images: storedImages, ...stored } = JSON.parse(shownJson.stdout);
    const { images: folderImages, ...inFolder } = folderCopy;
    expect(stored).toEqual(inFolder);
    expect(storedImages.map((image: { id: string }) => image.id)).toEqual(
      folderImages.map((image: { id: string }) => image.id),
    );

    // Exported as a folder and as one file: replay reads both, with the images.
    const exported = join(dir, "exported");
    const exportFolder = await runCli(["runs", "export", run!.id, "--out", exported], { env });
    expect(exportFolder.code, exportFolder.stderr).toBe(0);
    const file = join(dir, "run.json");
    const exportFile = await runCli(["runs", "export", run!.id, "--file", file], { env });
    expect(exportFile.code, exportFile.stderr).toBe(0);
    const inFile = JSON.parse(await readFile(file, "utf8"));
    expect(inFile.images).toHaveLength(2);
    expect(inFile.images[1].data.length).toBeGreaterThan(100);
    for (const location of [exported, file]) {
      const replayed = await runCli(["replay", location], { env });
      expect(replayed.code, replayed.stderr).toBe(0);
      expect(replayed.stdout).toContain("Red.");
    }

    // Imported into another store, twice: one copy, the same run.
    const other = join(dir, "other.db");
    for (let time = 0; time < 2; time++) {
      const imported = await runCli(["runs", "import", exported, file, "--store", other], { env });
      expect(imported.code, imported.stderr).toBe(0);
      expect(imported.stdout).toBe("2 runs imported\n");
    }
    const inOther = await listed(env, "--store", other);
    expect(inOther.map((entry) => entry.id)).toEqual([run!.id]);
    const fromOther = await runCli(["runs", "show", run!.id, "--json", "--store", other], { env });
    expect(JSON.parse(fromOther.stdout)).toEqual(JSON.parse(shownJson.stdout));
    const importRuns = await runCli(["runs", "import", dir, "--store", other, "--json"], { env });
    expect(JSON.parse(importRuns.stdout)).toEqual({ imported: [run!.id, run!.id] });

    const removed = await runCli(["runs", "rm", run!.id], { env });
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toBe(`removed ${run!.id}\n`);
    expect(await listed(env)).toEqual([]);
    const again = await runCli(["runs", "rm", run!.id], { env });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(new RegExp(`No run ${run!.id} in the store`));
    const missing = await runCli(["runs", "show", run!.id], { env });
    expect(missing.code).toBe(2);
  }, 180_000);

  it("a run killed mid-way is in the store; `loupe resume ID` finishes it from there", async () => {
    const replies: ScriptedReply[] = [
      { toolCalls: [crop("call_a", [0, 0, 320, 240])] },
      { hang: true },
      { content: "Red." },
    ];
    server = await startModelServer((_request, index) => replies[index] ?? { status: 500 });
    const { dir, imagePath, env } = await workspace();
    const child = spawnCli(
      [
        "ask",
        "--base-url",
        server.baseUrl,
        "--model",
        "test-model",
        "-i",
        imagePath,
        "--out",
        join(dir, "run"),
        "Colour?",
      ],
      env,
    );
    const poll = setInterval(() => {
      if ((server?.requests.length ?? 0) >= 2) child.kill("SIGKILL");
    }, 20);
    await new Promise((resolve) => child.on("close", resolve));
    clearInterval(poll);

    const [killed] = await listed(env);
    expect(killed).toMatchObject({ stopReason: "cancelled", steps: 1, toolsUsed: ["crop"] });

    const resumedOut = join(dir, "resumed");
    const resumed = await runCli(["resume", killed!.id, "--out", resumedOut, "--quiet"], { env });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout.trim()).toBe("Red.");
    expect(server.requests).toHaveLength(3);
    const [finished] = await listed(env);
    expect(finished).toMatchObject({ id: killed!.id, stopReason: "answer", steps: 2 });
    const inFolder = JSON.parse(await readFile(join(resumedOut, "trajectory.json"), "utf8"));
    expect(inFolder).toMatchObject({ id: killed!.id, answer: "Red." });

    const unknown = await runCli(["resume", "no-such-run"], { env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no-such-run is neither a run folder nor a run id in the store/);
  }, 120_000);

  it("--store none records nothing; LOUPE_STORE picks another file", async () => {
    server = await startModelServer((_request, _index) => ({ content: "Red." }));
    const { dir, home, imagePath, env } = await workspace();
    const ask = (extra: string[], moreEnv: Record<string, string> = {}) =>
      runCli(
        [
          "ask",
          "--base-url",
          server!.baseUrl,
          "--model",
          "test-model",
          "-i",
          imagePath,
          "--out",
          join(dir, `run-${extra.length}`),
          ...extra,
          "Colour?",
        ],
        {
          env: { ...env, ...moreEnv },
        },
      );
    const off = await ask(["--store", "none"]);
    expect(off.code, off.stderr).toBe(0);
    expect(existsSync(join(home, "loupe.db"))).toBe(false);
    const elsewhere = join(dir, "elsewhere.db");
    const viaEnv = await ask([], { LOUPE_STORE: elsewhere });
    expect(viaEnv.code, viaEnv.stderr).toBe(0);
    expect(existsSync(join(home, "loupe.db"))).toBe(false);
    expect(await listed(env, "--store", elsewhere)).toHaveLength(1);
    const broken = join(dir, "broken.db");
    await writeFile(broken, "not a database at all, just text ".repeat(40));
    const refused = await ask(["--store", broken]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(new RegExp(`Cannot open the run store ${broken}`));
  }, 120_000);

  const hasPostgres = postgresBinaries() !== undefined;
  it.runIf(hasPostgres || process.env.CI)(
    "ask records into PostgreSQL given --store postgres://; runs list reads it",
    async () => {
      if (!hasPostgres) throw new Error(POSTGRES_INSTALL_HINT);
      const cluster = await startPostgres();
      try {
        const url = await cluster.createDatabase();
        server = await startModelServer([
          { toolCalls: [crop("call_a", [0, 0, 320, 240])] },
          { content: "Red." },
        ]);
        const { dir, home, imagePath, env } = await workspace();
        const asked = await runCli(
          [
            "ask",
            "--base-url",
            server.baseUrl,
            "--model",
            "test-model",
            "-i",
            imagePath,
            "--out",
            join(dir, "run"),
            "Colour?",
          ],
          { env: { ...env, LOUPE_STORE: url } },
        );
        expect(asked.code, asked.stderr).toBe(0);
        expect(existsSync(join(home, "loupe.db"))).toBe(false);
        const [run] = await listed(env, "--store", url, "--tool", "crop");
        expect(run).toMatchObject({ stopReason: "answer", steps: 2 });
        const exported = join(dir, "exported");
        const exportFolder = await runCli(["runs", "export", run!.id, "--out", exported, "--store", url], {
          env,
        });
        expect(exportFolder.code, exportFolder.stderr).toBe(0);
        const replayed = await runCli(["replay", exported], { env });
        expect(replayed.stdout).toContain("Red.");
      } finally {
        await cluster.stop();
      }
    },
    120_000,
  );
});
