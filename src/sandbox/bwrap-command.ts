import { spawnSync } from "node:child_process";
import { existsSync, lstatSync, readlinkSync } from "node:fs";
import type { SandboxLimits } from "./sandbox-limits.js";

/** Where things live inside the sandbox. */
export const sandboxWorkDir = "/work";
export const sandboxDriverPath = "/loupe/driver.py";
/** Where the driver finds the matplotlib font list an earlier session built (driver.py FONT_LIST_SEED). */
export const sandboxFontListPath = "/loupe/fontlist.json";

/** matplotlib's font list as a session built it: its file name (versioned) and its JSON text. */
export interface FontList {
  name: string;
  text: string;
}

/**
 * Top-level system folders Python needs. On merged-/usr systems (Debian 12) /bin, /lib and
 * /lib64 are symlinks into /usr and are recreated as symlinks, so only /usr is bound.
 */
const systemFolders = ["/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32"];

/**
 * The few files under /etc that the dynamic loader, numpy's BLAS (via /etc/alternatives),
 * matplotlib and fontconfig read. The rest of /etc (passwd, shadow, hosts, ssl keys) stays out.
 */
const etcEntries = [
  "/etc/ld.so.cache",
  "/etc/ld.so.conf",
  "/etc/ld.so.conf.d",
  "/etc/alternatives",
  "/etc/matplotlibrc",
  "/etc/fonts",
  "/etc/localtime",
  "/etc/python3",
  "/etc/python3.11",
  "/etc/python3.12",
  "/etc/python3.13",
  "/var/cache/fontconfig",
];

/**
 * The first file descriptor of the inputs bwrap reads while it sets the sandbox up (the seccomp
 * filter, the driver's source); fds 3 and 4 carry the driver's requests and answers.
 */
export const firstSetupFd = 5;

export interface SandboxCommandOptions {
  bwrapPath: string;
  pythonPath: string;
  /**
   * driver.py's source. bwrap copies it into the sandbox from a pipe (`--ro-bind-data`): a bind of
   * the host file would show its host path (the project's folder) in /proc/self/mountinfo.
   */
  driverSource: Buffer;
  limits: SandboxLimits;
  /** Whether this bwrap has `--disable-userns` (0.8.0 and later); see `bwrapSupportsDisableUserns`. */
  disableUserns: boolean;
  /** The compiled seccomp filter; undefined on an architecture without one. */
  seccompFilter?: Buffer;
  /** A font list an earlier session built, copied in so this one need not build it again. */
  fontList?: FontList;
}

/** The command, its arguments, and what to write to fds 5, 6, ... (`firstSetupFd`) as bwrap starts. */
export interface SandboxCommand {
  command: string;
  args: string[];
  setupInputs: Buffer[];
}

/** The driver's configuration, passed as its first argument. Mirrors CONFIG in driver.py. */
export function driverConfig(limits: SandboxLimits, fontList?: FontList): Record<string, number | string> {
  return {
    ...(fontList ? { fontListName: fontList.name } : {}),
    memoryBytes: limits.memoryBytes,
    processes: limits.processes,
    threads: limits.threads,
    fileSizeBytes: limits.fileSizeBytes,
    cpuSecondsPerCall: limits.cpuSecondsPerCall,
    cpuSecondsPerSession: limits.cpuSecondsPerSession,
    maxOutputChars: limits.maxOutputChars,
    maxImages: limits.maxImages,
    maxImagePixels: limits.maxImagePixels,
    maxImageBytes: limits.maxImageBytes,
  };
}

/**
 * The bubblewrap argument list for one session: every namespace unshared (no network, own pid
 * space), an unprivileged uid, the system read-only without /usr/local (where other tools and
 * their binaries live), a scrubbed environment, no nested user namespaces, a seccomp deny list,
 * and nothing writable but three size-limited tmpfs mounts private to the session: /work, /tmp
 * and /dev/shm. The host never reads them (images come back over the protocol), so no host
 * folder is shared at all and the sandbox cannot fill host disk.
 */
