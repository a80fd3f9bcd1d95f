// Preloaded into a CLI child process by runCli({ peakMemoryFile }): when the process exits it
// writes its peak resident memory (bytes) to that file, so hostile cases can check the bound.
import { writeFileSync } from "node:fs";

const file = process.env.LOUPE_TEST_PEAK_MEMORY_FILE;
if (file) {
  process.on("exit", () => {
    writeFileSync(file, String(process.resourceUsage().maxRSS * 1024));
  });
}
