import { describe, expect, it } from "vitest";
import { describeFetchFailure } from "./fetch-failure.js";

/** The shape Node's fetch rejects with: TypeError("fetch failed") with the reason as its cause. */
function fetchFailed(cause: unknown): TypeError {
  return new TypeError("fetch failed", { cause });
}

function systemError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

describe("describeFetchFailure", () => {
  it("names system errors by their code", () => {
    expect(
      describeFetchFailure(fetchFailed(systemError("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:9"))),
    ).toBe("connection refused: nothing is listening there (ECONNREFUSED)");
    expect(
      describeFetchFailure(fetchFailed(systemError("ENOTFOUND", "getaddrinfo ENOTFOUND nowhere.invalid"))),
    ).toBe("DNS name not found (ENOTFOUND)");
    expect(
      describeFetchFailure(fetchFailed(systemError("UND_ERR_CONNECT_TIMEOUT", "Connect Timeout Error"))),
    ).toBe("timed out connecting (UND_ERR_CONNECT_TIMEOUT)");
  });

  it("looks inside an AggregateError from trying several addresses", () => {
    const aggregate = Object.assign(
      new AggregateError([
        systemError("ECONNREFUSED", "connect ECONNREFUSED ::1:9"),
        systemError("ECONNREFUSED", "x"),
      ]),
      { code: "ECONNREFUSED" },
    );
    expect(describeFetchFailure(fetchFailed(aggregate))).toMatch(/^connection refused/);
  });

  it("names TLS and HTTP parser errors, and redirect loops by message", () => {
    expect(
      describeFetchFailure(
        fetchFailed(
          systemError("ERR_SSL_WRONG_VERSION_NUMBER", "ssl3_get_record:wrong version number\nmore"),
        ),
      ),
    ).toBe("TLS error: ssl3_get_record:wrong version number (ERR_SSL_WRONG_VERSION_NUMBER)");
    expect(describeFetchFailure(fetchFailed(systemError("HPE_INVALID_CONSTANT", "Expected HTTP/")))).toBe(
      "the server's reply is not valid HTTP (HPE_INVALID_CONSTANT)",
    );
    expect(describeFetchFailure(fetchFailed(new Error("redirect count exceeded")))).toBe(
      "too many redirects (a redirect loop?)",
    );
  });

  it("falls back to the innermost message", () => {
    expect(describeFetchFailure(fetchFailed(new Error("something odd")))).toBe("something odd");
    expect(describeFetchFailure(new Error("plain"))).toBe("plain");
  });
});
