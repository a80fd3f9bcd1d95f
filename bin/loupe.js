#!/usr/bin/env node
// Runs the compiled CLI. `npm install` builds dist/ through the prepare script.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const entry = new URL("../dist/apps/cli/main.js", import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  console.error("loupe: dist/ is missing. Run `npm install` (or `npm run build`) in the Loupe folder first.");
  process.exit(1);
}
await import(entry.href);
