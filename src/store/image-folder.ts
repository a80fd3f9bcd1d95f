import { existsSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describeError, LoupeError } from "../core/errors.js";
import { extensionForMime } from "../core/images.js";
import { makeDirectory } from "../core/make-directory.js";

/**
 * A folder of content-addressed image files, `<sha256>.<ext>`, each written once: the SQLite
 * store's images, beside its database file. Synchronous, because the store writes and removes
 * files inside its database transactions (see sqlite-run-store.ts: a removal that deletes a file
 * and a save that needs it are then never interleaved).
 */
export class ImageFolder {
  constructor(readonly dir: string) {}

  pathOf(id: string, mime: string): string {
    return join(this.dir, `${id}.${extensionForMime(mime)}`);
  }

  /** Writes the bytes unless the file is there; a temporary file and a rename, so no reader sees half. */
  ensure(id: string, mime: string, bytes: Uint8Array): void {
    const path = this.pathOf(id, mime);
    if (existsSync(path)) return;
    try {
      makeDirectory(this.dir, "the run store's image folder");
      const temporary = `${path}.${process.pid}.tmp`;
      writeFileSync(temporary, bytes);
      renameSync(temporary, path);
    } catch (error) {
      throw new LoupeError("store", `Cannot write image ${path}: ${describeError(error)}`, { cause: error });
    }
  }

  read(id: string, mime: string): Uint8Array | undefined {
    try {
      return new Uint8Array(readFileSync(this.pathOf(id, mime)));
    } catch {
      return undefined;
    }
  }

  remove(id: string, mime: string): void {
    try {
      unlinkSync(this.pathOf(id, mime));
    } catch {
      // Already gone: removing is idempotent.
    }
  }
}
