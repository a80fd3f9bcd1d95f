import type { ContentfulStatusCode } from "hono/utils/http-status";
import { describeError, isLoupeError, type LoupeErrorCode } from "../../core/errors.js";

/** OpenAI's error `type`s, which its clients map to their exception classes. */
export type ApiErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "not_found_error"
  | "rate_limit_exceeded"
  | "conflict_error"
  | "upstream_error"
  | "server_error";

/**
 * An error the server answers with, in OpenAI's shape
 * (`{"error":{"message","type","code","param"}}`), so any OpenAI client reads it as its own:
 * `message` names what is wrong, `param` the request field at fault when there is one.
 */
export class ApiError extends Error {
  readonly status: ContentfulStatusCode;
  readonly type: ApiErrorType;
  readonly code: string;
  readonly param: string | null;
  readonly headers: Record<string, string>;

  constructor(
    status: ContentfulStatusCode,
    type: ApiErrorType,
    code: string,
    message: string,
    options: { param?: string; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.type = type;
    this.code = code;
    this.param = options.param ?? null;
    this.headers = options.headers ?? {};
  }

  toJSON(): { error: { message: string; type: ApiErrorType; code: string; param: string | null } } {
    return { error: { message: this.message, type: this.type, code: this.code, param: this.param } };
  }
}

export function badRequest(code: string, message: string, param?: string): ApiError {
  return new ApiError(400, "invalid_request_error", code, message, param === undefined ? {} : { param });
}

/** What a LoupeError is over HTTP: the caller's mistake (4xx), the model server's (502), or ours (500). */
const statusByCode: Partial<Record<LoupeErrorCode, [ContentfulStatusCode, ApiErrorType]>> = {
  config: [400, "invalid_request_error"],
  "image-invalid": [400, "invalid_request_error"],
  "image-too-large": [400, "invalid_request_error"],
  "image-not-found": [400, "invalid_request_error"],
  "tool-unknown": [400, "invalid_request_error"],
  "tool-input": [400, "invalid_request_error"],
  "plan-invalid": [400, "invalid_request_error"],
  "run-not-found": [404, "not_found_error"],
  "resume-refused": [409, "conflict_error"],
  "trajectory-invalid": [409, "conflict_error"],
  "model-unreachable": [502, "upstream_error"],
  "model-http": [502, "upstream_error"],
  "model-timeout": [504, "upstream_error"],
  "model-output": [502, "upstream_error"],
};

/** Anything thrown while handling a request, as the ApiError to answer with; `param` names the field when known. */
export function apiErrorOf(error: unknown, param?: string): ApiError {
  if (error instanceof ApiError) return error;
  if (isLoupeError(error)) {
    const [status, type] = statusByCode[error.code] ?? [500, "server_error"];
    const message = error.hint ? `${error.message} ${error.hint}` : error.message;
    return new ApiError(status, type, error.code, message, param === undefined ? {} : { param });
  }
  return new ApiError(500, "server_error", "internal", `Internal error: ${describeError(error)}`);
}
