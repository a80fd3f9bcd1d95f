import type { AnyTool } from "../../core/tool.js";
import type { SearchServices } from "../../search/search-services.js";
import { imageSearchTool } from "./image-search-tool.js";
import type { SearchToolOptions } from "./search-tool-options.js";
import { textSearchTool } from "./text-search-tool.js";
import { webVisitTool } from "./web-visit-tool.js";

export type { PageSummarizer, PageSummary, SearchToolOptions } from "./search-tool-options.js";

/** text_search, image_search and web_visit over one set of search services. */
export function searchTools(services: SearchServices, options: SearchToolOptions = {}): AnyTool[] {
  return [
    textSearchTool(services, options),
    imageSearchTool(services, options),
    webVisitTool(services, options),
  ];
}
