import { CodeBlock } from "./CodeBlock.js";

/** A python call: its code, stdout, stderr, the last expression's value and any error. */
export function CodeResult({ action, data }: { action: unknown; data: Record<string, unknown> }) {
  const code = (action as { code?: unknown } | undefined)?.code;
  const text = (name: string) =>
    typeof data[name] === "string" && data[name] ? (data[name] as string) : undefined;
  return (
    <div className="code-result">
      {typeof code === "string" && <CodeBlock code={code} />}
      {text("stdout") && <Output label="stdout" text={text("stdout")!} />}
      {text("stderr") && <Output label="stderr" text={text("stderr")!} />}
      {text("result") && <Output label="result" text={text("result")!} />}
      {text("error") && <Output label="error" text={text("error")!} />}
      {data.restarted === true && <p className="error">The sandbox restarted: earlier variables are gone.</p>}
    </div>
  );
}

function Output({ label, text }: { label: string; text: string }) {
  return (
    <div className={`output output-${label}`}>
      <span className="output-label">{label}</span>
      <pre>{text}</pre>
    </div>
  );
}
