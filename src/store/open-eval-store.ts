import type { RunStore } from "../core/run-store.js";
import type { EvalStore } from "./eval-store.js";
import { defaultStorePath, isPostgresUrl, openRunStore } from "./open-run-store.js";

/** The run store and the evaluation tables of one location, opened together. */
export interface OpenedStores {
  runs: RunStore;
  evals: EvalStore;
  close(): Promise<void>;
}

/**
 * Opens the run store at `location` (which applies the migrations, the evaluation tables' among
 * them), then the evaluation tables in the same database.
 */
export async function openEvalStores(
  location?: string,
  environment: NodeJS.ProcessEnv = process.env,
): Promise<OpenedStores> {
  const runs = await openRunStore(location, environment);
  const where = location?.trim() || defaultStorePath(environment);
  let evals: EvalStore;
  try {
    if (isPostgresUrl(where)) {
      const { PostgresEvalStore } = await import("./postgres-eval-store.js");
      evals = new PostgresEvalStore(where);
    } else {
      const { SqliteEvalStore } = await import("./sqlite-eval-store.js");
      evals = new SqliteEvalStore(where.replace(/^sqlite:/i, ""));
    }
  } catch (error) {
    await runs.close();
    throw error;
  }
  return {
    runs,
    evals,
    close: async () => {
      await evals.close();
      await runs.close();
    },
  };
}
