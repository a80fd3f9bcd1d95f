export * from "./bwrap-command.js";
export * from "./driver-frames.js";
export * from "./driver-response.js";
export * from "./sandbox-availability.js";
export * from "./sandbox-limits.js";
export * from "./sandbox-pool.js";
export * from "./sandbox-session.js";
export * from "./semaphore.js";
