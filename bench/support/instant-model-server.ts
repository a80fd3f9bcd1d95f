import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A model server that answers instantly from a script (non-streaming OpenAI chat completions)
 * and measures its own time per request, from the first byte received to the last byte sent, so
 * benchmarks can subtract "model time" and keep only the client runtime's overhead.
 */
export interface InstantReply {
  content?: string;
  toolCall?: { name: string; arguments: object };
  /** Wait this long before answering (a model that takes time to write its turn). */
  delayMs?: number;
}

/** `script` gets the request's number since the last takeServerMs() and its parsed body. */
export async function startInstantModelServer(script: (index: number, body: unknown) => InstantReply) {
  let index = 0;
  let serverMs = 0;
  const server = createServer((request, response) => {
    const startedAt = performance.now();
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const requestBody: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      const reply = script(index++, requestBody);
      const message = reply.toolCall
        ? {
            role: "assistant",
            content: null,
            tool_calls: [
              {
                id: `call_${index}`,
                type: "function",
                function: { name: reply.toolCall.name, arguments: JSON.stringify(reply.toolCall.arguments) },
              },
            ],
          }
        : { role: "assistant", content: reply.content ?? "" };
      const body = JSON.stringify({
        id: `chatcmpl-${index}`,
        object: "chat.completion",
        created: 0,
        model: "instant",
        choices: [{ index: 0, message, finish_reason: reply.toolCall ? "tool_calls" : "stop" }],
        usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
      });
      const send = () => {
        response.writeHead(200, { "content-type": "application/json" });
        response.end(body, () => {
          serverMs += performance.now() - startedAt;
        });
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    /** Total time the server spent on requests since the last reset. */
    takeServerMs(): number {
      const total = serverMs;
      serverMs = 0;
      index = 0;
      return total;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
