import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { MIGRATIONS_TABLE, migrations } from "../../src/store/migrations.js";
import { openRunStore } from "../../src/store/open-run-store.js";
import { imageFolderBeside, SqliteRunStore } from "../../src/store/sqlite-run-store.js";
import { runStoreSuite } from "./run-store-suite.js";

async function freshPath(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), "loupe-store-")), "loupe.db");
}

runStoreSuite("SQLite", {
  async open() {
    const location = await freshPath();
    return { store: await openRunStore(location), location };
  },
});

describe("SQLite run store on disk", () => {
  it("is one WAL file in $LOUPE_HOME by default, images in a folder beside it", async () => {
    const home = await mkdtemp(join(tmpdir(), "loupe-home-"));
    const store = await openRunStore(undefined, { LOUPE_HOME: home });
    expect(store).toBeInstanceOf(SqliteRunStore);
    expect((store as SqliteRunStore).path).toBe(join(home, "loupe.db"));
    expect((store as SqliteRunStore).images.dir).toBe(join(home, "loupe-images"));
    await store.close();
    const database = new Database(join(home, "loupe.db"));
    expect(database.pragma("journal_mode", { simple: true })).toBe("wal");
    database.close();
    expect(imageFolderBeside("/x/runs.sqlite")).toBe("/x/runs-images");
  });

  it("migrates a database an older Loupe left (version 1): its runs are found by tool", async () => {
    const path = await freshPath();
    const old = new Database(path);
    old.exec(
      `CREATE TABLE ${MIGRATIONS_TABLE} (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)`,
    );
    old.exec(migrations[0]!.sqlite);
    old.prepare(`INSERT INTO ${MIGRATIONS_TABLE} VALUES (1, 'v1', '2026-01-01')`).run();
    old
      .prepare(
        `INSERT INTO runs VALUES ('old-run', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', 'Q?', 'A', 'm', 'native', 'answer', '["crop","python"]', 2, 2, 10, 5, 100, 'q?\na', '{}')`,
      )
      .run();
    old.close();

    const store = await openRunStore(path);
    expect((await store.list({ toolUsed: "python" })).map((run) => run.id)).toEqual(["old-run"]);
    await store.close();
    const database = new Database(path);
    const versions = database
      .prepare(`SELECT version FROM ${MIGRATIONS_TABLE} ORDER BY version`)
      .pluck()
      .all();
    expect(versions).toEqual(migrations.map((migration) => migration.version));
    database.close();
  });

  it("refuses a database from a newer Loupe, and leaves it untouched", async () => {
    const path = await freshPath();
    await (await openRunStore(path)).close();
    const database = new Database(path);
    database.prepare(`INSERT INTO ${MIGRATIONS_TABLE} VALUES (99, 'future', '2030-01-01')`).run();
    database.close();
    await expect(openRunStore(path)).rejects.toThrow(
      /schema version 99, newer than this Loupe knows \(\d+\)/,
    );
  });

  it("refuses a file that is not a database, naming it", async () => {
    const path = await freshPath();
    await writeFile(
      path,
      "this is not a database, only some text that is long enough to be read ".repeat(20),
    );
    const failure = openRunStore(path);
    await expect(failure).rejects.toMatchObject({ code: "store" });
    await expect(failure).rejects.toThrow(new RegExp(`Cannot open the run store ${path}: .*not a database`));
  });

  it("refuses a location that is neither a file nor a postgres URL", async () => {
    await expect(openRunStore("mysql://u:secret@127.0.0.1/x")).rejects.toThrow(
      /mysql:\/\/u:\*\*\*@127\.0\.0\.1\/x is not a store/,
    );
  });
});
