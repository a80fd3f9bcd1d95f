/**
 * A model server in a process of its own that answers every request with "yes" after a fixed
 * delay (`--latency-ms`), so a bench's own process spends no CPU on serving; prints its base URL.
 */
import { startInstantModelServer } from "./instant-model-server.js";

const index = process.argv.indexOf("--latency-ms");
const latencyMs = index >= 0 ? Number(process.argv[index + 1]) : 0;
const server = await startInstantModelServer(() => ({ content: "yes", delayMs: latencyMs }));
console.log(server.baseUrl);
process.on("SIGTERM", () => void server.close().then(() => process.exit(0)));
