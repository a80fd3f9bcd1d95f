import type { ApprovalConfig } from "../core/config.js";
import type { StepRecord } from "../core/trajectory.js";
import type { ToolCallRequest } from "../dialects/dialect.js";

/** A call the user is asked about: its id, tool and arguments, as the trajectory records them. */
export interface ApprovalRequest {
  id: string;
  tool: string;
  arguments: unknown;
}

/** Whether a call must wait for the user; `earlierSteps` are the run's finished steps. */
export type NeedsApproval = (call: ApprovalRequest, earlierSteps: readonly StepRecord[]) => boolean;

/** The user's answer about one waiting call. */
export type ApprovalDecision = { approve: true } | { approve: false; reason?: string };

/** Decisions by call id, for `resumeRun(checkpoint, { decisions })`. */
export type ApprovalDecisions = Readonly<Record<string, ApprovalDecision>>;

/**
 * The config's approval rules as one predicate: every call of the listed tools, and (with
 * webVisitNewDomains) every web_visit that reads a host no earlier web_visit of the run read.
 */
export function configuredApproval(config: ApprovalConfig): NeedsApproval | undefined {
  const tools = new Set(config.tools);
  if (tools.size === 0 && !config.webVisitNewDomains) return undefined;
  return (call, earlierSteps) => {
    if (tools.has(call.tool)) return true;
    if (!config.webVisitNewDomains || call.tool !== "web_visit") return false;
    const visited = visitedHosts(earlierSteps);
    return urlsOf(call.arguments).some((url) => !visited.has(hostOf(url)));
  };
}

/** Either rule asks: the config's or the caller's. */
export function eitherApproval(...rules: (NeedsApproval | undefined)[]): NeedsApproval | undefined {
  const present = rules.filter((rule): rule is NeedsApproval => rule !== undefined);
  if (present.length === 0) return undefined;
  return (call, steps) => present.some((rule) => rule(call, steps));
}

export function approvalRequest(call: ToolCallRequest): ApprovalRequest {
  return { id: call.id, tool: call.name, arguments: call.arguments };
}

/** The observation of a call the user rejected: the model reads that it was not approved, and why. */
export function rejectionText(tool: string, reason: string | undefined): string {
  const why = reason?.trim() ? ` The user said: ${reason.trim()}` : "";
  return `Not run: the user did not approve this ${tool} call.${why} Do without it, or try something else.`;
}

/** Hosts read by web_visit calls that ran in these steps. */
function visitedHosts(steps: readonly StepRecord[]): Set<string> {
  const hosts = new Set<string>();
  for (const step of steps) {
    for (const action of step.actions) {
      if (action.tool !== "web_visit") continue;
      const observation = step.observations.find((item) => item.callId === action.id);
      if (!observation || observation.text.startsWith("Not run")) continue;
      for (const url of urlsOf(action.arguments)) hosts.add(hostOf(url));
    }
  }
  return hosts;
}

function urlsOf(args: unknown): string[] {
  const urls = (args as { urls?: unknown } | undefined)?.urls;
  if (Array.isArray(urls)) return urls.filter((url): url is string => typeof url === "string");
  const url = (args as { url?: unknown } | undefined)?.url;
  return typeof url === "string" ? [url] : [];
}

/** The host of a URL as written, lower-cased; the text itself when it does not parse. */
function hostOf(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return url.trim().toLowerCase();
  }
}
