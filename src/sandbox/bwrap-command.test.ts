import { describe, expect, it } from "vitest";
import { sandboxCommand } from "./bwrap-command.js";
import { defaultSandboxLimits } from "./sandbox-limits.js";

describe("sandboxCommand", () => {
  const { command, args } = sandboxCommand({
    bwrapPath: "/usr/bin/bwrap",
    pythonPath: "/usr/bin/python3",
    hostDriverPath: "/opt/loupe/driver.py",
    limits: { ...defaultSandboxLimits, workDiskBytes: 1000, tmpDiskBytes: 500 },
  });
  const joined = args.join(" ");

  it("unshares everything, drops privileges and scrubs the environment", () => {
    expect(command).toBe("/usr/bin/bwrap");
    for (const flag of ["--unshare-all", "--die-with-parent", "--new-session", "--clearenv"]) {
      expect(args).toContain(flag);
    }
    expect(joined).toContain("--uid 65534 --gid 65534");
  });

  it("shares no writable host path: /work and /tmp are size-limited tmpfs mounts", () => {
    expect(args).not.toContain("--bind");
    expect(joined).toContain("--size 1000 --tmpfs /work");
    expect(joined).toContain("--size 500 --tmpfs /tmp");
    expect(joined).not.toMatch(/--(ro-)?bind \/ \//);
    expect(joined).not.toContain("/etc/shadow");
    expect(joined).not.toContain("/etc/passwd");
  });

  it("hides /usr/local behind an empty tmpfs mounted after /usr", () => {
    const usr = args.indexOf("/usr");
    const local = args.indexOf("/usr/local");
    expect(usr).toBeGreaterThan(0);
    expect(local).toBeGreaterThan(usr);
    expect(args[local - 1]).toBe("--tmpfs");
    expect(joined).not.toContain("/usr/local/bin");
  });

  it("passes the limits to the driver as JSON", () => {
    const config = JSON.parse(args.at(-1) ?? "{}");
    expect(config).toMatchObject({ memoryBytes: defaultSandboxLimits.memoryBytes, maxImages: 10 });
  });
});
