import { afterAll, beforeAll, describe, it } from "vitest";
import { openRunStore } from "../../src/store/open-run-store.js";
import {
  POSTGRES_INSTALL_HINT,
  type PostgresCluster,
  postgresBinaries,
  startPostgres,
} from "../support/postgres.js";
import { runApiSuite } from "./run-api-suite.js";

// The run API on a real PostgreSQL (a private cluster on 127.0.0.1). Without PostgreSQL the suite
// skips, saying what to install, except under CI, where that is a failure.
const available = postgresBinaries() !== undefined;
if (!available && process.env.CI) {
  it("PostgreSQL is installed (required under CI)", () => {
    throw new Error(POSTGRES_INSTALL_HINT);
  });
} else if (!available) {
  describe.skip(POSTGRES_INSTALL_HINT, () => {
    it("skipped", () => {});
  });
  console.warn(`loupe: ${POSTGRES_INSTALL_HINT}`);
}

describe.runIf(available)("PostgreSQL", () => {
  let cluster: PostgresCluster;
  beforeAll(async () => {
    cluster = await startPostgres();
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });
  runApiSuite("PostgreSQL", { open: async () => openRunStore(await cluster.createDatabase()) });
});
