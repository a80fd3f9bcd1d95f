import { useEffect, useState } from "react";
import { serverRun } from "../data/load-run.js";
import type { RunData } from "../data/run-data.js";
import { RunView } from "./RunView.js";

/** A run from the server, by id. */
export function ServerRun({ id }: { id: string }) {
  const [run, setRun] = useState<RunData | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    const abort = new AbortController();
    setRun(undefined);
    setError(undefined);
    serverRun(id, abort.signal).then(setRun, (cause: unknown) => {
      if (!abort.signal.aborted) setError(cause instanceof Error ? cause.message : String(cause));
    });
    return () => abort.abort();
  }, [id]);
  if (error)
    return (
      <p role="alert" className="error">
        {error}
      </p>
    );
  if (!run) return <p aria-busy="true">Loading run {id}…</p>;
  return <RunView run={run} />;
}
