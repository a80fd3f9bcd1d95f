import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A loopback HTTP server that answers like the Hugging Face hub's `resolve` endpoint:
 * `HEAD|GET /datasets/<repo>/resolve/<revision>/<path>`. An LFS file answers with a 302 to its
 * storage (`/storage/<n>`) carrying `X-Linked-Etag` (its SHA-256) and `X-Linked-Size`; a small
 * file answers 200 with an `ETag` of its git blob id. Storage honours `Range: bytes=N-` (206 with
 * Content-Range). Tests can cut the connection after some bytes, announce a wrong checksum, or
 * ignore ranges, and read the requests it got.
 */
export interface HubFileEntry {
  content: Buffer;
  lfs: boolean;
  /** Announce this SHA-256 / ETag instead of the real one (a corrupted or changed file). */
  announce?: string;
}

export interface HubRequest {
  method: string;
  path: string;
  range?: string;
}

export interface DatasetHub {
  url: string;
  requests: HubRequest[];
  /** The next `count` storage or file GETs send `bytes` bytes and then drop the connection. */
  cutNext(count: number, bytes: number): void;
  ignoreRanges: boolean;
  close(): Promise<void>;
}

export function gitBlobSha1(content: Buffer): string {
  return createHash("sha1").update(`blob ${content.length}\0`).update(content).digest("hex");
}

export async function startDatasetHub(files: Record<string, HubFileEntry>): Promise<DatasetHub> {
  const requests: HubRequest[] = [];
  const keys = Object.keys(files);
  let cuts = 0;
  let cutBytes = 0;
  const hub: DatasetHub = {
    url: "",
    requests,
    cutNext(count, bytes) {
      cuts = count;
      cutBytes = bytes;
    },
    ignoreRanges: false,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  const sendBody = (
    request: IncomingMessage,
    response: ServerResponse,
    content: Buffer,
    headers: Record<string, string>,
  ) => {
    const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? "");
    let start = 0;
    if (range && !hub.ignoreRanges) {
      start = Number(range[1]);
      if (start >= content.length) {
        response.writeHead(416, { "content-range": `bytes */${content.length}` }).end();
        return;
      }
      response.writeHead(206, {
        ...headers,
        "content-length": String(content.length - start),
        "content-range": `bytes ${start}-${content.length - 1}/${content.length}`,
      });
    } else response.writeHead(200, { ...headers, "content-length": String(content.length) });
    if (request.method === "HEAD") {
      response.end();
      return;
    }
    const body = content.subarray(start);
    if (cuts > 0) {
      cuts -= 1;
      // The cut comes a moment after the bytes, as on a real network: bytes that arrive together
      // with the close can be dropped by the client's fetch before it reads them.
      response.write(body.subarray(0, cutBytes), () => setTimeout(() => response.socket?.destroy(), 300));
      return;
    }
    response.end(body);
  };

  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent((request.url ?? "/").split("?")[0]!);
    requests.push({
      method: request.method ?? "GET",
      path,
      ...(request.headers.range ? { range: request.headers.range } : {}),
    });
    const storage = /^\/storage\/(\d+)$/.exec(path);
    if (storage) {
      const entry = files[keys[Number(storage[1])]!];
      if (!entry) return void response.writeHead(404).end();
      return sendBody(request, response, entry.content, {});
    }
    const resolve = /^\/datasets\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(path);
    const key = resolve ? `${resolve[1]}/${resolve[3]}` : undefined;
    const entry = key === undefined ? undefined : files[key];
    if (!entry || !key)
      return void response.writeHead(404, { "x-error-code": "EntryNotFound" }).end("Entry not found");
    if (entry.lfs) {
      const sha256 = entry.announce ?? createHash("sha256").update(entry.content).digest("hex");
      response
        .writeHead(302, {
          location: `/storage/${keys.indexOf(key)}`,
          "x-linked-etag": `"${sha256}"`,
          "x-linked-size": String(entry.content.length),
          etag: `"${sha256}"`,
        })
        .end();
      return;
    }
    sendBody(request, response, entry.content, { etag: `"${entry.announce ?? gitBlobSha1(entry.content)}"` });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  hub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return hub;
}
