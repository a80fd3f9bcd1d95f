import { runApiSuite } from "./run-api-suite.js";

/** The run API with runs kept in memory only (no store). */
runApiSuite("memory");
