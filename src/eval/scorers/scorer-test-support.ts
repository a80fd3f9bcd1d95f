import type { EvalItem } from "../eval-item.js";

/** An EvalItem for scorer tests: the fields a test names, the rest empty. */
export function testItem(fields: Partial<EvalItem> & { answer: string }): EvalItem {
  return { id: "1", benchmark: "generic", question: "What is shown?", images: [], meta: {}, ...fields };
}
