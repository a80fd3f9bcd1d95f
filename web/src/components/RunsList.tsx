import { useEffect, useState } from "react";
import { errorText } from "../data/load-run.js";
import { routeHref } from "../data/route.js";

interface RunSummary {
  id: string;
  createdAt: string;
  question: string;
  answer?: string;
  model: string;
  dialect: string;
  stopReason: string;
  toolsUsed: string[];
  steps: number;
}

const stopReasons = [
  "answer",
  "no-action",
  "budget-steps",
  "budget-tool-calls",
  "budget-tokens",
  "budget-time",
  "repeated-action",
  "budget-cost",
  "stop-condition",
  "paused",
  "cancelled",
  "error",
];
const fields = ["text", "model", "dialect", "tool_used", "since", "until"] as const;

/** The server's runs (GET /v1/runs) with its filters; two ticked runs open side by side. */
export function RunsList() {
  const [filter, setFilter] = useState<Record<string, string>>({});
  const [runs, setRuns] = useState<RunSummary[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [ticked, setTicked] = useState<string[]>([]);
  useEffect(() => {
    const abort = new AbortController();
    const query = new URLSearchParams(Object.entries(filter).filter(([, value]) => value));
    fetch(`/v1/runs?${query}`, { signal: abort.signal })
      .then(async (response) => {
        if (!response.ok) throw new Error(await errorText(response));
        setRuns(((await response.json()) as { data: RunSummary[] }).data);
        setError(undefined);
      })
      .catch((cause: unknown) => {
        if (!abort.signal.aborted) setError(cause instanceof Error ? cause.message : String(cause));
      });
    return () => abort.abort();
  }, [filter]);
  const set = (name: string, value: string) => setFilter((old) => ({ ...old, [name]: value }));
  const tick = (id: string) =>
    setTicked((old) => (old.includes(id) ? old.filter((item) => item !== id) : [...old, id].slice(-2)));
  return (
    <section className="runs-list" aria-label="Runs">
      <h1>Runs</h1>
      <form className="filters" onSubmit={(event) => event.preventDefault()}>
        {fields.map((name) => (
          <label key={name}>
            {name.replace("_", " ")}
            <input
              name={name}
              type={name === "since" || name === "until" ? "date" : "search"}
              value={filter[name] ?? ""}
              onChange={(event) => set(name, event.target.value)}
            />
          </label>
        ))}
        <label>
          stop reason
          <select
            name="stop_reason"
            value={filter.stop_reason ?? ""}
            onChange={(event) => set("stop_reason", event.target.value)}
          >
            <option value="">any</option>
            {stopReasons.map((reason) => (
              <option key={reason}>{reason}</option>
            ))}
          </select>
        </label>
      </form>
      {ticked.length === 2 && (
        <a className="button" href={routeHref({ page: "compare", left: ticked[0]!, right: ticked[1]! })}>
          Compare the two ticked runs
        </a>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {runs && runs.length === 0 && <p>No runs match.</p>}
      {runs && runs.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">Compare</th>
              <th scope="col">Question</th>
              <th scope="col">Answer</th>
              <th scope="col">Model</th>
              <th scope="col">Stop</th>
              <th scope="col">Tools</th>
              <th scope="col">Steps</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((run) => (
              <tr key={run.id}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Compare run ${run.id}`}
                    checked={ticked.includes(run.id)}
                    onChange={() => tick(run.id)}
                  />
                </td>
                <td>
                  <a href={routeHref({ page: "run", id: run.id })}>{run.question}</a>
                </td>
                <td>{run.answer ?? ""}</td>
                <td>
                  {run.model} <span className="muted">{run.dialect}</span>
                </td>
                <td>{run.stopReason}</td>
                <td>{run.toolsUsed.join(", ")}</td>
                <td>{run.steps}</td>
                <td>{run.createdAt.replace("T", " ").slice(0, 16)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
