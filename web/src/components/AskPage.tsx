import { useCallback, useState } from "react";
import { errorText } from "../data/load-run.js";
import { routeHref } from "../data/route.js";
import { LiveRun } from "./LiveRun.js";
import { ServerRun } from "./ServerRun.js";

/** Ask: images (drop, paste or pick), a question and the run's options; watch it live, then the run view. */
export function AskPage() {
  const [images, setImages] = useState<File[]>([]);
  const [runId, setRunId] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [finished, setFinished] = useState(false);
  const onEnd = useCallback(() => setFinished(true), []);
  const addFiles = (files: Iterable<File>) =>
    setImages((old) => [...old, ...[...files].filter((file) => file.type.startsWith("image/"))]);
  const submit = async (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    for (const name of [...form.keys()]) if (form.get(name) === "") form.delete(name);
    form.delete("image");
    for (const image of images) form.append("image", image, image.name);
    setError(undefined);
    setRunId(undefined);
    setFinished(false);
    const response = await fetch("/v1/runs", { method: "POST", body: form });
    if (!response.ok) {
      setError(await errorText(response));
      return;
    }
    setRunId(((await response.json()) as { id: string }).id);
  };
  return (
    <section className="ask" aria-label="Ask">
      <h1>Ask</h1>
      <form
        onSubmit={submit}
        onPaste={(event) => addFiles(event.clipboardData.files)}
        onDragOver={(event) => event.preventDefault()}
        onDrop={(event) => {
          event.preventDefault();
          event.stopPropagation();
          addFiles(event.dataTransfer.files);
        }}
      >
        <label>
          Images (drop or paste them here too)
          <input
            type="file"
            name="image"
            accept="image/*"
            multiple
            onChange={(event) => addFiles(event.target.files ?? [])}
          />
        </label>
        {images.length > 0 && (
          <p>
            {images.map((image) => image.name).join(", ")}{" "}
            <button type="button" onClick={() => setImages([])}>
              Clear images
            </button>
          </p>
        )}
        <label>
          Question
          <textarea name="question" required rows={3} />
        </label>
        <div className="options">
          <label>
            Model <input name="model" />
          </label>
          <label>
            Dialect <input name="dialect" />
          </label>
          <label>
            Profile <input name="profile" />
          </label>
          <label>
            Tools (comma-separated) <input name="tools" />
          </label>
          <label>
            Budgets (JSON) <input name="budgets" placeholder='{"maxSteps": 6}' />
          </label>
        </div>
        <button type="submit">Ask</button>
      </form>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {runId && (
        <>
          <p>
            Run <a href={routeHref({ page: "run", id: runId })}>{runId}</a>
          </p>
          <LiveRun id={runId} onEnd={onEnd} />
          {finished && <ServerRun id={runId} />}
        </>
      )}
    </section>
  );
}
