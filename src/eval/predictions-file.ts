import { readFile } from "node:fs/promises";
import { describeError, LoupeError } from "../core/errors.js";

/**
 * A predictions file: JSONL, one `{"id": ..., "response": "..."}` a line, `id` being the
 * benchmark's own item id (a number is read as its decimal string). Blank lines are skipped; a
 * line that is not such an object, or an id given twice, is an error naming the line.
 */
export async function readPredictions(path: string): Promise<Map<string, string>> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new LoupeError("eval-data", `Cannot read the predictions file ${path}: ${describeError(error)}`);
  }
  return parsePredictions(text, path);
}

export function parsePredictions(text: string, source: string): Map<string, string> {
  const predictions = new Map<string, string>();
  const lines = text.split("\n");
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.trim();
    if (line === "") continue;
    const where = `${source} line ${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new LoupeError("eval-data", `${where} is not JSON: ${describeError(error)}`);
    }
    if (!value || typeof value !== "object" || Array.isArray(value)) {
      throw new LoupeError("eval-data", `${where} is not an object with "id" and "response".`);
    }
    const { id, response } = value as { id?: unknown; response?: unknown };
    if (typeof id !== "string" && typeof id !== "number") {
      throw new LoupeError("eval-data", `${where} has no "id" (a string or a number).`);
    }
    if (typeof response !== "string") {
      throw new LoupeError("eval-data", `${where} has no "response" string.`);
    }
    const key = String(id);
    if (predictions.has(key))
      throw new LoupeError("eval-data", `${where} repeats the id ${JSON.stringify(key)}.`);
    predictions.set(key, response);
  }
  return predictions;
}
