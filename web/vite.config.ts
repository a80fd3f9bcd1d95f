import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/**
 * The viewer: one JS and one CSS file with relative URLs and every asset inlined, so `loupe serve`
 * serves dist/web as it is and `loupe runs export --html` can inline both into one page
 * (decision 1202).
 */
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "./",
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL("../dist/web", import.meta.url)),
    emptyOutDir: true,
    assetsInlineLimit: Number.MAX_SAFE_INTEGER,
    cssCodeSplit: false,
    modulePreload: false,
    reportCompressedSize: false,
    rollupOptions: {
      output: {
        codeSplitting: false,
        entryFileNames: "assets/viewer.js",
        assetFileNames: "assets/viewer[extname]",
      },
    },
  },
});
