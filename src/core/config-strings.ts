import { z } from "zod";
import { kernelFilesystemProblem } from "./paths.js";

/**
 * The kinds of text a user configures that the code can only use in one shape: URLs Loupe sends
 * HTTP requests to, secrets that go into a request header, and paths Loupe creates files under.
 * Like core/config-numbers.ts, each refuses what would fail later, and the message says why
 * without echoing a secret.
 */

/** A base URL that Loupe sends HTTP requests to: http:// or https:// only. */
export function httpUrl(): z.ZodString {
  return z
    .string({ error: (issue) => (issue.input === undefined ? "is required" : "must be a URL (text)") })
    .refine((value) => URL.canParse(value), {
      error: (issue) => `must be an http:// or https:// URL, got ${JSON.stringify(issue.input)}`,
      abort: true,
    })
    .refine((value) => /^https?:$/.test(new URL(value).protocol), {
      error: (issue) =>
        `must be an http:// or https:// URL, got a ${new URL(String(issue.input)).protocol}// URL`,
    });
}

/**
 * A secret sent in an HTTP header (an API key): printable ASCII only. A key pasted with its line
 * break would otherwise make every request fail with a confusing error; the key itself is never
 * repeated in the message.
 */
export function headerSecret(): z.ZodString {
  return z
    .string({ error: "must be text" })
    .min(1, { error: "must not be empty" })
    .regex(/^[\x20-\x7e]*$/, {
      error: (issue) =>
        `must be printable ASCII: it contains ${describeBadCharacter(String(issue.input))} (the value is not shown)`,
    });
}

/** A path Loupe creates files under: not on a kernel file system (/proc, /sys, /dev). */
export function localPath(): z.ZodString {
  return z
    .string({ error: "must be a path (text)" })
    .min(1, { error: "must not be empty" })
    .refine((value) => kernelFilesystemProblem(value) === undefined, {
      error: (issue) => kernelFilesystemProblem(String(issue.input)),
    });
}

function describeBadCharacter(value: string): string {
  const bad = [...value].find((character) => !/^[\x20-\x7e]$/.test(character)) ?? "";
  if (bad === "\n" || bad === "\r") return "a line break";
  if (bad === "\t") return "a tab";
  const code = bad.codePointAt(0) ?? 0;
  return code < 0x20 || code === 0x7f
    ? `a control character (U+${code.toString(16).toUpperCase().padStart(4, "0")})`
    : `a non-ASCII character (U+${code.toString(16).toUpperCase().padStart(4, "0")})`;
}
