import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  // Tests of the public API import "loupe" as users do; here that is the source (tsconfig.json's
  // `paths` says the same to tsc and tsx), for consumers the package's exports (dist).
  resolve: {
    alias: [
      { find: /^loupe$/, replacement: fileURLToPath(new URL("./src/index.ts", import.meta.url)) },
      {
        find: /^loupe\/testing$/,
        replacement: fileURLToPath(new URL("./src/testing/index.ts", import.meta.url)),
      },
    ],
  },
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts", "web/src/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two-core CI machines: sharp and tesseract already use worker threads of their own.
    maxWorkers: 2,
    reporters: process.env.CI_JSON_REPORT
      ? ["default", ["json", { outputFile: process.env.CI_JSON_REPORT }]]
      : ["default"],
  },
});
