import type { ImageRecord, RunData } from "../data/run-data.js";

/** A derived image shown large, with what made it. */
export function CropZoom({ run, image, label }: { run: RunData; image: ImageRecord; label: string }) {
  const made =
    image.provenance.kind === "tool"
      ? `${madeBy(image.provenance.tool, image.provenance.operation)} ${JSON.stringify(image.provenance.parameters.box ?? image.provenance.parameters)}`
      : "input";
  return (
    <figure className="crop-zoom" data-testid="crop-zoom">
      <img src={run.imageUrl(image.id)} alt={`${label} (zoomed)`} />
      <figcaption>
        <strong>{label}</strong> · {image.width}×{image.height} · {made}
      </figcaption>
    </figure>
  );
}

/** "crop", not "crop crop": the operation is named once when it is the tool's own name. */
function madeBy(tool: string, operation: string): string {
  return operation === tool ? tool : `${tool} ${operation}`;
}
