import type { Context } from "hono";
import { describeError } from "../../core/errors.js";
import { badRequest } from "./api-error.js";

/** The request body as JSON, or a 400 that says where it stops being JSON. */
export async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (!text.trim()) throw badRequest("invalid_json", "The request body is empty: send a JSON object.");
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badRequest("invalid_json", `The request body is not valid JSON: ${describeError(error)}.`);
  }
}
