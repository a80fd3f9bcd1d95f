import { describe, expect, it } from "vitest";
import { deniedSyscallNames, sandboxSeccompFilter } from "./seccomp-filter.js";

/** Reads the program back as (code, jt, jf, k) instructions. */
function instructions(bytes: Buffer): [number, number, number, number][] {
  const program: [number, number, number, number][] = [];
  for (let offset = 0; offset < bytes.length; offset += 8)
    program.push([
      bytes.readUInt16LE(offset),
      bytes.readUInt8(offset + 2),
      bytes.readUInt8(offset + 3),
      bytes.readUInt32LE(offset + 4),
    ]);
  return program;
}

describe("sandboxSeccompFilter", () => {
  it("denies ptrace and namespaces on x86_64 and arm64, and has no filter for other architectures", () => {
    for (const arch of ["x64", "arm64"]) {
      expect(deniedSyscallNames(arch)).toEqual(
        expect.arrayContaining(["ptrace", "process_vm_writev", "unshare"]),
      );
      expect(sandboxSeccompFilter(arch)?.length).toBeGreaterThan(0);
    }
    expect(sandboxSeccompFilter("ppc64")).toBeUndefined();
  });

  it("sends every matching check to the EPERM return and everything else to allow", () => {
    const program = instructions(sandboxSeccompFilter("x64") as Buffer);
    const allow = 0x7fff0000;
    const eperm = 0x00050001;
    expect(program.at(-2)).toEqual([0x06, 0, 0, allow]);
    expect(program.at(-1)).toEqual([0x06, 0, 0, eperm]);
    const checks = program
      .map((instruction, index) => ({ instruction, index }))
      .filter(({ index }) => index > 3);
    for (const { instruction, index } of checks.slice(0, -2)) {
      expect(index + 1 + instruction[1]).toBe(program.length - 1);
      expect(instruction[2]).toBe(0);
    }
    // ptrace (101) is among the checks, and syscalls of another ABI are denied before any.
    expect(checks.some(({ instruction }) => instruction[0] === 0x15 && instruction[3] === 101)).toBe(true);
    expect(program[1]).toEqual([0x15, 1, 0, 0xc000003e]);
    expect(program[2]).toEqual([0x06, 0, 0, eperm]);
  });
});
