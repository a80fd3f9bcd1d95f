import { openRunStore } from "../../src/store/open-run-store.js";
import { describeWithPostgres } from "../support/postgres.js";
import { runApiSuite } from "./run-api-suite.js";

describeWithPostgres("PostgreSQL", (cluster) => {
  runApiSuite("PostgreSQL", { open: async () => openRunStore(await cluster().createDatabase()) });
});
