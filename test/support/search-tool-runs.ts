import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ImageSet } from "../../src/core/image-set.js";
import { type SearchConfigInput, searchConfigSchema } from "../../src/core/search-config.js";
import type { ToolResult } from "../../src/core/tool.js";
import { createToolContext } from "../../src/core/tool-context.js";
import { createSearchServices } from "../../src/search/search-services.js";
import { searchTools } from "../../src/tools/search/index.js";

/**
 * Test support for dialect tests: runs one of Loupe's real search tools, offline, so a dialect's
 * observation is checked against what the tool really returns (a refused page, a failed search)
 * rather than a hand-written imitation. The cache is off and the local index lives in a
 * temporary folder removed afterwards; nothing here reaches past 127.0.0.1.
 */
export async function runSearchTool(
  name: "text_search" | "image_search" | "web_visit",
  args: unknown,
  search: SearchConfigInput,
  images: ImageSet,
): Promise<ToolResult> {
  const folder = mkdtempSync(join(tmpdir(), "loupe-dialect-search-"));
  const services = createSearchServices(
    searchConfigSchema.parse({
      cache: { enabled: false },
      localIndex: { path: join(folder, "index.sqlite") },
      ...search,
    }),
  );
  try {
    const tool = searchTools(services).find((candidate) => candidate.name === name)!;
    const context = createToolContext({ tool: name, images, question: "What is written on the sign?" });
    return await tool.execute(tool.parameters.parse(args), context);
  } finally {
    services.close();
    rmSync(folder, { recursive: true, force: true });
  }
}
