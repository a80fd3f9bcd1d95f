import { isPlainObject, layerConfig } from "../../core/config-layers.js";

/**
 * With `server.publicUrl` set and no image host configured, the server is the public image host
 * for reverse image search (search.imageHost kind "loupe-server", publicBaseUrl the server's URL):
 * a query image is written to the host's folder and providers fetch it from /images/<sha256>.<ext>.
 * An image host the config names (S3, another URL) is left as it is.
 */
export function withServedImageHost(raw: Record<string, unknown>): Record<string, unknown> {
  const server = isPlainObject(raw.server) ? raw.server : {};
  const search = isPlainObject(raw.search) ? raw.search : {};
  const publicUrl = server.publicUrl;
  if (typeof publicUrl !== "string" || search.imageHost !== undefined) return raw;
  return layerConfig(raw, { search: { imageHost: { kind: "loupe-server", publicBaseUrl: publicUrl } } });
}
