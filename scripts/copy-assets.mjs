// Copies the non-TypeScript files the runtime reads (the sandbox's Python driver) into dist/.
import { cpSync } from "node:fs";

cpSync("src/sandbox/driver.py", "dist/sandbox/driver.py");
