import { useEffect, useRef } from "react";
import type { StepRecord } from "../data/run-data.js";
import { formatMs, stepTimings } from "../layout/step-timing.js";

/** The steps as a list of bars (model time, tool time) with tokens; j/k or the arrows move. */
export function StepTimeline({
  steps,
  selected,
  onSelect,
}: {
  steps: readonly StepRecord[];
  selected: number;
  onSelect: (index: number) => void;
}) {
  const timings = stepTimings(steps);
  const list = useRef<HTMLOListElement>(null);
  // The chosen step stays in sight (and takes the focus from j/k) on a long run.
  useEffect(() => {
    const button = list.current?.querySelectorAll<HTMLButtonElement>(".step-button")[selected];
    button?.scrollIntoView({ block: "nearest" });
    if (button && document.activeElement?.classList.contains("step-button")) button.focus();
  }, [selected]);
  return (
    <nav className="timeline" aria-label="Steps (j/k or arrow keys to move)">
      <ol ref={list}>
        {timings.map((timing, position) => {
          const step = steps[position]!;
          const tools = step.actions.map((action) => action.tool).join(", ");
          return (
            <li key={timing.index}>
              <button
                type="button"
                className={position === selected ? "step-button selected" : "step-button"}
                aria-current={position === selected ? "step" : undefined}
                onClick={() => onSelect(position)}
                data-testid={`step-${timing.index}`}
              >
                <span className="step-title">
                  Step {timing.index}
                  {step.answer !== undefined ? " · answer" : tools ? ` · ${tools}` : ""}
                </span>
                <span className="bars" aria-hidden="true">
                  <span className="bar model" style={{ width: `${timing.modelShare * 100}%` }} />
                  <span className="bar tool" style={{ width: `${timing.toolShare * 100}%` }} />
                </span>
                <span className="step-figures">
                  model {formatMs(timing.modelMs)} · tools {formatMs(timing.toolMs)} · {timing.tokens} tokens
                </span>
              </button>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
