import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, it } from "vitest";

/**
 * A private, throwaway PostgreSQL cluster for one test file or bench: initdb into a temporary
 * folder, then a server on 127.0.0.1 with a free port and its socket in that folder; `stop` ends
 * it and removes everything. Debian's binaries live in /usr/lib/postgresql/<version>/bin. As root,
 * initdb refuses to run, so the cluster runs as the `postgres` system user (runuser).
 */
export interface PostgresCluster {
  /** postgres://… of the cluster's `postgres` database. */
  url: string;
  /** A new, empty database on the cluster, and its URL. */
  createDatabase(name?: string): Promise<string>;
  stop(): Promise<void>;
}

export const POSTGRES_INSTALL_HINT =
  "PostgreSQL is not installed: its tests skip. Install it with `sudo apt-get install -y postgresql` (it is in scripts/debian-test-packages.txt).";

/**
 * The folder of initdb and pg_ctl, the newest installed version; undefined when there is none.
 * LOUPE_TEST_POSTGRES_ROOT replaces Debian's /usr/lib/postgresql (another layout, or none).
 */
export function postgresBinaries(): string | undefined {
  const root = process.env.LOUPE_TEST_POSTGRES_ROOT || "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((name) => existsSync(join(root, name, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], "bin");
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startPostgres(): Promise<PostgresCluster> {
  const bin = postgresBinaries();
  if (!bin) throw new Error(POSTGRES_INSTALL_HINT);
  const dir = mkdtempSync(join(tmpdir(), "loupe-pg-"));
  const asRoot = process.getuid?.() === 0;
  const asUser = (command: string, args: string[]) =>
    (asRoot ? ["runuser", ["-u", "postgres", "--", command, ...args]] : [command, args]) as [
      string,
      string[],
    ];
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, "data");
  const run = (command: string, args: string[]) => {
    const [file, argv] = asUser(join(bin, command), args);
    const result = spawnSync(file, argv, { encoding: "utf8", timeout: 60_000 });
    if (result.status !== 0)
      throw new Error(
        `${command} failed (${result.status}): ${result.stderr || result.stdout || result.error}`,
      );
  };
  run("initdb", ["-D", data, "-U", "loupe", "-A", "trust", "--no-sync", "-E", "UTF8", "--locale=C"]);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  run("pg_ctl", ["-D", data, "-l", join(dir, "server.log"), "-o", options, "-w", "-t", "60", "start"]);
  const url = `postgres://loupe@127.0.0.1:${port}/postgres`;
  let created = 0;
  return {
    url,
    async createDatabase(name = `loupe_test_${++created}`) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return `postgres://loupe@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      try {
        run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * A describe block with a private cluster for its tests (`cluster()` inside). Without PostgreSQL
 * the block is skipped, its name saying what to install; under CI, where .ci/run installs it, a
 * missing PostgreSQL is a failing test instead.
 */
export function describeWithPostgres(name: string, body: (cluster: () => PostgresCluster) => void): void {
  const available = postgresBinaries() !== undefined;
  if (!available && process.env.CI) {
    describe(name, () => {
      it("has PostgreSQL installed (required under CI)", () => {
        throw new Error(POSTGRES_INSTALL_HINT);
      });
    });
    return;
  }
  if (!available) console.warn(`loupe: ${POSTGRES_INSTALL_HINT}`);
  describe.skipIf(!available)(available ? name : `${name} (skipped: ${POSTGRES_INSTALL_HINT})`, () => {
    let started: PostgresCluster | undefined;
    beforeAll(async () => {
      started = await startPostgres();
    }, 60_000);
    afterAll(async () => {
      await started?.stop();
    });
    body(() => {
      if (!started) throw new Error("The test's PostgreSQL cluster did not start.");
      return started;
    });
  });
}
