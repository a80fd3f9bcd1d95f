import type { RunData } from "../data/run-data.js";
import { type ImageNode, imageLabel, imageTree } from "../layout/image-tree.js";

/** The tree of derived images, each a thumbnail that chooses it. */
export function ImageTree({
  run,
  chosen,
  onChoose,
}: {
  run: RunData;
  chosen: string | undefined;
  onChoose: (id: string) => void;
}) {
  const tree = imageTree(run.trajectory.images);
  const render = (nodes: ImageNode[]) => (
    <ul>
      {nodes.map((node) => (
        <li key={node.image.id}>
          <button
            type="button"
            className={chosen === node.image.id ? "tree-item chosen" : "tree-item"}
            onClick={() => onChoose(node.image.id)}
            aria-pressed={chosen === node.image.id}
          >
            <img src={run.imageUrl(node.image.id)} alt="" loading="lazy" />
            <span>
              {imageLabel(node.image)}
              {node.image.provenance.kind === "tool"
                ? ` · ${node.image.provenance.operation}, step ${node.image.provenance.step}`
                : ""}
            </span>
          </button>
          {node.children.length > 0 && render(node.children)}
        </li>
      ))}
    </ul>
  );
  return (
    <nav className="image-tree" aria-label="Derived images">
      {render(tree)}
    </nav>
  );
}
