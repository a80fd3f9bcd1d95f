import { parentPort } from "node:worker_threads";
import { isLoupeError } from "../../core/errors.js";
import { parseHtml } from "../local-index/parse-html.js";
import { decodeText } from "../web/decode-text.js";
import { htmlToReadPage } from "../web/html-to-markdown.js";
import type { ParseJob, ParseReply, ParseRequest } from "./parse-job.js";
import type { ParseLimits } from "./parse-limits.js";
import { readPdfText } from "./pdf-text.js";

/**
 * The parser worker: a thread with its own heap limit that parses one untrusted page or PDF at a
 * time for parser-pool.ts, which stops it when a parse runs past its time or memory.
 */
async function run(job: ParseJob, limits: ParseLimits): Promise<unknown> {
  switch (job.kind) {
    case "web-html":
      return htmlToReadPage(decodeText(job.bytes, job.contentType, true), job.url, job.mediaType, limits);
    case "index-html":
      return parseHtml(job.html, job.fileUrl, limits);
    case "pdf-text":
      return readPdfText(job.bytes, limits);
  }
}

const port = parentPort!;
port.on("message", async ({ id, job, limits }: ParseRequest) => {
  let reply: ParseReply;
  try {
    reply = { type: "done", id, value: await run(job, limits) };
  } catch (error) {
    reply = {
      type: "failed",
      id,
      message: error instanceof Error ? error.message : String(error),
      code: isLoupeError(error) ? error.code : undefined,
    };
  }
  port.postMessage(reply);
});
port.postMessage({ type: "ready" } satisfies ParseReply);
