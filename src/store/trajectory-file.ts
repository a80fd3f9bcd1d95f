import { rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { ImageSet } from "../core/image-set.js";
import { makeDirectory } from "../core/make-directory.js";
import type { Trajectory } from "../core/trajectory.js";

/**
 * A run as one self-contained JSON file: the trajectory with each image's bytes as base64 in its
 * record's `data` (instead of a `file` beside it). readTrajectory reads it as it reads
 * trajectory.json, so `loupe replay` and `loupe resume` take it too.
 */
export async function writeTrajectoryFile(
  path: string,
  trajectory: Trajectory,
  images: ImageSet,
): Promise<void> {
  const withData = {
    ...trajectory,
    images: trajectory.images.map(({ file: _file, ...record }) => ({
      ...record,
      data: Buffer.from(images.bytes(record.id)).toString("base64"),
    })),
  };
  makeDirectory(dirname(path), "the exported run's folder");
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(withData, null, 2)}\n`);
  await rename(temporary, path);
}
