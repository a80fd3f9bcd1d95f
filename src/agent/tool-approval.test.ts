import { describe, expect, it } from "vitest";
import type { StepRecord } from "../core/trajectory.js";
import { configuredApproval, eitherApproval, rejectionText } from "./tool-approval.js";

/** A finished step in which web_visit read `urls`, with `observation` as its result text. */
function visitStep(urls: string[], observation = "Page text."): StepRecord {
  return {
    index: 1,
    startedAt: new Date(0).toISOString(),
    durationMs: 1,
    modelDurationMs: 1,
    output: { content: "", toolCalls: [], finishReason: "tool_calls" },
    actions: [{ id: "v1", tool: "web_visit", arguments: { urls }, raw: "" }],
    actionErrors: [],
    observations: [
      { callId: "v1", tool: "web_visit", text: observation, images: [], isError: false, durationMs: 1 },
    ],
    usage: { promptTokens: 0, completionTokens: 0 },
  } as StepRecord;
}

const visit = (urls: string[]) => ({ id: "v2", tool: "web_visit", arguments: { urls } });

describe("configuredApproval", () => {
  it("asks for every call of the listed tools, and for nothing when no rule is set", () => {
    const needs = configuredApproval({ tools: ["python"], webVisitNewDomains: false });
    expect(needs?.({ id: "c", tool: "python", arguments: { code: "1" } }, [])).toBe(true);
    expect(needs?.({ id: "c", tool: "crop", arguments: {} }, [])).toBe(false);
    expect(configuredApproval({ tools: [], webVisitNewDomains: false })).toBeUndefined();
  });

  it("asks for a web_visit to a host no earlier web_visit of the run read", () => {
    const needs = configuredApproval({ tools: [], webVisitNewDomains: true })!;
    expect(needs(visit(["https://a.example/page"]), [])).toBe(true);
    const earlier = [visitStep(["https://A.example/other"])];
    expect(needs(visit(["https://a.example/page"]), earlier)).toBe(false);
    expect(needs(visit(["https://a.example/page", "https://b.example/"]), earlier)).toBe(true);
  });

  it("does not count a visit that never ran (refused or rejected) as read", () => {
    const needs = configuredApproval({ tools: [], webVisitNewDomains: true })!;
    const refused = [visitStep(["https://a.example/"], rejectionText("web_visit", "not that site"))];
    expect(needs(visit(["https://a.example/"]), refused)).toBe(true);
  });

  it("combines the config's rule with the caller's", () => {
    const config = configuredApproval({ tools: ["python"], webVisitNewDomains: false });
    const caller = (call: { tool: string }) => call.tool === "crop";
    const either = eitherApproval(config, caller)!;
    expect(either({ id: "c", tool: "crop", arguments: {} }, [])).toBe(true);
    expect(either({ id: "c", tool: "python", arguments: {} }, [])).toBe(true);
    expect(either({ id: "c", tool: "ocr", arguments: {} }, [])).toBe(false);
    expect(eitherApproval(undefined, undefined)).toBeUndefined();
  });
});
