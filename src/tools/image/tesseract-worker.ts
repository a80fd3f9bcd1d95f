import { createRequire } from "node:module";
import { createWorker, type Worker } from "tesseract.js";

/**
 * One tesseract worker per process, shared by the runs using it and terminated when the last of
 * them ends. Starting a worker loads ~10 MB of language data, so runs must not each start their own.
 * The English data comes from the installed @tesseract.js-data/eng package: with langPath and
 * gzip set, and caching off, tesseract.js reads it from disk and downloads nothing.
 */
interface TesseractLanguageData {
  code: string;
  gzip: boolean;
  langPath: string;
}

const require = createRequire(import.meta.url);

export function englishLanguageData(): TesseractLanguageData {
  return require("@tesseract.js-data/eng") as TesseractLanguageData;
}

let sharedWorker: Promise<Worker> | undefined;
const holders = new Set<object>();

/** The shared worker, started on first use; `holder` (a run's state map) keeps it alive. */
export function acquireTesseractWorker(holder: object): Promise<Worker> {
  holders.add(holder);
  if (!sharedWorker) {
    const language = englishLanguageData();
    const starting = createWorker(language.code, undefined, {
      langPath: language.langPath,
      gzip: language.gzip,
      cacheMethod: "none",
    });
    sharedWorker = starting;
    starting.catch(() => {
      if (sharedWorker === starting) sharedWorker = undefined;
    });
  }
  return sharedWorker;
}

/** Lets go of the worker for `holder`; the last holder out terminates it. */
export async function releaseTesseractWorker(holder: object): Promise<void> {
  if (!holders.delete(holder) || holders.size > 0 || !sharedWorker) return;
  const worker = sharedWorker;
  sharedWorker = undefined;
  try {
    await (await worker).terminate();
  } catch {
    // A worker that failed to start has nothing to terminate.
  }
}
