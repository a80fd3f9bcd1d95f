import type { RunData, StepRecord } from "../data/run-data.js";
import { CodeResult } from "./CodeResult.js";
import { PageVisits } from "./PageVisits.js";
import { SearchResults } from "./SearchResults.js";

type Observation = StepRecord["observations"][number];

interface OutputData {
  kind?: string;
  [field: string]: unknown;
}

/** What a call returned, drawn by kind (search cards, pages, code), else its text; its images. */
export function ObservationView({
  run,
  action,
  observation,
}: {
  run: RunData;
  action: unknown;
  observation: Observation;
}) {
  const data = (observation.data ?? {}) as OutputData;
  let body: React.ReactNode;
  if (data.kind === "text-search" || data.kind === "image-search")
    body = <SearchResults run={run} data={data} />;
  else if (data.kind === "web-visit") body = <PageVisits data={data} />;
  else if (data.kind === "code") body = <CodeResult action={action} data={data} />;
  else body = <pre className="observation-text">{observation.text}</pre>;
  return (
    <div className={observation.isError ? "observation error-border" : "observation"}>
      {observation.isError && <p className="error">The call failed.</p>}
      {body}
      {observation.images.length > 0 && (
        <div className="returned-images">
          {observation.images.map((id) => {
            const record = run.trajectory.images.find((image) => image.id === id);
            return (
              <img
                key={id}
                src={run.imageUrl(id)}
                alt={record ? `${record.label} (returned)` : "returned image"}
                loading="lazy"
              />
            );
          })}
        </div>
      )}
    </div>
  );
}
