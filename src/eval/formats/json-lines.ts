import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { evalDataError } from "../eval-data-error.js";
import type { DataRow } from "./data-row.js";

/** The rows of a JSONL file, one line at a time (blank lines skipped); each line must be an object. */
export async function* readJsonLines(file: string): AsyncGenerator<DataRow> {
  const lines = createInterface({ input: createReadStream(file, { encoding: "utf8" }), crlfDelay: Infinity });
  let row = 0;
  for await (const line of lines) {
    row += 1;
    if (line.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw evalDataError(
        { file, row },
        `not valid JSON (${error instanceof Error ? error.message : String(error)})`,
      );
    }
    if (value === null || typeof value !== "object" || Array.isArray(value))
      throw evalDataError({ file, row }, "each line must be a JSON object");
    yield { file, row, values: value as Record<string, unknown> };
  }
}
