import type { LoupeErrorCode } from "../../core/errors.js";
import type { ReadPage } from "../backend.js";
import type { ParsedPage } from "../local-index/parsed-document.js";
import type { ParseLimits } from "./parse-limits.js";
import type { PdfText } from "./pdf-text.js";

/** The untrusted parsing the worker does (parser-worker.ts), one kind per caller's need. */
export type ParseJob =
  /** A fetched web page: bytes decoded by its charset, then HTML to markdown (web_visit). */
  | { kind: "web-html"; bytes: Uint8Array; contentType: string; url: string; mediaType: string }
  /** An HTML file for the local index. */
  | { kind: "index-html"; html: string; fileUrl: string }
  /** A PDF's text, page by page (web_visit and the local index). */
  | { kind: "pdf-text"; bytes: Uint8Array };

export interface ParseResults {
  "web-html": ReadPage;
  "index-html": ParsedPage;
  "pdf-text": PdfText;
}

export type ParseRequest = { id: number; job: ParseJob; limits: ParseLimits };
export type ParseReply =
  | { type: "ready" }
  | { type: "done"; id: number; value: unknown }
  | { type: "failed"; id: number; message: string; code?: LoupeErrorCode };
