// Gives the model a tool of your own next to Loupe's: a catalog lookup for the code it reads in
// the image. defineTool infers the arguments' type from the zod schema. Runs offline against the
// scripted model server.
//   node --import tsx examples/custom-tool.ts
import { createRunParts, defineTool, loadImages, resolveConfig, runAgent } from "loupe";
import { startModelServer } from "loupe/testing";
import { z } from "zod";

const catalog: Record<string, string> = { "RS-3": "road sign, three squares, 60 × 30 cm" };

const catalogLookup = defineTool({
  name: "catalog_lookup",
  description: "Looks up a product code in the shop's catalog.",
  parameters: z.object({ code: z.string().describe("The product code, e.g. RS-3") }),
  // `code` is a string here: typed from the schema, checked before execute runs.
  execute: async ({ code }) => catalog[code] ?? `No product has the code ${code}.`,
});

const server = await startModelServer([
  { toolCalls: [{ name: "catalog_lookup", arguments: { code: "RS-3" } }] },
  { content: "It is catalog item RS-3: a 60 × 30 cm road sign." },
]);
const config = await resolveConfig({ model: { baseUrl: server.baseUrl, name: "test-model" } });
// The model client, dialect and Loupe's own tools, wired as `ask` wires them.
const parts = await createRunParts(config);
try {
  const { trajectory } = await runAgent({
    question: "Which catalog item is the sign?",
    images: await loadImages([new URL("./street.png", import.meta.url)], config.images),
    config,
    model: parts.model,
    dialect: parts.dialect,
    tools: [...parts.tools, catalogLookup],
    onEvent: (event) => {
      if (event.type === "tool-call-end") console.log(`${event.tool}: ${event.text}`);
    },
  });
  console.log(`answer (${trajectory.stopReason}): ${trajectory.answer}`);
} finally {
  await parts.close();
  await server.close();
}
