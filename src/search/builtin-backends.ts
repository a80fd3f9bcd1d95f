import { registerSearchBackend } from "./backend-registry.js";
import { createBraveBackend } from "./providers/brave.js";
import { createJinaBackend } from "./providers/jina.js";
import { createSearxngBackend } from "./providers/searxng.js";
import { createSerpapiLensBackend } from "./providers/serpapi-lens.js";
import { createSerperBackend } from "./providers/serper.js";
import { createTavilyBackend } from "./providers/tavily.js";

// Loupe's own providers, registered like anyone else's.
registerSearchBackend("serper", ({ settings }) => createSerperBackend(settings));
registerSearchBackend("brave", ({ settings }) => createBraveBackend(settings));
registerSearchBackend("tavily", ({ settings }) => createTavilyBackend(settings));
registerSearchBackend("jina", ({ settings }) => createJinaBackend(settings));
registerSearchBackend("searxng", ({ settings }) => createSearxngBackend(settings));
registerSearchBackend("serpapi", ({ settings }) => createSerpapiLensBackend(settings));
