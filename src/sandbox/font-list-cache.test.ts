import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FontListCache } from "./font-list-cache.js";
import { SandboxPool } from "./sandbox-pool.js";
import { sandboxMissing, sandboxPythonPath } from "./sandbox-test-support.js";

const folder = mkdtempSync(join(tmpdir(), "loupe-font-list-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Starts one session of a fresh pool keeping its font list in `file`; what it built, and a plot's stderr. */
async function startOnce(file: string) {
  const pool = new SandboxPool({ warmSessions: 0, fontListCache: file });
  try {
    const session = await pool.acquire();
    const built = session.builtFontList;
    const plot = await pool.execute(
      session,
      "import matplotlib.pyplot as plt\nfig = plt.figure()\nfig.text(0.5, 0.5, 'label')\nfig.savefig('plot.png')\nprint('drawn')",
      [],
    );
    pool.release(session);
    return { built, plot };
  } finally {
    await pool.close();
  }
}

describe("FontListCache", () => {
  it("keeps a list for the Python it came from, and ignores files it cannot read", () => {
    const file = join(folder, "unit.json");
    new FontListCache("/usr/bin/python3", file).set({ name: "fontlist-v330.json", text: "{}" });
    expect(new FontListCache("/usr/bin/python3", file).get()).toEqual({
      name: "fontlist-v330.json",
      text: "{}",
    });
    expect(new FontListCache("/opt/other/python3", file).get()).toBeUndefined();
    writeFileSync(file, "not json");
    expect(new FontListCache("/usr/bin/python3", file).get()).toBeUndefined();
    writeFileSync(file, JSON.stringify({ python: "/usr/bin/python3", name: "../../etc/passwd", text: "{}" }));
    expect(new FontListCache("/usr/bin/python3", file).get()).toBeUndefined();
    expect(new FontListCache("/usr/bin/python3", false).get()).toBeUndefined();
  });
});

describe.skipIf(sandboxMissing !== undefined)("matplotlib's font list across sessions", () => {
  it("is built by the first session only; later ones start from it and still draw text", async () => {
    const file = join(folder, "sessions.json");
    const first = await startOnce(file);
    expect(first.built?.name).toMatch(/^fontlist-v\d+\.json$/);
    expect(JSON.parse(readFileSync(file, "utf8"))).toMatchObject({
      python: sandboxPythonPath,
      name: first.built?.name,
    });
    const second = await startOnce(file);
    expect(second.built).toBeUndefined();
    expect(second.plot).toMatchObject({ status: "ok", response: { stdout: "drawn\n", stderr: "" } });
  });

  it("rebuilds a broken list instead of failing the session", async () => {
    const file = join(folder, "broken.json");
    const first = await startOnce(file);
    writeFileSync(
      file,
      JSON.stringify({ python: sandboxPythonPath, name: first.built?.name, text: "{ broken" }),
    );
    const next = await startOnce(file);
    expect(next.plot).toMatchObject({ status: "ok", response: { stdout: "drawn\n" } });
    // matplotlib rebuilt the list; the session reports it, and the cache is whole again.
    expect(next.built?.name).toBe(first.built?.name);
    expect(JSON.parse(JSON.parse(readFileSync(file, "utf8")).text)).toBeTypeOf("object");
    expect((await startOnce(file)).built).toBeUndefined();
  });
});
