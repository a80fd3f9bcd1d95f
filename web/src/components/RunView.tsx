import { useState } from "react";
import type { RunData } from "../data/run-data.js";
import { useStepKeys } from "../data/use-step-keys.js";
import { ImagePanel } from "./ImagePanel.js";
import { RawMessages } from "./RawMessages.js";
import { RunHeader } from "./RunHeader.js";
import { StepDetail } from "./StepDetail.js";
import { StepTimeline } from "./StepTimeline.js";

/** One run: what was asked and how it ended, the steps, the images and the raw conversation. */
export function RunView({ run }: { run: RunData }) {
  const { trajectory } = run;
  const [selected, setSelected] = useState(0);
  useStepKeys(trajectory.steps.length, setSelected);
  const step = trajectory.steps[selected];
  const stepImages = step ? step.observations.flatMap((observation) => observation.images) : [];
  return (
    <article className="run-view" aria-label={`Run ${trajectory.id}`}>
      <RunHeader trajectory={trajectory} />
      <div className="run-columns">
        <StepTimeline steps={trajectory.steps} selected={selected} onSelect={setSelected} />
        <div className="run-detail">
          <ImagePanel key={selected} run={run} highlighted={stepImages} />
          {step ? <StepDetail run={run} step={step} /> : <p>No steps were recorded.</p>}
        </div>
      </div>
      <RawMessages run={run} />
    </article>
  );
}
