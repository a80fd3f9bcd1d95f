import type { RunData } from "../data/run-data.js";

/** The exact conversation the model was sent, images included, folded away until opened. */
export function RawMessages({ run }: { run: RunData }) {
  return (
    <details className="raw-messages">
      <summary>Raw messages ({run.trajectory.messages.length})</summary>
      <ol>
        {run.trajectory.messages.map((message, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the conversation is append-only.
          <li key={index} className={`message message-${message.role}`}>
            <span className="role">{message.role}</span>
            {message.role === "user" ? (
              message.content.map((part, partIndex) =>
                part.type === "text" ? (
                  // biome-ignore lint/suspicious/noArrayIndexKey: parts are fixed.
                  <pre key={partIndex}>{part.text}</pre>
                ) : (
                  <img
                    // biome-ignore lint/suspicious/noArrayIndexKey: parts are fixed.
                    key={partIndex}
                    src={run.imageUrl(part.imageId)}
                    alt={`sent to the model: ${labelOf(run, part.imageId)}`}
                    loading="lazy"
                  />
                ),
              )
            ) : message.role === "assistant" ? (
              <>
                {message.reasoning && <pre className="muted">{message.reasoning}</pre>}
                <pre>{message.content}</pre>
                {message.toolCalls?.map((call) => (
                  <pre key={call.id}>
                    {call.name}({call.arguments})
                  </pre>
                ))}
              </>
            ) : message.role === "tool" ? (
              <pre>
                [{message.toolCallId}] {message.content}
              </pre>
            ) : (
              <pre>{message.content}</pre>
            )}
          </li>
        ))}
      </ol>
    </details>
  );
}

function labelOf(run: RunData, id: string): string {
  return run.trajectory.images.find((image) => image.id === id)?.label ?? id.slice(0, 12);
}
