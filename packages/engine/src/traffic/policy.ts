// An app's traffic policy in the platform's words, its bounds (the table's CHECKs hold them too,
// migration 0025), and what the router makes of it.
import type { AppWafMode } from "@skypanel/db";
import { ValidationError } from "../errors.ts";
import type { CaddyBuild, RouteTraffic } from "../router/index.ts";

export const WAF_MODES: readonly AppWafMode[] = ["off", "detect", "block"];

export interface TrafficPolicy {
  /** Sustained requests per minute per client address; null: unlimited. */
  requestsPerMinute: number | null;
  /** Requests a client address may send at once; null: as many as requestsPerMinute. */
  burst: number | null;
  /** Requests in flight at once per client address; null: unlimited. */
  maxConcurrentRequests: number | null;
  /** Larger request bodies are refused with 413; null: no limit. */
  maxBodyBytes: number | null;
  wafMode: AppWafMode;
}

export const NO_TRAFFIC_LIMITS: TrafficPolicy = {
  requestsPerMinute: null,
  burst: null,
  maxConcurrentRequests: null,
  maxBodyBytes: null,
  wafMode: "off",
};

export const TRAFFIC_BOUNDS = {
  requestsPerMinute: { min: 1, max: 1_000_000 },
  burst: { min: 1, max: 1_000_000 },
  maxConcurrentRequests: { min: 1, max: 100_000 },
  maxBodyBytes: { min: 1024, max: 10 * 1024 ** 3 },
} as const;

const LABELS: Record<keyof typeof TRAFFIC_BOUNDS, string> = {
  requestsPerMinute: "Requests per minute",
  burst: "Burst",
  maxConcurrentRequests: "Concurrent requests",
  maxBodyBytes: "Maximum body size",
};

export function checkTrafficPolicy(policy: TrafficPolicy): TrafficPolicy {
  for (const key of Object.keys(TRAFFIC_BOUNDS) as (keyof typeof TRAFFIC_BOUNDS)[]) {
    const value = policy[key];
    const { min, max } = TRAFFIC_BOUNDS[key];
    if (value !== null && (!Number.isSafeInteger(value) || value < min || value > max))
      throw new ValidationError(`${LABELS[key]} is a whole number from ${min} to ${max}, or none for no limit.`, { field: key });
  }
  if (policy.burst !== null && policy.requestsPerMinute === null)
    throw new ValidationError("A burst needs a rate limit: set requests per minute too.", { field: "burst" });
  if (!WAF_MODES.includes(policy.wafMode))
    throw new ValidationError(`The WAF mode is one of ${WAF_MODES.join(", ")}.`, { field: "wafMode" });
  return policy;
}

/** The settings a router of this build carries out; the others are stored but not in force. */
export function unsupportedSettings(policy: TrafficPolicy, build: CaddyBuild | null): (keyof TrafficPolicy)[] {
  if (build === "custom") return [];
  const all: (keyof TrafficPolicy)[] = [];
  if (build === null && policy.maxBodyBytes !== null) all.push("maxBodyBytes");
  if (policy.requestsPerMinute !== null) all.push("requestsPerMinute");
  if (policy.burst !== null) all.push("burst");
  if (policy.maxConcurrentRequests !== null) all.push("maxConcurrentRequests");
  if (policy.wafMode !== "off") all.push("wafMode");
  return all;
}

/** The route's traffic settings (router/traffic-handlers.ts leaves out what Debian's Caddy cannot do). */
export function routeTraffic(policy: TrafficPolicy): RouteTraffic | undefined {
  const out: RouteTraffic = {};
  if (policy.requestsPerMinute !== null) out.requestsPerMinute = policy.requestsPerMinute;
  if (policy.burst !== null) out.burst = policy.burst;
  if (policy.maxConcurrentRequests !== null) out.maxConcurrentRequests = policy.maxConcurrentRequests;
  if (policy.maxBodyBytes !== null) out.maxBodyBytes = policy.maxBodyBytes;
  if (policy.wafMode !== "off") out.waf = policy.wafMode;
  return Object.keys(out).length > 0 ? out : undefined;
}
