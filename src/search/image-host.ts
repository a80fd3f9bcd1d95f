import { existsSync } from "node:fs";
import { rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { LoupeError } from "../core/errors.js";
import { extensionForMime, sha256Hex } from "../core/images.js";
import { makeDirectory } from "../core/make-directory.js";
import type { ImageHostConfig } from "../core/search-config.js";
import { payloadHashOf, signAwsRequest } from "./aws-signature-v4.js";

/**
 * Publishes query images where search providers can fetch them: Lens-style reverse search takes a
 * URL, not bytes, and a crop made during a run exists nowhere else. Names are the image's sha256,
 * so publishing the same image twice is one file and its URL reveals nothing but its hash.
 */
export interface ImageHost {
  readonly kind: ImageHostConfig["kind"];
  /** The image's public URL; undefined when no host is configured. */
  publish(image: { bytes: Uint8Array; mime: string }, signal?: AbortSignal): Promise<string | undefined>;
}

export function createImageHost(config: ImageHostConfig, now: () => Date = () => new Date()): ImageHost {
  if (config.kind === "none") return { kind: "none", publish: async () => undefined };
  if (config.kind === "loupe-server") return loupeServerHost(config);
  return s3Host(config, now);
}

function fileNameOf(image: { bytes: Uint8Array; mime: string }): string {
  return `${sha256Hex(image.bytes)}.${extensionForMime(image.mime)}`;
}

/** Loupe's own server serves `directory` at `${publicBaseUrl}/images/`; we only write the file. */
function loupeServerHost(config: ImageHostConfig): ImageHost {
  const base = config.publicBaseUrl;
  if (!base) {
    throw new LoupeError(
      "config",
      "search.imageHost.kind is loupe-server but search.imageHost.publicBaseUrl is not set.",
      {
        hint: "Set publicBaseUrl to the address where the internet reaches your Loupe server, e.g. https://loupe.example.com.",
      },
    );
  }
  return {
    kind: "loupe-server",
    async publish(image) {
      const name = fileNameOf(image);
      const path = join(config.directory, name);
      if (!existsSync(path)) {
        makeDirectory(config.directory, "the image host's folder (search.imageHost.directory)");
        // Write then rename, so the server never serves half a file.
        const partial = `${path}.${process.pid}.partial`;
        await writeFile(partial, image.bytes);
        await rename(partial, path);
      }
      return `${base.replace(/\/+$/, "")}/images/${name}`;
    },
  };
}

/** An S3-compatible bucket (path-style URLs, so MinIO and R2 work), written with a SigV4-signed PUT. */
function s3Host(config: ImageHostConfig, now: () => Date): ImageHost {
  const s3 = config.s3;
  if (!s3) {
    throw new LoupeError("config", "search.imageHost.kind is s3 but search.imageHost.s3 is not configured.", {
      hint: "Set search.imageHost.s3 {endpoint, bucket, region, accessKeyId, secretAccessKey}.",
    });
  }
  return {
    kind: "s3",
    async publish(image, signal) {
      const key = `${s3.prefix}${fileNameOf(image)}`;
      const objectUrl = new URL(`${s3.endpoint.replace(/\/+$/, "")}/${s3.bucket}/${key}`);
      const headers = signAwsRequest({
        method: "PUT",
        url: objectUrl,
        headers: { "content-type": image.mime },
        payloadHash: payloadHashOf(image.bytes),
        region: s3.region,
        service: "s3",
        accessKeyId: s3.accessKeyId,
        secretAccessKey: s3.secretAccessKey,
        now: now(),
      });
      delete headers.host;
      let response: Response;
      try {
        response = await fetch(objectUrl, { method: "PUT", headers, body: image.bytes, signal });
      } catch (error) {
        throw new LoupeError(
          "tool-failed",
          `Could not reach the S3 image host at ${s3.endpoint}: ${String(error)}`,
          { cause: error },
        );
      }
      if (!response.ok) {
        const detail = (await response.text()).replace(/\s+/g, " ").slice(0, 300);
        throw new LoupeError(
          "tool-failed",
          `The S3 image host refused the upload: HTTP ${response.status} ${detail}`,
        );
      }
      const publicBase = config.publicBaseUrl?.replace(/\/+$/, "");
      return publicBase ? `${publicBase}/${key}` : objectUrl.toString();
    },
  };
}
