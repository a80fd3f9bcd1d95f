import { mkdtemp, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { assertDirectoryCreatable, makeDirectory } from "./make-directory.js";

describe("makeDirectory", () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "loupe-make-directory-"));
  });

  it("creates missing folders, and is content when they exist", async () => {
    const nested = join(folder, "a", "b", "c");
    makeDirectory(nested, "a test folder");
    makeDirectory(nested, "a test folder");
    expect((await stat(nested)).isDirectory()).toBe(true);
  });

  it("ends at once under /proc, where Node's recursive mkdir loops forever", () => {
    const started = performance.now();
    expect(() => makeDirectory("/proc/loupe/x", "a test folder")).toThrow(
      /^Cannot use \/proc\/loupe\/x as a test folder: \/proc\/loupe\/x is under \/proc, a kernel file system/,
    );
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("follows symbolic links to see where a folder would really be", async () => {
    const link = join(folder, "to-proc");
    await symlink("/proc", link);
    expect(() => makeDirectory(join(link, "x"), "a test folder")).toThrow(
      /to-proc leads to \/proc is under \/proc/,
    );
  });

  it("names a file that stands where a folder should be", async () => {
    const file = join(folder, "file");
    await writeFile(file, "x");
    expect(() => assertDirectoryCreatable(file, "the trajectory folder")).toThrow(
      /^Cannot use .*\/file as the trajectory folder: it is a file, not a folder\.$/,
    );
    expect(() => assertDirectoryCreatable(join(file, "run"), "the trajectory folder")).toThrow(
      /^Cannot use .*\/file\/run as the trajectory folder: .*\/file is a file, not a folder\.$/,
    );
  });

  it("checks without creating", () => {
    const missing = assertDirectoryCreatable(join(folder, "later", "run"), "a test folder");
    expect(missing).toEqual([join(folder, "later"), join(folder, "later", "run")]);
  });
});
