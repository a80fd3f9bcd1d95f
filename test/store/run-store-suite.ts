import { spawn } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import type { RunCheckpoint } from "../../src/core/run-checkpoint.js";
import type { RunStore } from "../../src/core/run-store.js";
import { openRunStore } from "../../src/store/open-run-store.js";
import { TrajectoryFolder } from "../../src/store/trajectory-folder.js";
import { recordRealRun, runWithOwnImage, variantOf } from "./run-fixtures.js";

/** How a backend's test file gives the suite a fresh, empty store and its location for openRunStore. */
export interface StoreFactory {
  open(): Promise<{ store: RunStore; location: string }>;
}

const childScript = resolve(dirname(fileURLToPath(import.meta.url)), "save-runs-child.ts");

async function withStore<T>(factory: StoreFactory, body: (store: RunStore, location: string) => Promise<T>) {
  const { store, location } = await factory.open();
  try {
    return await body(store, location);
  } finally {
    await store.close();
  }
}

function saveInChild(location: string, folder: string, prefix: string, count: number): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", childScript, location, folder, prefix, String(count)],
      {
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolvePromise() : reject(new Error(`child exited ${code}: ${stderr}`)),
    );
  });
}

/** The RunStore behaviour both backends must share, run against a real database of each. */
export function runStoreSuite(name: string, factory: StoreFactory): void {
  describe(`${name} run store`, () => {
    let real: RunCheckpoint;
    let checkpoints: RunCheckpoint[];
    beforeAll(async () => {
      ({ run: real, checkpoints } = await recordRealRun());
    });

    it("keeps a real run whole: the trajectory, every image's bytes, its listing line", async () => {
      await withStore(factory, async (store) => {
        await store.save(real);
        const loaded = await store.load(real.trajectory.id);
        expect(loaded.trajectory).toEqual(real.trajectory);
        expect(real.trajectory.images.length).toBe(3);
        for (const ref of real.trajectory.images) {
          expect(
            Buffer.from(loaded.images.bytes(ref.id)).equals(Buffer.from(real.images.bytes(ref.id))),
          ).toBe(true);
          const image = await store.getImage(ref.id);
          expect(image?.mime).toBe(ref.mime);
          expect(image?.bytes.byteLength).toBe(ref.byteLength);
        }
        expect(loaded.images.resolve("image_3").id).toBe(real.trajectory.images[2]!.id);
        expect(await store.getTrajectory(real.trajectory.id)).toEqual(real.trajectory);
        const [summary, ...others] = await store.list();
        expect(others).toEqual([]);
        expect(summary).toEqual({
          id: real.trajectory.id,
          createdAt: real.trajectory.createdAt,
          question: real.trajectory.question,
          answer: "Red.",
          model: "test-model",
          dialect: "native",
          stopReason: "answer",
          toolsUsed: ["crop"],
          steps: 3,
          toolCalls: 2,
          promptTokens: real.trajectory.budgetsUsed.usage.promptTokens,
          completionTokens: real.trajectory.budgetsUsed.usage.completionTokens,
          wallMs: real.trajectory.budgetsUsed.wallMs,
        });
        expect(await store.getTrajectory("no-such-run")).toBeUndefined();
        expect(await store.getImage("0".repeat(64))).toBeUndefined();
        await expect(store.load("no-such-run")).rejects.toMatchObject({ code: "run-not-found" });
      });
    });

    it("replaces a run at every checkpoint: one run, as its last save left it (fewer steps too)", async () => {
      await withStore(factory, async (store) => {
        expect(checkpoints.length).toBeGreaterThan(3);
        for (const checkpoint of checkpoints) await store.save(checkpoint);
        await store.save(real);
        expect(await store.list()).toHaveLength(1);
        expect((await store.load(real.trajectory.id)).trajectory).toEqual(real.trajectory);
        // A resumed run may go back to an earlier checkpoint: the steps after it go.
        const earlier = checkpoints.find((checkpoint) => checkpoint.trajectory.steps.length === 1)!;
        await store.save(earlier);
        const reloaded = await store.load(real.trajectory.id);
        expect(reloaded.trajectory).toEqual(earlier.trajectory);
        const [summary] = await store.list();
        expect(summary).toMatchObject({ steps: 1, stopReason: "cancelled" });
        expect(summary!.answer).toBeUndefined();
      });
    });

    it("lists by model, dialect, stop reason, tool, text (any case), dates, and a limit", async () => {
      await withStore(factory, async (store) => {
        const a = variantOf(real, {
          id: "a",
          createdAt: "2026-01-01T10:00:00.000Z",
          model: "m1",
          question: "Colour of the sign?",
          answer: "Red.",
        });
        const b = variantOf(real, {
          id: "b",
          createdAt: "2026-01-02T12:00:00.000Z",
          model: "m2",
          dialect: "deepeyes",
          stopReason: "budget-steps",
          question: "How many cats?",
          answer: undefined,
          steps: [],
        });
        const c = variantOf(real, {
          id: "c",
          createdAt: "2026-01-03T08:00:00.000Z",
          model: "m1",
          question: "What does the ÉCOLE sign say?",
          answer: "Blue",
        });
        for (const run of [b, c, a]) await store.save(run);
        const ids = async (filter: Parameters<RunStore["list"]>[0]) =>
          (await store.list(filter)).map((run) => run.id);
        expect(await ids({})).toEqual(["c", "b", "a"]);
        expect(await ids({ model: "m1" })).toEqual(["c", "a"]);
        expect(await ids({ dialect: "deepeyes" })).toEqual(["b"]);
        expect(await ids({ stopReason: "budget-steps" })).toEqual(["b"]);
        expect(await ids({ toolUsed: "crop" })).toEqual(["c", "a"]);
        expect(await ids({ toolUsed: "python" })).toEqual([]);
        expect(await ids({ text: "RED" })).toEqual(["a"]);
        expect(await ids({ text: "école" })).toEqual(["c"]);
        expect(await ids({ text: "cats" })).toEqual(["b"]);
        expect(await ids({ text: "100%_" })).toEqual([]);
        expect(await ids({ since: "2026-01-02" })).toEqual(["c", "b"]);
        expect(await ids({ until: "2026-01-02" })).toEqual(["b", "a"]);
        expect(await ids({ since: "2026-01-01T10:00:00Z", until: "2026-01-01T10:00:00Z" })).toEqual(["a"]);
        expect(await ids({ model: "m1", toolUsed: "crop", since: "2026-01-02" })).toEqual(["c"]);
        expect(await ids({ limit: 2 })).toEqual(["c", "b"]);
        await expect(store.list({ since: "last tuesday" })).rejects.toThrow(
          /since: "last tuesday" is not a date/,
        );
        await expect(store.list({ limit: 0 })).rejects.toThrow(/limit/);
      });
    });

    it("pages newest first with `before`, runs of the same instant by id, none twice or missed", async () => {
      await withStore(factory, async (store) => {
        const times = [
          "2026-02-01T00:00:00.000Z",
          "2026-02-02T00:00:00.000Z",
          "2026-02-02T00:00:00.000Z",
          "2026-02-02T00:00:00.000Z",
          "2026-02-03T00:00:00.000Z",
          "2026-02-04T00:00:00.000Z",
          "2026-02-05T00:00:00.000Z",
        ];
        for (const [index, createdAt] of times.entries())
          await store.save(variantOf(real, { id: `run-${index}`, createdAt }));
        const seen: string[] = [];
        let before: string | undefined;
        for (let page = 0; page < 5; page++) {
          const runs = await store.list({ limit: 3, ...(before ? { before } : {}) });
          if (runs.length === 0) break;
          seen.push(...runs.map((run) => run.id));
          before = runs.at(-1)!.id;
        }
        expect(seen).toEqual(["run-6", "run-5", "run-4", "run-3", "run-2", "run-1", "run-0"]);
      });
    });

    it("removes a run; an image goes only when no run refers to it any more", async () => {
      await withStore(factory, async (store) => {
        const shared = real.trajectory.images.map((image) => image.id);
        const twin = variantOf(real, { id: "twin" });
        const own = runWithOwnImage(real, "own", 1);
        for (const run of [real, twin, own]) await store.save(run);
        expect(await store.remove(real.trajectory.id)).toBe(true);
        expect(await store.remove(real.trajectory.id)).toBe(false);
        await expect(store.load(real.trajectory.id)).rejects.toMatchObject({ code: "run-not-found" });
        for (const id of shared) expect(await store.getImage(id)).toBeDefined();
        expect((await store.load("twin")).images.size).toBe(3);
        expect(await store.remove("twin")).toBe(true);
        for (const id of shared) expect(await store.getImage(id)).toBeUndefined();
        expect(await store.getImage(own.trajectory.images[0]!.id)).toBeDefined();
        expect((await store.list()).map((run) => run.id)).toEqual(["own"]);
        // Saved again after its images were collected: they come back.
        await store.save(real);
        expect((await store.load(real.trajectory.id)).images.size).toBe(3);
      });
    });

    it("takes saves from two store instances and another process at once, losing none", async () => {
      await withStore(factory, async (store, location) => {
        const folder = await mkdtemp(join(tmpdir(), "loupe-store-run-"));
        await new TrajectoryFolder(folder).write(real.trajectory, real.images);
        const second = await openRunStore(location);
        try {
          const saveMany = (target: RunStore, prefix: string) =>
            (async () => {
              for (let index = 0; index < 15; index++)
                for (let save = 0; save < 3; save++)
                  await target.save(variantOf(real, { id: `${prefix}-${index}` }));
            })();
          await Promise.all([
            saveMany(store, "first"),
            saveMany(second, "second"),
            saveInChild(location, folder, "child", 15),
            // A removal racing the saves: the shared images must survive it.
            (async () => {
              await store.save(variantOf(real, { id: "doomed" }));
              await second.remove("doomed");
            })(),
          ]);
          const runs = await store.list({ limit: 100 });
          expect(runs).toHaveLength(45);
          for (const prefix of ["first", "second", "child"])
            expect(runs.filter((run) => run.id.startsWith(`${prefix}-`))).toHaveLength(15);
          for (const run of runs.slice(0, 5)) expect((await second.load(run.id)).images.size).toBe(3);
          expect((await store.load("child-14")).images.size).toBe(3);
        } finally {
          await second.close();
        }
      });
    }, 60_000);
  });
}
