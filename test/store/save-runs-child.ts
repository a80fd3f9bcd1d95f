// Run by run-store-suite.ts in its own process: saves COUNT variants of the run in FOLDER to the
// store at LOCATION, each three times (as checkpoints would), so two processes write at once.

import { openRunStore } from "../../src/store/open-run-store.js";
import { readTrajectory } from "../../src/store/trajectory-folder.js";

const [location, folder, prefix, count] = process.argv.slice(2);
const { trajectory, images } = await readTrajectory(folder!, { loadImages: true });
const store = await openRunStore(location);
try {
  for (let index = 0; index < Number(count); index++) {
    const id = `${prefix}-${index}`;
    for (let save = 0; save < 3; save++)
      await store.save({
        trajectory: { ...trajectory, id, question: `${trajectory.question} ${id}` },
        images,
      });
  }
} finally {
  await store.close();
}
