import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  builtInDebianPackages,
  debianPackageListPath,
  debianPackages,
  installHint,
  parseDebianPackageList,
} from "./sandbox-availability.js";

describe("the sandbox's Debian package list", () => {
  const listed = parseDebianPackageList(readFileSync(debianPackageListPath, "utf8"));

  it("is read from scripts/debian-packages.txt, which the install script reads too", () => {
    expect(listed).toContain("bubblewrap");
    expect(listed).toContain("fonts-dejavu-core");
    expect(debianPackages).toEqual(listed);
    expect(installHint).toBe(`Install the sandbox with: apt-get install -y ${listed.join(" ")}`);
  });

  it("has a built-in copy, for installs without scripts/, equal to the file", () => {
    expect(builtInDebianPackages).toEqual(listed);
  });

  it("skips comments and blank lines", () => {
    expect(parseDebianPackageList("# header\n\nbubblewrap\n  python3  # the interpreter\n")).toEqual([
      "bubblewrap",
      "python3",
    ]);
  });
});
