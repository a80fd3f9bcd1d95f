/**
 * Why a `fetch` failed, in words. Node's fetch (undici) rejects with "fetch failed" whatever went
 * wrong; the reason is in `error.cause`: a system error code (ECONNREFUSED, ENOTFOUND), an undici
 * code (UND_ERR_CONNECT_TIMEOUT), an OpenSSL code (ERR_SSL_*, CERT_*), an HTTP parser code (HPE_*),
 * or, for redirects and bad ports, only a message. Connections tried on several addresses (IPv6
 * and IPv4 of one name) fail with an AggregateError whose first error says why.
 */
export function describeFetchFailure(error: unknown): string {
  const cause = innermostCause(error);
  const code = typeof cause.code === "string" ? cause.code : undefined;
  const message = typeof cause.message === "string" ? cause.message : String(error);
  if (code) {
    const known = reasonByCode[code];
    if (known) return `${known} (${code})`;
    if (/^(ERR_SSL_|ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_)/.test(code))
      return `TLS error: ${firstLine(message)} (${code})`;
    if (code.startsWith("HPE_")) return `the server's reply is not valid HTTP (${code})`;
  }
  if (/redirect count exceeded/i.test(message)) return "too many redirects (a redirect loop?)";
  if (/URL scheme must be a HTTP\(S\) scheme/i.test(message))
    return "redirected to a URL that is not http:// or https://";
  if (/^bad port$/i.test(message)) return "the port is one that fetch refuses to connect to";
  return code ? `${firstLine(message)} (${code})` : firstLine(message);
}

const reasonByCode: Record<string, string> = {
  ECONNREFUSED: "connection refused: nothing is listening there",
  ECONNRESET: "the connection was reset by the server",
  ENOTFOUND: "DNS name not found",
  EAI_AGAIN: "DNS lookup failed (temporarily)",
  ETIMEDOUT: "timed out connecting",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  EPIPE: "the server closed the connection",
  UND_ERR_CONNECT_TIMEOUT: "timed out connecting",
  UND_ERR_HEADERS_TIMEOUT: "timed out waiting for the response headers",
  UND_ERR_BODY_TIMEOUT: "timed out waiting for the response body",
  UND_ERR_SOCKET: "the server closed the connection",
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: "the body is shorter or longer than its declared length",
  UND_ERR_HEADERS_OVERFLOW: "the response headers are too large",
  UND_ERR_INFO: "the server's reply could not be read",
  ERR_TLS_CERT_ALTNAME_INVALID: "TLS error: the certificate is for another host name",
  DEPTH_ZERO_SELF_SIGNED_CERT: "TLS error: self-signed certificate",
  SELF_SIGNED_CERT_IN_CHAIN: "TLS error: self-signed certificate in the chain",
  CERT_HAS_EXPIRED: "TLS error: the certificate has expired",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "TLS error: the certificate cannot be verified",
};

interface CauseLike {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
}

/**
 * Follows `cause` (and an AggregateError's first error) down to the error that says why: the
 * deepest one with a code, or the deepest of all when none has one.
 */
function innermostCause(error: unknown): CauseLike {
  let current = (error ?? {}) as CauseLike;
  let withCode: CauseLike | undefined = typeof current.code === "string" ? current : undefined;
  for (let depth = 0; depth < 8; depth++) {
    const next =
      Array.isArray(current.errors) && current.errors.length > 0 ? current.errors[0] : current.cause;
    if (!next || typeof next !== "object") break;
    current = next as CauseLike;
    if (typeof current.code === "string") withCode = current;
  }
  return withCode ?? current;
}

function firstLine(text: string): string {
  return text.split("\n")[0]?.trim() ?? text;
}
