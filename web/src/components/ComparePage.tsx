import { useEffect, useState } from "react";
import { serverRun } from "../data/load-run.js";
import type { RunData } from "../data/run-data.js";
import { RunHeader } from "./RunHeader.js";
import { StepDetail } from "./StepDetail.js";

/** Two runs side by side, step against step. */
export function ComparePage({ left, right }: { left: string; right: string }) {
  const [runs, setRuns] = useState<[RunData, RunData] | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    Promise.all([serverRun(left), serverRun(right)]).then(setRuns, (cause: unknown) =>
      setError(cause instanceof Error ? cause.message : String(cause)),
    );
  }, [left, right]);
  if (error)
    return (
      <p role="alert" className="error">
        {error}
      </p>
    );
  if (!runs) return <p aria-busy="true">Loading…</p>;
  const rows = Math.max(runs[0].trajectory.steps.length, runs[1].trajectory.steps.length);
  return (
    <section className="compare" aria-label="Compare two runs">
      <div className="compare-row">
        {runs.map((run) => (
          <RunHeader key={run.trajectory.id} trajectory={run.trajectory} />
        ))}
      </div>
      {Array.from({ length: rows }, (_, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows are step numbers.
        <div className="compare-row" key={index} data-testid={`compare-step-${index}`}>
          {runs.map((run) => {
            const step = run.trajectory.steps[index];
            return step ? (
              <StepDetail key={run.trajectory.id} run={run} step={step} />
            ) : (
              <p key={run.trajectory.id} className="muted">
                No step {index + 1}.
              </p>
            );
          })}
        </div>
      ))}
    </section>
  );
}
