import { useState } from "react";
import { droppedRun, filesOfDrop } from "../data/load-run.js";
import type { RunData } from "../data/run-data.js";

/** Anywhere on the page: drop a trajectory folder or file to open it. */
export function DropZone({ children, onRun }: { children: React.ReactNode; onRun: (run: RunData) => void }) {
  const [over, setOver] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const onDrop = async (event: React.DragEvent) => {
    if (![...event.dataTransfer.types].includes("Files")) return;
    event.preventDefault();
    setOver(false);
    try {
      onRun(await droppedRun(await filesOfDrop(event.dataTransfer)));
      setError(undefined);
    } catch (cause) {
      setError(String(cause instanceof Error ? cause.message : cause));
    }
  };
  return (
    <section
      className={over ? "drop-zone over" : "drop-zone"}
      aria-label="Drop a trajectory folder or file here to open it"
      onDragOver={(event) => {
        if (![...event.dataTransfer.types].includes("Files")) return;
        event.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {children}
    </section>
  );
}
