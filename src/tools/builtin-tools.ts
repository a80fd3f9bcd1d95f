import { imageToolFactories } from "./image/index.js";
import { pythonTool } from "./python/index.js";
import { imageSearchTool } from "./search/image-search-tool.js";
import { textSearchTool } from "./search/text-search-tool.js";
import { webVisitTool } from "./search/web-visit-tool.js";
import { registerTool } from "./tool-registry.js";

// Loupe's own tools, registered like anyone else's, in the order listings show them.
for (const factory of imageToolFactories) {
  registerTool({ name: factory.name, kind: "image", create: ({ config }) => factory.create(config.images) });
}
registerTool({ name: "python", kind: "code", create: ({ sandbox }) => pythonTool({ pool: sandbox }) });
registerTool({ name: "text_search", kind: "web", create: ({ search }) => textSearchTool(search) });
registerTool({ name: "image_search", kind: "web", create: ({ search }) => imageSearchTool(search) });
registerTool({
  name: "web_visit",
  kind: "web",
  create: ({ search, summarizer }) => webVisitTool(search, { summarizer }),
});
