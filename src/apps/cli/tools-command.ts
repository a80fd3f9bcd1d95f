import { Command } from "commander";
import pc from "picocolors";
import { z } from "zod";
import { imageConfigSchema, loupeConfigSchema } from "../../core/config.js";
import { createToolbox } from "../../tools/registry.js";

export function toolsCommand(): Command {
  return new Command("tools")
    .description("list the tools a model can use, with their argument schemas")
    .option("--json", "print the tools and JSON schemas as JSON")
    .action(async (flags: { json?: boolean }) => {
      const config = loupeConfigSchema.parse({
        model: { baseUrl: "http://127.0.0.1/v1", name: "unused" },
        images: imageConfigSchema.parse({}),
      });
      const { tools } = createToolbox(config);
      const described = tools.map((tool) => ({
        name: tool.name,
        description: tool.description,
        parameters: z.toJSONSchema(tool.parameters, { io: "input" }),
      }));
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(described, null, 2)}\n`);
        return;
      }
      for (const tool of described) {
        process.stdout.write(`${pc.bold(tool.name)}  ${tool.description}\n`);
        const properties = (
          tool.parameters as { properties?: Record<string, { description?: string; type?: unknown }> }
        ).properties;
        for (const [name, schema] of Object.entries(properties ?? {})) {
          process.stdout.write(
            pc.dim(
              `    ${name}${schema.type ? `: ${String(schema.type)}` : ""}  ${schema.description ?? ""}\n`,
            ),
          );
        }
      }
    });
}
