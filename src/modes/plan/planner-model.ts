import { readFile } from "node:fs/promises";
import type { ChatModel } from "../../agent/chat-model.js";
import { type LoupeConfig, type ModelConfig, modelConfigSchema } from "../../core/config.js";
import { describeError, LoupeError } from "../../core/errors.js";
import { ChatClient } from "../../models/chat-client.js";
import { planJsonSchema } from "./plan-format.js";

/**
 * The planner: the run's own model, or the model `plan.planner` describes (its settings laid over
 * the run's `model`: another name, another server). The structured-output format asks the server
 * for `response_format: json_schema` with the plan's schema.
 */
export function plannerModel(
  config: LoupeConfig,
  executor: ChatModel,
): { model: ChatModel; settings: ModelConfig } {
  const { planner, format } = config.plan;
  const structured = format === "json-schema";
  const own = Object.keys(planner).length === 0 && !structured;
  const settings = modelConfigSchema.parse({
    ...config.model,
    ...planner,
    // A planner on another server does not get the run's key.
    ...(planner.baseUrl && planner.baseUrl !== config.model.baseUrl && !planner.apiKey
      ? { apiKey: undefined }
      : {}),
    extraBody: {
      ...config.model.extraBody,
      ...planner.extraBody,
      ...(structured
        ? {
            response_format: {
              type: "json_schema",
              json_schema: { name: "plan", schema: planJsonSchema, strict: true },
            },
          }
        : {}),
    },
    // The hosted R1V4 planner answers one turn; a transcript reply is not a plan.
    response: "turn",
  });
  return { model: own ? executor : new ChatClient(settings), settings };
}

export async function plannerPromptTemplate(config: LoupeConfig): Promise<string | undefined> {
  const path = config.plan.promptFile;
  if (path === undefined) return undefined;
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    throw new LoupeError(
      "config",
      `Cannot read the planner prompt ${path} (plan.promptFile): ${describeError(error)}`,
    );
  }
}
