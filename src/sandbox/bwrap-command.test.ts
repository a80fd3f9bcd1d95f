import { describe, expect, it } from "vitest";
import { sandboxCommand } from "./bwrap-command.js";
import { defaultSandboxLimits } from "./sandbox-limits.js";

describe("sandboxCommand", () => {
  const { command, args } = sandboxCommand({
    bwrapPath: "/usr/bin/bwrap",
    pythonPath: "/usr/bin/python3",
    hostWorkDir: "/tmp/loupe-sandbox-1-abc",
    hostDriverPath: "/opt/loupe/driver.py",
    limits: defaultSandboxLimits,
  });
  const joined = args.join(" ");

  it("unshares everything, drops privileges and scrubs the environment", () => {
    expect(command).toBe("/usr/bin/bwrap");
    for (const flag of ["--unshare-all", "--die-with-parent", "--new-session", "--clearenv"]) {
      expect(args).toContain(flag);
    }
    expect(joined).toContain("--uid 65534 --gid 65534");
  });

  it("binds the session folder as the only writable host path, and never / or the project", () => {
    expect(joined).toContain("--bind /tmp/loupe-sandbox-1-abc /work");
    expect(args.filter((argument) => argument === "--bind")).toHaveLength(1);
    expect(joined).not.toMatch(/--(ro-)?bind \/ \//);
    expect(joined).not.toContain("/etc/shadow");
    expect(joined).not.toContain("/etc/passwd");
  });

  it("passes the limits to the driver as JSON", () => {
    const config = JSON.parse(args.at(-1) ?? "{}");
    expect(config).toMatchObject({ memoryBytes: defaultSandboxLimits.memoryBytes, maxImages: 10 });
  });
});
