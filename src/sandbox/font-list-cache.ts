import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { makeDirectory } from "../core/make-directory.js";
import { loupeHome } from "../core/paths.js";
import type { FontList } from "./bwrap-command.js";

/**
 * matplotlib's font list, kept between sandbox sessions: each session starts with a private,
 * empty MPLCONFIGDIR, where matplotlib would otherwise rebuild the list on import (about 0.1 s of
 * a 0.6 s start). A session reports the list it built before running any user code
 * (SandboxSession.builtFontList); this keeps it in memory and, unless `file` is false, in a JSON
 * file for later processes, tagged with the Python it came from. Only sessions read it, and a
 * list matplotlib finds stale or broken it simply rebuilds, so a bad file costs time, never a run.
 */
export class FontListCache {
  readonly #pythonPath: string;
  readonly #file: string | undefined;
  #list: FontList | undefined;
  #loaded = false;

  constructor(pythonPath: string, file?: string | false) {
    this.#pythonPath = pythonPath;
    this.#file = file === false ? undefined : (file ?? defaultFontListFile());
  }

  get(): FontList | undefined {
    if (!this.#loaded) {
      this.#loaded = true;
      this.#list ??= this.#read();
    }
    return this.#list;
  }

  set(list: FontList): void {
    this.#list = list;
    this.#loaded = true;
    if (!this.#file) return;
    try {
      makeDirectory(dirname(this.#file), "the sandbox font list cache");
      const temporary = `${this.#file}.${process.pid}.tmp`;
      writeFileSync(temporary, JSON.stringify({ python: this.#pythonPath, ...list }));
      renameSync(temporary, this.#file);
    } catch {
      // A cache: the next process builds the list again.
    }
  }

  #read(): FontList | undefined {
    if (!this.#file) return undefined;
    try {
      const saved = JSON.parse(readFileSync(this.#file, "utf8")) as Record<string, unknown>;
      const { python, name, text } = saved;
      if (python !== this.#pythonPath || typeof name !== "string" || typeof text !== "string")
        return undefined;
      if (!/^fontlist-v\d+\.json$/.test(name)) return undefined;
      return { name, text };
    } catch {
      return undefined;
    }
  }
}

function defaultFontListFile(): string | undefined {
  try {
    return join(loupeHome(), "cache", "sandbox-font-list.json");
  } catch {
    return undefined;
  }
}
