import pg from "pg";
import { describe, expect, it } from "vitest";
import { MIGRATIONS_TABLE, migrations } from "../../src/store/migrations.js";
import { openRunStore } from "../../src/store/open-run-store.js";
import { PostgresRunStore } from "../../src/store/postgres-run-store.js";
import { describeWithPostgres } from "../support/postgres.js";
import { runStoreSuite } from "./run-store-suite.js";

describeWithPostgres("PostgreSQL", (cluster) => {
  runStoreSuite("PostgreSQL", {
    async open() {
      const location = await cluster().createDatabase();
      return { store: await openRunStore(location), location };
    },
  });

  async function sql(url: string, text: string): Promise<pg.QueryResult> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return await client.query(text);
    } finally {
      await client.end();
    }
  }

  describe("PostgreSQL run store", () => {
    it("is chosen for postgres:// and postgresql:// URLs", async () => {
      const url = await cluster().createDatabase();
      const store = await openRunStore(url.replace(/^postgres:/, "postgresql:"));
      expect(store).toBeInstanceOf(PostgresRunStore);
      await store.close();
    });

    it("migrates a database an older Loupe left (version 1): its runs are found by tool", async () => {
      const url = await cluster().createDatabase();
      await sql(
        url,
        `CREATE TABLE ${MIGRATIONS_TABLE} (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL);
         ${migrations[0]!.postgres};
         INSERT INTO ${MIGRATIONS_TABLE} VALUES (1, 'v1', '2026-01-01');
         INSERT INTO runs VALUES ('old-run', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', 'Q?', 'A', 'm', 'native', 'answer', '["crop","python"]', 2, 2, 10, 5, 100, 'q?', '{}');`,
      );
      // Two processes' stores opening at once: the migration runs once (an advisory lock).
      const [store, other] = await Promise.all([openRunStore(url), openRunStore(url)]);
      expect((await store.list({ toolUsed: "python" })).map((run) => run.id)).toEqual(["old-run"]);
      await Promise.all([store.close(), other.close()]);
      const { rows } = await sql(url, `SELECT version FROM ${MIGRATIONS_TABLE} ORDER BY version`);
      expect(rows.map((row) => row.version)).toEqual(migrations.map((migration) => migration.version));
    });

    it("refuses a database from a newer Loupe", async () => {
      const url = await cluster().createDatabase();
      await (await openRunStore(url)).close();
      await sql(url, `INSERT INTO ${MIGRATIONS_TABLE} VALUES (99, 'future', '2030-01-01')`);
      await expect(openRunStore(url)).rejects.toThrow(/schema version 99, newer than this Loupe knows/);
    });

    it("names the server (password hidden) when it cannot connect", async () => {
      const url = cluster()
        .url.replace("loupe@", "loupe:secret@")
        .replace(/:\d+\//, ":1/");
      const failure = openRunStore(url);
      await expect(failure).rejects.toMatchObject({ code: "store" });
      await expect(failure).rejects.toThrow(
        /Cannot open the run store postgres:\/\/loupe:\*\*\*@127\.0\.0\.1:1\/postgres/,
      );
    });
  });
});
