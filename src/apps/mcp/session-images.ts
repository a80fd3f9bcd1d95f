import type { ImageConfig } from "../../core/config.js";
import { isLoupeError, LoupeError } from "../../core/errors.js";
import type { ImageSet } from "../../core/image-set.js";
import type { ImageRef } from "../../core/images.js";
import { checkImageBytes, type LoadedImage, loadInputImage } from "../../images/load-image.js";
import { fetchPage } from "../../search/web/fetch-page.js";
import type { ImageSource, McpImageContent } from "./mcp-arguments.js";

export interface SessionImageOptions {
  images: ImageConfig;
  /** Whether a path names a file on this machine: yes on stdio and loopback HTTP, no for remote clients. */
  allowFilePaths: boolean;
  /** Lets image URLs reach loopback and private addresses (search.webVisit.allowPrivateAddresses). */
  allowPrivateAddresses: boolean;
  signal?: AbortSignal;
}

/**
 * Brings an image argument into the session's ImageSet and returns how the tool names it (its
 * label): an image already there stays as it is; MCP image content, data: and http(s) URLs and
 * file paths are loaded with the input images' limits (bytes, pixels, a full decode) and added.
 * Adding the same bytes again gives the same label, so sending an image twice costs nothing.
 */
export async function sessionImageLabel(
  source: ImageSource,
  images: ImageSet,
  options: SessionImageOptions,
): Promise<string | number> {
  if (typeof source === "number") return source;
  if (typeof source === "object") return add(images, await loadContent(source, options)).label;
  const text = source.trim();
  if (/^data:/i.test(text)) return add(images, await loadDataUrl(text, options)).label;
  if (/^https?:\/\//i.test(text)) return add(images, await loadUrl(text, options)).label;
  const known = knownImage(images, text);
  if (known) return known.label;
  if (!options.allowFilePaths) {
    throw new LoupeError(
      "image-not-found",
      `No image named "${text}" in this session (known: ${knownLabels(images)}); file paths are not read for remote clients: send the image as MCP image content or a URL.`,
    );
  }
  if (!looksLikePath(text)) {
    throw new LoupeError(
      "image-not-found",
      `No image named "${text}" in this session (known: ${knownLabels(images)}), and it is not a file path or URL.`,
    );
  }
  return add(images, await loadInputImage(text, options.images, { signal: options.signal })).label;
}

/** The session image a name refers to, when it is a name (a label, number or id prefix), not a path. */
function knownImage(images: ImageSet, text: string): ImageRef | undefined {
  // "shots/image_2.png" is a file; ImageSet.resolve would read it as image_2.
  if (/[\\/]/.test(text)) return undefined;
  try {
    return images.resolve(text);
  } catch {
    return undefined;
  }
}

function looksLikePath(text: string): boolean {
  return /[\\/]/.test(text) || /\.[a-z0-9]{2,5}$/i.test(text);
}

function knownLabels(images: ImageSet): string {
  return (
    images
      .list()
      .map((ref) => ref.label)
      .join(", ") || "none yet"
  );
}

function add(images: ImageSet, loaded: LoadedImage): ImageRef {
  return images.add(loaded.bytes, loaded.facts, { kind: "input", source: loaded.source });
}

function loadContent(content: McpImageContent, options: SessionImageOptions): Promise<LoadedImage> {
  return checkImageBytes(
    decodeBase64(content.data, "image content"),
    options.images,
    `image content (${content.mimeType})`,
  );
}

function loadDataUrl(url: string, options: SessionImageOptions): Promise<LoadedImage> {
  const match = /^data:([^;,]*)(;base64)?,(.*)$/is.exec(url);
  if (!match?.[2])
    throw new LoupeError("image-invalid", "A data: URL image must be base64 (data:image/png;base64,...).");
  const name = `data: URL (${match[1] || "no type"})`;
  return checkImageBytes(decodeBase64(match[3] ?? "", name), options.images, name);
}

/** Image URLs go through web_visit's fetch: no private or metadata address, judged on every redirect. */
async function loadUrl(url: string, options: SessionImageOptions): Promise<LoadedImage> {
  let fetched: Awaited<ReturnType<typeof fetchPage>>;
  try {
    fetched = await fetchPage(url, {
      maxBytes: options.images.maxInputBytes,
      timeoutMs: options.images.fetchTimeoutMs,
      allowPrivateAddresses: options.allowPrivateAddresses,
      signal: options.signal,
    });
  } catch (error) {
    if (!isLoupeError(error) || error.code === "cancelled") throw error;
    // fetchPage speaks as web_visit; here the URL was an image argument.
    const reason = error.message.replace(/^web_visit refused \S+: /, "");
    throw new LoupeError("image-not-found", `Cannot load image ${url}: ${reason}`, {
      cause: error,
      hint: error.hint,
    });
  }
  return checkImageBytes(fetched.bytes, options.images, url);
}

function decodeBase64(data: string, name: string): Uint8Array {
  const compact = data.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1)
    throw new LoupeError("image-invalid", `${name} is not base64.`);
  return new Uint8Array(Buffer.from(compact, "base64"));
}
