import { readFile, rename, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { formatConfigIssues } from "../core/config.js";
import { describeError, LoupeError } from "../core/errors.js";
import { ImageSet } from "../core/image-set.js";
import { extensionForMime, type ImageRef } from "../core/images.js";
import { assertDirectoryCreatable, makeDirectory } from "../core/make-directory.js";
import { type Trajectory, trajectorySchema } from "../core/trajectory.js";

export const TRAJECTORY_FILE = "trajectory.json";

/** Where an image's bytes live inside a trajectory folder (content-addressed). */
export function imageFileName(ref: Pick<ImageRef, "id" | "mime">): string {
  return join("images", `${ref.id}.${extensionForMime(ref.mime)}`);
}

const purpose = "the trajectory folder";

/**
 * A run on disk: DIR/trajectory.json plus DIR/images/<sha256>.<ext>. Images can be written as they
 * are produced (so a crash keeps them) and the JSON is replaced atomically (a temporary file, then
 * a rename), at the end and at every checkpoint, so a reader never sees half a file.
 */
export class TrajectoryFolder {
  readonly dir: string;
  /** Images written or being written, so checkpoints and events never write one twice at once. */
  readonly #written = new Map<string, Promise<string>>();

  /**
   * Refuses a folder that cannot be written (a file of that name, a path under /proc, a parent
   * without write permission) now, before the run, rather than losing the run at its end.
   */
  constructor(dir: string) {
    assertDirectoryCreatable(dir, purpose);
    this.dir = dir;
  }

  imagePath(ref: ImageRef): string {
    return join(this.dir, imageFileName(ref));
  }

  writeImage(ref: ImageRef, bytes: Uint8Array): Promise<string> {
    const pending = this.#written.get(ref.id);
    if (pending) return pending;
    const path = this.imagePath(ref);
    const writing = (async () => {
      makeDirectory(dirname(path), purpose);
      await writeFile(path, bytes);
      return path;
    })();
    this.#written.set(ref.id, writing);
    // A failed write may be tried again.
    writing.catch(() => this.#written.delete(ref.id));
    return writing;
  }

  async write(trajectory: Trajectory, images: ImageSet): Promise<string> {
    makeDirectory(this.dir, purpose);
    for (const ref of images.list()) await this.writeImage(ref, images.bytes(ref.id));
    const withFiles: Trajectory = {
      ...trajectory,
      images: trajectory.images.map((record) => ({ ...record, file: imageFileName(record) })),
    };
    const path = join(this.dir, TRAJECTORY_FILE);
    const temporary = `${path}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(withFiles, null, 2)}\n`);
    await rename(temporary, path);
    return path;
  }
}

/**
 * Reads and validates a trajectory from its folder or its JSON file; loads image bytes on request.
 * An image record may carry its bytes as base64 in `data` instead of a `file` (the one
 * self-contained file `loupe runs export --file` writes, store/trajectory-file.ts).
 */
export async function readTrajectory(
  location: string,
  options: { loadImages?: boolean } = {},
): Promise<{ trajectory: Trajectory; images: ImageSet; dir: string }> {
  const isDir = (await stat(location).catch(() => undefined))?.isDirectory() ?? false;
  const file = isDir ? join(location, TRAJECTORY_FILE) : location;
  const dir = dirname(file);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new LoupeError("trajectory-invalid", `Cannot read trajectory ${file}: ${describeError(error)}`);
  }
  const embedded = embeddedImages(raw);
  const parsed = trajectorySchema.safeParse(raw);
  if (!parsed.success) {
    throw new LoupeError(
      "trajectory-invalid",
      `${file} is not a valid Loupe trajectory:\n${formatConfigIssues(parsed.error)}`,
    );
  }
  const images = new ImageSet();
  for (const record of parsed.data.images) {
    const data = embedded.get(record.id);
    const bytes = !options.loadImages
      ? undefined
      : data !== undefined
        ? Buffer.from(data, "base64")
        : record.file
          ? await readFile(join(dir, record.file)).catch(() => undefined)
          : undefined;
    const { file: _file, ...ref } = record;
    images.restore(ref, bytes ? new Uint8Array(bytes) : undefined);
  }
  return { trajectory: parsed.data, images, dir };
}

/** The base64 bytes of the image records that carry them (`data`), by image id. */
function embeddedImages(raw: unknown): Map<string, string> {
  const found = new Map<string, string>();
  const images = (raw as { images?: unknown } | null)?.images;
  if (!Array.isArray(images)) return found;
  for (const image of images) {
    const { id, data } = (image ?? {}) as { id?: unknown; data?: unknown };
    if (typeof id === "string" && typeof data === "string") found.set(id, data);
  }
  return found;
}
