import { useState } from "react";
import type { RunData } from "../data/run-data.js";
import { placeInOriginal } from "../layout/box-in-original.js";
import { imageLabel } from "../layout/image-tree.js";
import { CropZoom } from "./CropZoom.js";
import { ImageTree } from "./ImageTree.js";
import { OriginalWithBoxes } from "./OriginalWithBoxes.js";

/**
 * Each original image with every image derived from it drawn as a box where it lies, the chosen
 * crop zoomed beside it, and the tree of derived images. The step's first derived image is chosen
 * until another is picked (RunView keys the panel by step, so a new step starts afresh).
 */
export function ImagePanel({ run, highlighted }: { run: RunData; highlighted: readonly string[] }) {
  const { images } = run.trajectory;
  const [picked, setPicked] = useState<string | undefined>();
  const stepImage = highlighted.find((id) => placeInOriginal(images, id));
  const chosen = picked ?? stepImage;
  const chosenRecord = images.find((image) => image.id === chosen);
  const roots = images.filter(
    (image) =>
      image.provenance.kind === "input" || (image.provenance.kind === "tool" && !image.provenance.parent),
  );
  if (images.length === 0) return null;
  return (
    <section className="image-panel" aria-label="Images">
      <div className="image-pair">
        {roots.map((root) => (
          <OriginalWithBoxes
            key={root.id}
            run={run}
            root={root}
            highlighted={highlighted}
            chosen={chosen}
            onChoose={setPicked}
          />
        ))}
        {chosenRecord && <CropZoom run={run} image={chosenRecord} label={imageLabel(chosenRecord)} />}
      </div>
      <ImageTree run={run} chosen={chosen} onChoose={setPicked} />
    </section>
  );
}
