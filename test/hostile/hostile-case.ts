import { it } from "vitest";

/**
 * One case of the hostile input suite (test/hostile/): an input an attacker or a careless user
 * could send. The file a case lives in is its family (sandbox, pages, pdfs, model-replies, config,
 * images); `bench/hostile-suite.ts` counts tried / held / failed per family. `limitMs` is what the
 * case is allowed to cost: the test fails past that plus 5 s, the suite's bound for every case.
 */
export function hostileCase(name: string, limitMs: number, body: () => Promise<void>): void {
  it(name, body, limitMs + 5_000);
}
