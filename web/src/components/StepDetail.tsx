import type { RunData, StepRecord } from "../data/run-data.js";
import { formatMs } from "../layout/step-timing.js";
import { ObservationView } from "./ObservationView.js";

/** One step: the model's reasoning and text, each call with its arguments, and what came back. */
export function StepDetail({ run, step }: { run: RunData; step: StepRecord }) {
  return (
    <section className="step-detail" aria-label={`Step ${step.index}`} data-testid="step-detail">
      <h2>
        Step {step.index}{" "}
        <span className="muted">
          model {formatMs(step.modelDurationMs)} · {step.usage.promptTokens} in /{" "}
          {step.usage.completionTokens} out · {step.output.finishReason}
        </span>
      </h2>
      {step.output.reasoning && (
        <details open>
          <summary>Reasoning</summary>
          <pre className="prose">{step.output.reasoning}</pre>
        </details>
      )}
      {step.output.content && <pre className="prose">{step.output.content}</pre>}
      {step.answer !== undefined && (
        <p className="answer">
          <strong>Answer:</strong> {step.answer}
        </p>
      )}
      {step.actionErrors.map((error) => (
        <p key={error.id} className="error" role="alert">
          Malformed call {error.id}: {error.message}
        </p>
      ))}
      {step.actions.map((action) => {
        const observation = step.observations.find((item) => item.callId === action.id);
        return (
          <div className="call" key={action.id}>
            <h3>
              {action.tool} <span className="muted">{action.id}</span>
              {observation && <span className="muted"> · {formatMs(observation.durationMs)}</span>}
            </h3>
            {!isCode(action.arguments) && <pre className="arguments">{argumentsText(action.arguments)}</pre>}
            {observation && <ObservationView run={run} action={action.arguments} observation={observation} />}
          </div>
        );
      })}
    </section>
  );
}

/** Arguments on one line when short, else indented. */
function argumentsText(value: unknown): string {
  const line = JSON.stringify(value);
  return line !== undefined && line.length <= 100 ? line : JSON.stringify(value, null, 2);
}

/** A python call's code is drawn highlighted below; its JSON would only repeat it. */
function isCode(value: unknown): boolean {
  return typeof (value as { code?: unknown } | undefined)?.code === "string";
}
