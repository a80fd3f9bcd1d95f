import { describe, expect, it } from "vitest";
import {
  bytes,
  count,
  maxTimerMs,
  milliseconds,
  numberBetween,
  timerSeconds,
  wholeSeconds,
} from "./config-numbers.js";

function messageOf(result: {
  success: boolean;
  error?: { issues: { message: string }[] };
}): string | undefined {
  return result.success ? undefined : result.error?.issues[0]?.message;
}

describe("config number fields", () => {
  it("milliseconds are whole and fit a Node timer", () => {
    expect(milliseconds().parse(1)).toBe(1);
    expect(milliseconds().parse(maxTimerMs)).toBe(maxTimerMs);
    expect(messageOf(milliseconds().safeParse(maxTimerMs + 1))).toBe(
      "must be at most 2147483647 ms (about 24.8 days), got 2147483648",
    );
    expect(messageOf(milliseconds().safeParse(0))).toBe("must be at least 1 ms, got 0");
    expect(messageOf(milliseconds().safeParse(1.5))).toBe("must be a whole number, got 1.5");
  });

  it("timer seconds allow fractions down to a millisecond", () => {
    expect(timerSeconds().parse(0.5)).toBe(0.5);
    expect(messageOf(timerSeconds().safeParse(0.0001))).toBe("must be at least 0.001 seconds, got 0.0001");
    expect(messageOf(timerSeconds().safeParse(1e12))).toMatch(
      /^must be at most 2147483\.647 seconds \(about 24\.8 days\)/,
    );
  });

  it("counts are whole, from 1 unless told otherwise", () => {
    expect(messageOf(count().safeParse(0.5))).toBe("must be a whole number, got 0.5");
    expect(messageOf(count().safeParse(0))).toBe("must be at least 1, got 0");
    expect(count({ min: 0 }).parse(0)).toBe(0);
    expect(messageOf(count({ max: 100 }).safeParse(101))).toBe("must be at most 100, got 101");
    expect(messageOf(count().safeParse(2 ** 60))).toMatch(/^must be at most 9007199254740991/);
  });

  it("names the wrong type in words", () => {
    expect(messageOf(count().safeParse("12"))).toBe('must be a number, got the text "12"');
    expect(messageOf(count().safeParse(null))).toBe("must be a number, got null");
    expect(messageOf(count().safeParse(Number.POSITIVE_INFINITY))).toBe(
      "must be a finite number, got Infinity",
    );
  });

  it("bytes, seconds and ranges carry their unit", () => {
    expect(messageOf(bytes({ max: 2 ** 31 - 1 }).safeParse(2 ** 40))).toBe(
      "must be at most 2147483647 bytes (about 2 GiB), got 1099511627776",
    );
    expect(messageOf(wholeSeconds().safeParse(0.5))).toBe("must be a whole number, got 0.5");
    expect(messageOf(numberBetween({ min: 0, minExclusive: true, max: 1 }).safeParse(0))).toBe(
      "must be above 0, got 0",
    );
  });
});
