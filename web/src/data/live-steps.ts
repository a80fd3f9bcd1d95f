/** A step as the live view builds it from run events. */
export interface LiveStep {
  step: number;
  reasoning: string;
  text: string;
  calls: { callId: string; tool: string; arguments: unknown; text?: string; durationMs?: number }[];
  answer?: string;
  error?: string;
}

// biome-ignore lint/suspicious/noExplicitAny: run events are read field by field.
type AnyEvent = { type: string; [field: string]: any };

/** The live steps after one more run event (a pure reducer: the old list is not changed). */
export function reduceEvent(steps: readonly LiveStep[], event: AnyEvent): LiveStep[] {
  if (typeof event.step !== "number") return [...steps];
  const index = steps.findIndex((step) => step.step === event.step);
  const current: LiveStep =
    index >= 0
      ? { ...steps[index]!, calls: [...steps[index]!.calls] }
      : { step: event.step, reasoning: "", text: "", calls: [] };
  switch (event.type) {
    case "reasoning-delta":
      current.reasoning += event.text;
      break;
    case "text-delta":
      current.text += event.text;
      break;
    case "tool-call-start":
      current.calls.push({ callId: event.callId, tool: event.tool, arguments: event.arguments });
      break;
    case "tool-call-end": {
      const call = current.calls.findIndex((item) => item.callId === event.callId);
      const ended = {
        callId: event.callId,
        tool: event.tool,
        arguments: current.calls[call]?.arguments,
        text: event.text,
        durationMs: event.durationMs,
      };
      if (call >= 0) current.calls[call] = ended;
      else current.calls.push(ended);
      break;
    }
    case "answer":
      current.answer = event.answer;
      break;
    case "error":
      current.error = `${event.code}: ${event.message}`;
      break;
  }
  const next = [...steps];
  if (index >= 0) next[index] = current;
  else next.push(current);
  return next.sort((a, b) => a.step - b.step);
}
