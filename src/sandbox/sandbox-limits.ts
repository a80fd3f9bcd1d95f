/**
 * What one sandboxed Python session may use. Memory, processes, file size and CPU are kernel
 * rlimits the driver sets on itself before running any user code (hard limits: user code cannot
 * raise them); disk is three size-limited tmpfs mounts (/work, /tmp, /dev/shm); the session's
 * total memory and each call's wall time are enforced by the host, which kills the whole sandbox
 * past either. Output and image caps bound what comes back to the model.
 */
export interface SandboxLimits {
  /** Wall-clock time of one call; past it the session is killed and restarted. */
  wallSecondsPerCall: number;
  /** CPU time of one call (all threads), on top of what the session used before it. */
  cpuSecondsPerCall: number;
  /** CPU time of a whole session; past it the kernel kills the session. */
  cpuSecondsPerSession: number;
  /** Address-space limit (RLIMIT_AS) of the Python process and each process it forks. */
  memoryBytes: number;
  /**
   * Memory all the session's processes may hold together (the sum of their proportional set
   * sizes, so pages a fork shares with the driver count once). The host polls it and kills the
   * whole session past it: `memoryBytes` bounds one process, and forks each get their own.
   */
  sessionMemoryBytes: number;
  /**
   * Processes and threads the sandbox may run at once (RLIMIT_NPROC); processes never outlive the
   * call that started them (the driver kills them when the cell ends).
   */
  processes: number;
  /** Largest file the sandbox may write (RLIMIT_FSIZE). */
  fileSizeBytes: number;
  /**
   * Size of the work folder (/work), a tmpfs private to the session: what the code saves there,
   * the run's images included, lives in RAM and may not add up to more than this.
   */
  workDiskBytes: number;
  /** Size of the private /tmp, also a tmpfs (RAM, not counted by the address-space limit). */
  tmpDiskBytes: number;
  /**
   * Size of /dev/shm, the tmpfs POSIX shared memory and multiprocessing's locks live in (the rest
   * of /dev is read-only). RAM too, like /work and /tmp.
   */
  shmDiskBytes: number;
  /** Threads numeric libraries (OpenBLAS, OpenMP) may start. */
  threads: number;
  /** Characters of stdout and of stderr kept per call; the rest is counted and dropped. */
  maxOutputChars: number;
  /** Images returned per call (DeepEyesV2 returns at most 10). */
  maxImages: number;
  /** Pixels of one returned image. */
  maxImagePixels: number;
  /** Encoded bytes of one returned image. */
  maxImageBytes: number;
}

export const defaultSandboxLimits: SandboxLimits = {
  wallSecondsPerCall: 60,
  cpuSecondsPerCall: 120,
  cpuSecondsPerSession: 1800,
  memoryBytes: 4 * 1024 ** 3,
  sessionMemoryBytes: 4 * 1024 ** 3,
  processes: 16,
  fileSizeBytes: 256 * 1024 ** 2,
  workDiskBytes: 256 * 1024 ** 2,
  tmpDiskBytes: 64 * 1024 ** 2,
  shmDiskBytes: 64 * 1024 ** 2,
  threads: 4,
  maxOutputChars: 20_000,
  maxImages: 10,
  maxImagePixels: 50_000_000,
  maxImageBytes: 32 * 1024 ** 2,
};

export function resolveSandboxLimits(overrides: Partial<SandboxLimits> = {}): SandboxLimits {
  const limits = { ...defaultSandboxLimits };
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined) (limits as Record<string, number>)[key] = value;
  }
  return limits;
}
