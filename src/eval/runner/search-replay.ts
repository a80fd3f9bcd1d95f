import type { LoupeConfig } from "../../core/config.js";
import { LoupeError } from "../../core/errors.js";
import type { RunStore } from "../../core/run-store.js";
import { searchProviderSettingsSchema } from "../../core/search-config.js";
import { registerSearchBackend } from "../../search/backend-registry.js";
import type { EvalStore } from "../../store/eval-store.js";
import type { EvalItem } from "../eval-item.js";
import { currentItem, RECORDED_BACKEND, recordedSearchBackend } from "./recorded-search-backend.js";
import { RecordedSearches } from "./recorded-searches.js";

/**
 * `--search-replay EVAL_ID[:VARIANT]`: every search of this evaluation is answered from what the
 * runs of an earlier one observed. Registers the `recorded` backend over those observations and
 * returns the config that uses it for text, image and page searches (the cache off, so one item's
 * answer is never served to another), and the wrapper that tells the backend whose run asks.
 */
export async function prepareSearchReplay(
  source: string,
  stores: { evals: EvalStore; runs: RunStore },
  config: LoupeConfig,
): Promise<{
  config: LoupeConfig;
  aroundItem: <T>(item: EvalItem, work: () => Promise<T>) => Promise<T>;
  runs: number;
}> {
  const [evalId, variant] = source.split(":") as [string, string | undefined];
  if (!(await stores.evals.getEvaluation(evalId)))
    throw new LoupeError("run-not-found", `--search-replay ${source}: no evaluation ${evalId} in the store.`);
  const results = (await stores.evals.results(evalId, variant)).filter(
    (result) => result.runId !== undefined,
  );
  const recorded = new RecordedSearches();
  for (const result of results) {
    const trajectory = await stores.runs.getTrajectory(result.runId!);
    if (trajectory) recorded.addRun(result.itemId, trajectory);
  }
  const backend = recordedSearchBackend(recorded);
  registerSearchBackend(RECORDED_BACKEND, () => backend, { replace: true });
  const replayed: LoupeConfig = {
    ...config,
    search: {
      ...config.search,
      backends: { text: [RECORDED_BACKEND], image: [RECORDED_BACKEND], page: [RECORDED_BACKEND] },
      cache: { ...config.search.cache, enabled: false },
      providers: {
        ...config.search.providers,
        [RECORDED_BACKEND]: searchProviderSettingsSchema.parse({ requestsPerSecond: 1000 }),
      },
    },
  };
  return {
    config: replayed,
    aroundItem: (item, work) => currentItem.run({ itemId: item.id, imageSearches: 0 }, work),
    runs: recorded.size,
  };
}
