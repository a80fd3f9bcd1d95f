import { describe, expect, it } from "vitest";
import { headerSecret, httpUrl, localPath } from "./config-strings.js";

function messageOf(result: {
  success: boolean;
  error?: { issues: { message: string }[] };
}): string | undefined {
  return result.success ? undefined : result.error?.issues[0]?.message;
}

describe("config text fields", () => {
  it("URLs must be http or https", () => {
    expect(httpUrl().parse("https://example.test/v1")).toBe("https://example.test/v1");
    expect(messageOf(httpUrl().safeParse("ftp://example.test/"))).toBe(
      "must be an http:// or https:// URL, got a ftp:// URL",
    );
    expect(messageOf(httpUrl().safeParse("not a url"))).toBe(
      'must be an http:// or https:// URL, got "not a url"',
    );
  });

  it("secrets must be printable ASCII, and the message never shows them", () => {
    expect(headerSecret().parse("sk-abc 123")).toBe("sk-abc 123");
    const newline = messageOf(headerSecret().safeParse("sk-secret\n"));
    expect(newline).toBe("must be printable ASCII: it contains a line break (the value is not shown)");
    expect(messageOf(headerSecret().safeParse("sk-\u2019quote"))).toMatch(/non-ASCII character \(U\+2019\)/);
    expect(messageOf(headerSecret().safeParse("sk-\u0000"))).toMatch(/control character \(U\+0000\)/);
    expect(messageOf(headerSecret().safeParse(""))).toBe("must not be empty");
  });

  it("paths must not be on a kernel file system; /dev/shm is ordinary", () => {
    expect(messageOf(localPath().safeParse("/proc/self/x"))).toMatch(
      /^\/proc\/self\/x is under \/proc, a kernel file system/,
    );
    expect(messageOf(localPath().safeParse("/sys"))).toMatch(/is under \/sys/);
    expect(messageOf(localPath().safeParse("/dev/loupe"))).toMatch(/is under \/dev/);
    expect(localPath().parse("/dev/shm/loupe")).toBe("/dev/shm/loupe");
    expect(localPath().parse("/process/x")).toBe("/process/x");
  });
});
