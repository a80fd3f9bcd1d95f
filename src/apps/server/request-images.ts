import type { ImageConfig } from "../../core/config.js";
import { describeError, isLoupeError } from "../../core/errors.js";
import { checkImageBytes, type LoadedImage } from "../../images/load-image.js";
import { fetchPage } from "../../search/web/fetch-page.js";
import { ApiError, badRequest } from "./api-error.js";

/** An image a request names: a data URL, an http(s) URL, or uploaded bytes; `param` is where it was. */
export type RequestImage =
  | { url: string; param: string }
  | { bytes: Uint8Array; name: string; param: string };

export interface RequestImageOptions {
  /** server.allowPrivateImageUrls: URLs may reach loopback and private addresses. */
  allowPrivateAddresses: boolean;
  signal?: AbortSignal;
}

/**
 * Loads a request's images with the input limits (images.maxInputBytes, pixels, a full decode).
 * URLs are fetched as web_visit fetches pages (decision 0202): only public addresses, judged
 * after DNS and on every redirect, unless the operator allows private ones, since a URL in a
 * request is anyone's choice and must not reach the server's own network. A failure is a 400
 * naming the request field.
 */
export async function loadRequestImages(
  images: readonly RequestImage[],
  config: ImageConfig,
  options: RequestImageOptions,
): Promise<LoadedImage[]> {
  return Promise.all(images.map((image) => loadOne(image, config, options)));
}

async function loadOne(
  image: RequestImage,
  config: ImageConfig,
  options: RequestImageOptions,
): Promise<LoadedImage> {
  try {
    if ("bytes" in image) return await checkImageBytes(image.bytes, config, image.name);
    const url = image.url.trim();
    if (/^data:/i.test(url))
      return await checkImageBytes(dataUrlBytes(url, image.param), config, image.param);
    if (!/^https?:\/\//i.test(url))
      throw badRequest(
        "image-invalid",
        `${image.param}: expected a data: URL or an http(s) URL, got ${JSON.stringify(url.slice(0, 60))}.`,
        image.param,
      );
    const fetched = await fetchPage(url, {
      maxBytes: config.maxInputBytes,
      timeoutMs: config.fetchTimeoutMs,
      allowPrivateAddresses: options.allowPrivateAddresses,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return await checkImageBytes(fetched.bytes, config, url);
  } catch (error) {
    if (error instanceof ApiError) throw error;
    if (isLoupeError(error) && error.code.startsWith("image-"))
      throw new ApiError(400, "invalid_request_error", error.code, `${image.param}: ${error.message}`, {
        param: image.param,
      });
    const reason = describeError(error).replace(/^web_visit /, "");
    const hint = /refused/.test(reason)
      ? " Image URLs must be public; set server.allowPrivateImageUrls only on a trusted machine."
      : "";
    throw new ApiError(
      400,
      "invalid_request_error",
      "image-not-found",
      `${image.param}: cannot fetch the image: ${reason}${hint}`,
      {
        param: image.param,
      },
    );
  }
}

/** The bytes of a base64 data URL (`data:image/png;base64,...`). */
function dataUrlBytes(url: string, param: string): Uint8Array {
  const match = /^data:([^,]*?),(.*)$/is.exec(url);
  if (!match) throw badRequest("image-invalid", `${param}: a data URL needs a comma before its data.`, param);
  const [, meta = "", data = ""] = match;
  if (!/;base64$/i.test(meta))
    throw badRequest(
      "image-invalid",
      `${param}: image data URLs must be base64 (data:image/png;base64,...).`,
      param,
    );
  const text = data.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text))
    throw badRequest(
      "image-invalid",
      `${param}: the data URL's base64 data has characters base64 does not use.`,
      param,
    );
  return new Uint8Array(Buffer.from(text, "base64"));
}
