// Asks a question about a photo; the model zooms into the sign before it answers, and every
// event of the run is printed as it happens. Runs offline against Loupe's scripted model server:
// to ask a real model, set `model` to your server (vLLM, Ollama, ...) and drop the script.
//   node --import tsx examples/ask-with-zoom.ts
import { streamAsk } from "loupe";
import { startModelServer } from "loupe/testing";

const server = await startModelServer([
  { toolCalls: [{ name: "crop", arguments: { image: "image_1", box: [400, 40, 520, 100] } }] },
  { content: "The sign shows three red squares on white." },
]);
const run = streamAsk({
  model: { baseUrl: server.baseUrl, name: "test-model" },
  images: [new URL("./street.png", import.meta.url)],
  question: "What is on the sign?",
  tools: ["crop"],
});
for await (const event of run) {
  if (event.type === "tool-call-start")
    console.log(`${event.type}: ${event.tool} ${JSON.stringify(event.arguments)}`);
  else if (event.type === "tool-call-end") console.log(`${event.type}: ${event.text}`);
  else if (event.type !== "text-delta") console.log(event.type);
}
const { answer, stopReason } = await run.result;
console.log(`answer (${stopReason}): ${answer}`);
await server.close();
