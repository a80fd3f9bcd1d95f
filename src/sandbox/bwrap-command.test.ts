import { describe, expect, it } from "vitest";
import { firstSetupFd, sandboxCommand } from "./bwrap-command.js";
import { defaultSandboxLimits } from "./sandbox-limits.js";
import { sandboxSeccompFilter } from "./seccomp-filter.js";

describe("sandboxCommand", () => {
  const driverSource = Buffer.from("print('driver')\n");
  const seccompFilter = sandboxSeccompFilter("x64");
  const { command, args, setupInputs } = sandboxCommand({
    bwrapPath: "/usr/bin/bwrap",
    pythonPath: "/usr/bin/python3",
    driverSource,
    limits: { ...defaultSandboxLimits, workDiskBytes: 1000, tmpDiskBytes: 500, shmDiskBytes: 250 },
    disableUserns: true,
    seccompFilter,
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
    expect(joined).toContain("--size 250 --tmpfs /dev/shm --remount-ro /dev");
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

  it("disables user namespaces, loads the seccomp filter and hides the sandbox's init", () => {
    expect(args).toContain("--disable-userns");
    expect(joined).toContain(`--seccomp ${firstSetupFd}`);
    expect(setupInputs[0]).toBe(seccompFilter);
    expect(joined).toContain("--tmpfs /proc/1 --remount-ro /proc/1");
  });

  it("copies the driver in from a pipe instead of binding its host file", () => {
    expect(joined).toContain(`--ro-bind-data ${firstSetupFd + 1} /loupe/driver.py`);
    expect(setupInputs[1]).toBe(driverSource);
  });
});
