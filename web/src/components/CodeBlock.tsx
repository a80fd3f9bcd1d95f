import { highlightPython } from "../layout/highlight-python.js";

/** Python source, highlighted by the viewer's small tokenizer. */
export function CodeBlock({ code }: { code: string }) {
  return (
    <pre className="code" title="Python code">
      <code>
        {highlightPython(code).map((token, index) =>
          token.kind === "text" ? (
            token.text
          ) : (
            // biome-ignore lint/suspicious/noArrayIndexKey: tokens have no identity but their place.
            <span key={index} className={`tok-${token.kind}`}>
              {token.text}
            </span>
          ),
        )}
      </code>
    </pre>
  );
}
