// The health check an instance gets: the process type's default, changed by the user's settings.
import type { BuildPlan } from "../detect/plan.ts";
import { DEFAULT_EXPECT_STATUS } from "./http.ts";
import type { HealthProbe, StatusRange } from "./probe.ts";
import { checkHealthCheckSettings, HEALTH_CHECK_DEFAULTS, type HealthCheckSettings, InvalidHealthCheckError } from "./settings.ts";

/** Everything createHealthChecker needs besides the instance's address and the callbacks. */
export interface HealthCheckConfig {
  probe: HealthProbe;
  intervalMs: number;
  timeoutMs: number;
  healthyThreshold: number;
  unhealthyThreshold: number;
  startPeriodMs: number;
}

/**
 * `/` of an app that never declared a health endpoint may well be a 404, which still says the
 * app is up and answering; only a 5xx (or no answer) says it is not.
 */
export const DEFAULT_WEB_EXPECT_STATUS: StatusRange = { min: 100, max: 499 };

/**
 * The health check for instances of `processType` in a release built from `plan`, or null when
 * they get none. `web` is probed over HTTP at `/` by default (or TCP, or a command, or nothing,
 * as the user says); other process types listen on no port, so they get a command check or none.
 * Throws InvalidHealthCheckError for settings that break a rule.
 */
export function healthCheckFor(plan: Pick<BuildPlan, "processes">, processType: string, settings?: unknown): HealthCheckConfig | null {
  if (!Object.hasOwn(plan.processes, processType)) {
    const known = Object.keys(plan.processes).join(", ") || "none";
    throw new InvalidHealthCheckError("processType", `this release has no "${processType}" process (it has ${known}).`);
  }
  const s: HealthCheckSettings = checkHealthCheckSettings(settings);
  const isWeb = processType === "web";
  const type = s.type ?? (s.command !== undefined ? "command" : isWeb ? "http" : "none");
  if (!isWeb && (type === "http" || type === "tcp")) {
    throw new InvalidHealthCheckError(
      "type",
      `${type} checks need a port, and only web processes get one; use a command check for "${processType}".`,
    );
  }
  const probe = probeFor(type, s);
  if (!probe) return null;

  const intervalSeconds = s.intervalSeconds ?? HEALTH_CHECK_DEFAULTS.intervalSeconds;
  const timeoutSeconds = s.timeoutSeconds ?? Math.min(HEALTH_CHECK_DEFAULTS.timeoutSeconds, intervalSeconds / 2);
  return {
    probe,
    intervalMs: Math.round(intervalSeconds * 1000),
    timeoutMs: Math.round(timeoutSeconds * 1000),
    healthyThreshold: s.healthyThreshold ?? HEALTH_CHECK_DEFAULTS.healthyThreshold,
    unhealthyThreshold: s.unhealthyThreshold ?? HEALTH_CHECK_DEFAULTS.unhealthyThreshold,
    startPeriodMs: Math.round((s.startPeriodSeconds ?? HEALTH_CHECK_DEFAULTS.startPeriodSeconds) * 1000),
  };
}

function probeFor(type: string, s: HealthCheckSettings): HealthProbe | null {
  if (type === "tcp") return { kind: "tcp" };
  if (type === "command") return { kind: "command", command: "sh", args: ["-c", s.command ?? ""] };
  if (type !== "http") return null;
  // A path the user chose is a health endpoint, so it should answer 2xx or 3xx.
  const expectStatus = s.expectStatus ?? (s.path === undefined ? DEFAULT_WEB_EXPECT_STATUS : DEFAULT_EXPECT_STATUS);
  return {
    kind: "http",
    path: s.path ?? "/",
    expectStatus,
    ...(s.bodyMatch !== undefined && { bodyMatch: s.bodyMatch }),
    ...(s.host !== undefined && { headers: { Host: s.host } }),
  };
}
