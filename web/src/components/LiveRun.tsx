import { useEffect, useState } from "react";
import { type LiveStep, reduceEvent } from "../data/live-steps.js";
import { formatMs } from "../layout/step-timing.js";

/** A run as it happens, over the server's SSE: reasoning and text streaming, calls, the answer. */
export function LiveRun({ id, onEnd }: { id: string; onEnd?: () => void }) {
  const [steps, setSteps] = useState<LiveStep[]>([]);
  const [ended, setEnded] = useState<string | undefined>();
  useEffect(() => {
    const source = new EventSource(`/v1/runs/${encodeURIComponent(id)}/events`);
    const types = [
      "step-start",
      "text-delta",
      "reasoning-delta",
      "tool-call-start",
      "tool-call-end",
      "answer",
      "run-end",
      "error",
    ];
    const onEvent = (message: MessageEvent<string>) => {
      const event = JSON.parse(message.data) as { type: string; stopReason?: string };
      setSteps((old) => reduceEvent(old, event));
      if (event.type === "run-end") {
        setEnded(event.stopReason ?? "ended");
        source.close();
        onEnd?.();
      }
    };
    for (const type of types) source.addEventListener(type, onEvent as EventListener);
    return () => source.close();
  }, [id, onEnd]);
  return (
    <section className="live" aria-live="polite" aria-label="Live run">
      {steps.map((step) => (
        <div key={step.step} className="live-step" data-testid={`live-step-${step.step}`}>
          <h3>Step {step.step}</h3>
          {step.reasoning && <pre className="muted">{step.reasoning}</pre>}
          {step.text && <pre>{step.text}</pre>}
          {step.calls.map((call) => (
            <div key={call.callId} className="call">
              <strong>{call.tool}</strong> <code>{JSON.stringify(call.arguments)}</code>
              {call.durationMs !== undefined ? ` · ${formatMs(call.durationMs)}` : " · running…"}
              {call.text && <pre className="observation-text">{call.text}</pre>}
            </div>
          ))}
          {step.answer !== undefined && (
            <p className="answer" data-testid="live-answer">
              <strong>Answer:</strong> {step.answer}
            </p>
          )}
          {step.error && <p className="error">{step.error}</p>}
        </div>
      ))}
      {ended && <p data-testid="live-ended">Run ended: {ended}</p>}
    </section>
  );
}
