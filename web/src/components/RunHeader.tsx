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
        <Fact name="Stop reason" testId="stop-reason">
          {trajectory.stopReason}
          {trajectory.stopDescription ? ` (${trajectory.stopDescription})` : ""}
        </Fact>
        <Fact name="Model">{trajectory.config.model}</Fact>
        <Fact name="Dialect">{trajectory.config.dialect}</Fact>
        <Fact name="Steps">
          {used.steps}
          {limit("maxSteps")}
        </Fact>
        <Fact name="Tool calls">
          {used.toolCalls}
          {limit("maxToolCalls")}
        </Fact>
        <Fact name="Tokens">
          {used.usage.promptTokens} in, {used.usage.completionTokens} out{limit("maxTokens")}
        </Fact>
        <Fact name="Time">{formatMs(used.wallMs)}</Fact>
        <Fact name="Created">
          <time dateTime={trajectory.createdAt}>{trajectory.createdAt.replace("T", " ").slice(0, 19)}</time>
        </Fact>
      </dl>
      {trajectory.error && (
        <p role="alert" className="error">
          {trajectory.error.code}: {trajectory.error.message}
        </p>
      )}
    </header>
  );
}

/** One name and value of the header's list, kept together when the list wraps. */
function Fact({ name, testId, children }: { name: string; testId?: string; children: React.ReactNode }) {
  return (
    <div className="fact">
      <dt>{name}</dt>
      <dd data-testid={testId}>{children}</dd>
    </div>
  );
}