export function sandboxCommand(options: SandboxCommandOptions): SandboxCommand {
  const setupInputs: Buffer[] = [];
  const setupFd = (data: Buffer) => String(firstSetupFd + setupInputs.push(data) - 1);
  const args = [
    "--unshare-all",
    "--unshare-user",
    "--uid",
    "65534",
    "--gid",
    "65534",
    "--hostname",
    "sandbox",
    "--die-with-parent",
    "--new-session",
    "--cap-drop",
    "ALL",
  ];
  // A user namespace inside would give the code every capability there, and with it mounts and
  // kernel interfaces unprivileged users never reach.
  if (options.disableUserns) args.push("--disable-userns");
  if (options.seccompFilter) args.push("--seccomp", setupFd(options.seccompFilter));
  for (const folder of systemFolders) args.push(...bindSystemPath(folder));
  // Debian's python3 and its packages live under /usr/lib; /usr/local holds what was installed
  // by hand on the host (other tools, their credentials helpers, pip packages): hidden.
  if (existsSync("/usr/local")) args.push("--tmpfs", "/usr/local");
  for (const entry of etcEntries) args.push("--ro-bind-try", entry, entry);
  args.push(
    "--proc",
    "/proc",
    // The sandbox's init (bubblewrap, pid 1) runs as the sandbox's uid: hide its /proc entry
    // (memory, environment, fds). The seccomp filter denies ptrace and process_vm_* as well.
    "--tmpfs",
    "/proc/1",
    "--remount-ro",
    "/proc/1",
    "--dev",
    "/dev",
    // bwrap's /dev is a writable tmpfs of half the host's RAM: make /dev/shm a small one of its
    // own (POSIX shared memory, multiprocessing's locks) and the rest read-only.
    "--size",
    String(options.limits.shmDiskBytes),
    "--tmpfs",
    "/dev/shm",
    "--remount-ro",
    "/dev",
    "--size",
    String(options.limits.tmpDiskBytes),
    "--tmpfs",
    "/tmp",
    "--size",
    String(options.limits.workDiskBytes),
    "--tmpfs",
    sandboxWorkDir,
    "--ro-bind-data",
    setupFd(options.driverSource),
    sandboxDriverPath,
    ...(options.fontList
      ? ["--ro-bind-data", setupFd(Buffer.from(options.fontList.text)), sandboxFontListPath]
      : []),
    "--chdir",
    sandboxWorkDir,
    "--clearenv",
  );
  const environment: Record<string, string> = {
    HOME: sandboxWorkDir,
    USER: "sandbox",
    PATH: "/usr/bin:/bin",
    LANG: "C.UTF-8",
    MPLBACKEND: "Agg",
    MPLCONFIGDIR: "/tmp/.matplotlib",
    XDG_CACHE_HOME: "/tmp/.cache",
    OPENBLAS_NUM_THREADS: String(options.limits.threads),
    OMP_NUM_THREADS: String(options.limits.threads),
    MKL_NUM_THREADS: String(options.limits.threads),
  };
  for (const [name, value] of Object.entries(environment)) args.push("--setenv", name, value);
  args.push(
    "--",
    options.pythonPath,
    "-I",
    "-B",
    sandboxDriverPath,
    JSON.stringify(driverConfig(options.limits, options.fontList)),
  );
  return { command: options.bwrapPath, args, setupInputs };
}

const disableUsernsSupport = new Map<string, boolean>();

/** Whether the bwrap at `bwrapPath` has `--disable-userns` (asked once per path, from its --help). */
export function bwrapSupportsDisableUserns(bwrapPath: string): boolean {
  let supported = disableUsernsSupport.get(bwrapPath);
  if (supported === undefined) {
    const help = spawnSync(bwrapPath, ["--help"], { encoding: "utf8", timeout: 5000 });
    supported = `${help.stdout ?? ""}`.includes("--disable-userns");
    disableUsernsSupport.set(bwrapPath, supported);
  }
  return supported;
}

function bindSystemPath(path: string): string[] {
  if (!existsSync(path)) return [];
  const status = lstatSync(path);
  if (status.isSymbolicLink()) return ["--symlink", readlinkSync(path), path];
  return ["--ro-bind", path, path];
}
