import { describe, expect, it } from "vitest";
import { UsageChannel } from "./usage-channel.js";

describe("UsageChannel", () => {
  it("passes reports to its listener until that listener stops, and drops them with none", () => {
    const channel = new UsageChannel();
    channel.report({ promptTokens: 1, completionTokens: 1 });
    const first: number[] = [];
    const second: number[] = [];
    const stopFirst = channel.listen((usage) => first.push(usage.promptTokens));
    channel.report({ promptTokens: 5, completionTokens: 1 });
    const stopSecond = channel.listen((usage) => second.push(usage.promptTokens));
    // A run that ended earlier stopping late must not silence the run listening now.
    stopFirst();
    const { report } = channel;
    report({ promptTokens: 7, completionTokens: 1 });
    stopSecond();
    channel.report({ promptTokens: 9, completionTokens: 1 });
    expect(first).toEqual([5]);
    expect(second).toEqual([7]);
  });
});
