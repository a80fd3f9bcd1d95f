import type { Trajectory } from "../data/run-data.js";
import { formatMs } from "../layout/step-timing.js";

/** The question, the answer, how the run stopped and what it spent against its budgets. */
export function RunHeader({ trajectory }: { trajectory: Trajectory }) {
  const used = trajectory.budgetsUsed;
  const budgets = trajectory.config.budgets;
  const limit = (name: string) => (typeof budgets[name] === "number" ? ` / ${budgets[name]}` : "");
  return (
    <header className="run-header">
      <h1>{trajectory.question}</h1>
      {trajectory.choices && (
        <ol className="choices" type="A">
          {trajectory.choices.map((choice) => (
            <li key={choice}>{choice}</li>
          ))}
        </ol>
      )}
      <p className="answer" data-testid="answer">
        <strong>Answer:</strong> {trajectory.answer ?? <em>none</em>}
      </p>
      <dl className="facts">
        <dt>Stop reason</dt>
        <dd data-testid="stop-reason">
          {trajectory.stopReason}
          {trajectory.stopDescription ? ` (${trajectory.stopDescription})` : ""}
        </dd>
        <dt>Model</dt>
        <dd>{trajectory.config.model}</dd>
        <dt>Dialect</dt>
        <dd>{trajectory.config.dialect}</dd>
        <dt>Steps</dt>
        <dd>
          {used.steps}
          {limit("maxSteps")}
        </dd>
        <dt>Tool calls</dt>
        <dd>
          {used.toolCalls}
          {limit("maxToolCalls")}
        </dd>
        <dt>Tokens</dt>
        <dd>
          {used.usage.promptTokens} in, {used.usage.completionTokens} out{limit("maxTokens")}
        </dd>
        <dt>Time</dt>
        <dd>{formatMs(used.wallMs)}</dd>
        <dt>Created</dt>
        <dd>
          <time dateTime={trajectory.createdAt}>{trajectory.createdAt.replace("T", " ").slice(0, 19)}</time>
        </dd>
      </dl>
      {trajectory.error && (
        <p role="alert" className="error">
          {trajectory.error.code}: {trajectory.error.message}
        </p>
      )}
    </header>
  );
}
