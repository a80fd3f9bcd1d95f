import type { ImageRecord, RunData } from "../data/run-data.js";
import { placeInOriginal } from "../layout/box-in-original.js";
import { boxOnScreen } from "../layout/box-on-screen.js";
import { imageLabel } from "../layout/image-tree.js";

/** An original image with a labelled box for every image derived from it, where it lies. */
export function OriginalWithBoxes({
  run,
  root,
  highlighted,
  chosen,
  onChoose,
}: {
  run: RunData;
  root: ImageRecord;
  highlighted: readonly string[];
  chosen: string | undefined;
  onChoose: (id: string) => void;
}) {
  const placed = run.trajectory.images.flatMap((image) => {
    const place = placeInOriginal(run.trajectory.images, image.id);
    return place && place.root === root.id ? [{ image, box: place.box }] : [];
  });
  return (
    <figure className="original">
      <div className="original-frame" data-testid={`original-${root.id}`}>
        <img
          src={run.imageUrl(root.id)}
          alt={`${root.label}, ${root.width}×${root.height} (original)`}
          width={root.width}
          height={root.height}
        />
        {placed.map(({ image, box }) => {
          const screen = boxOnScreen(box, root.width, root.height);
          const classes = ["crop-box"];
          if (highlighted.includes(image.id)) classes.push("in-step");
          if (chosen === image.id) classes.push("chosen");
          return (
            <button
              type="button"
              key={image.id}
              className={classes.join(" ")}
              data-testid={`box-${image.id}`}
              data-box={box.map((value) => Math.round(value)).join(",")}
              aria-label={`${imageLabel(image)}: pixels ${box.map((value) => Math.round(value)).join(", ")} of ${root.label}`}
              aria-pressed={chosen === image.id}
              onClick={() => onChoose(image.id)}
              style={{
                left: `${screen.left}%`,
                top: `${screen.top}%`,
                width: `${screen.width}%`,
                height: `${screen.height}%`,
              }}
            >
              <span className="crop-label">{imageLabel(image)}</span>
            </button>
          );
        })}
      </div>
      <figcaption>
        {root.label} · {root.width}×{root.height}
        {root.provenance.kind === "input" ? ` · ${root.provenance.source}` : ""}
      </figcaption>
    </figure>
  );
}
