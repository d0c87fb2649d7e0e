// A policy as users write it, checked whole before anything is stored: bounds, one metric and its
// target, the scale-down stabilization window, and schedules. Policies saved before the autoscaler
// acted (three optional targets and a cooldown) still read: the first target set is the metric.
import { AUTOSCALE_METRICS, type AutoscaleMetric, type ScalingPolicy, type ScalingSchedule } from "@skypanel/db";
import { ValidationError } from "../errors.ts";
import { MAX_QUANTITY } from "../formation/index.ts";
import { parseCron, SCHEDULE_DURATION_SECONDS } from "./schedules.ts";

/** Seconds; the minimum is low so a test (or a very spiky app) can use a short window. */
export const STABILIZATION_SECONDS = { min: 10, max: 3600, default: 300 };
export const MAX_SCHEDULES = 10;
/** The outer bound of each metric's target. */
export const TARGET_BOUNDS: Record<AutoscaleMetric, { min: number; max: number; unit: string }> = {
  cpu: { min: 1, max: 100, unit: "% of the CPU limit" },
  memory: { min: 1, max: 100, unit: "% of the memory limit" },
  rps: { min: 0.1, max: 1_000_000, unit: "requests per second per instance" },
  p95: { min: 1, max: 600_000, unit: "ms (p95 response time)" },
  custom: { min: 0.000001, max: 1e12, unit: "(your metric's unit, per instance)" },
};
/** Only web answers through the router: its rows are the only requests there are. */
export const WEB_ONLY_METRICS: AutoscaleMetric[] = ["rps", "p95"];

export interface ScheduleInput {
  cron: string;
  timeZone: string;
  durationSeconds: number;
  minInstances?: number | null;
  maxInstances?: number | null;
}

export interface AutoscalePolicyInput {
  enabled: boolean;
  minInstances: number;
  maxInstances: number;
  metric?: AutoscaleMetric;
  target?: number | null;
  stabilizationSeconds?: number;
  schedules?: ScheduleInput[];
  /** Before 0018; read when `metric` is absent. */
  targetCpuPercent?: number | null;
  targetMemoryPercent?: number | null;
  targetRequestsPerSecond?: number | null;
  cooldownSeconds?: number;
}

export type CheckedPolicy = Pick<
  ScalingPolicy,
  "enabled" | "minInstances" | "maxInstances" | "metric" | "target" | "stabilizationSeconds" | "schedules"
>;

const whole = (n: unknown): n is number => typeof n === "number" && Number.isInteger(n);

function legacyTarget(p: AutoscalePolicyInput): { metric: AutoscaleMetric; target: number | null } {
  if (p.targetCpuPercent != null) return { metric: "cpu", target: p.targetCpuPercent };
  if (p.targetMemoryPercent != null) return { metric: "memory", target: p.targetMemoryPercent };
  if (p.targetRequestsPerSecond != null) return { metric: "rps", target: p.targetRequestsPerSecond };
  return { metric: "cpu", target: null };
}

function checkSchedule(fail: (m: string) => ValidationError, s: ScheduleInput, i: number): ScalingSchedule {
  const at = `schedule ${i + 1}`;
  if (typeof s !== "object" || s === null) throw fail(`${at} is an object.`);
  if (typeof s.cron !== "string" || s.cron.length > 100) throw fail(`${at}: the cron expression is text of at most 100 characters.`);
  if (typeof s.timeZone !== "string" || s.timeZone.length > 64) throw fail(`${at}: the time zone is an IANA name such as Europe/Berlin.`);
  try {
    parseCron(s.cron, s.timeZone);
  } catch (err) {
    throw fail(`${at}: "${s.cron}" in ${s.timeZone} cannot be read: ${(err as Error).message}`);
  }
  const { min, max } = SCHEDULE_DURATION_SECONDS;
  if (!whole(s.durationSeconds) || s.durationSeconds < min || s.durationSeconds > max) {
    throw fail(`${at}: the window is a whole number of seconds from ${min} to ${max}.`);
  }
  const bound = (n: number | null | undefined, what: string) => {
    if (n === null || n === undefined) return null;
    if (!whole(n) || n < 0 || n > MAX_QUANTITY) throw fail(`${at}: the ${what} is a whole number of instances from 0 to ${MAX_QUANTITY}.`);
    return n;
  };
  const minInstances = bound(s.minInstances, "minimum");
  const maxInstances = bound(s.maxInstances, "maximum");
  if (minInstances === null && maxInstances === null) throw fail(`${at} changes nothing: give a minimum, a maximum or both.`);
  if (minInstances !== null && maxInstances !== null && maxInstances < minInstances) throw fail(`${at}: the maximum is below the minimum.`);
  return { cron: s.cron.trim(), timeZone: s.timeZone, durationSeconds: s.durationSeconds, minInstances, maxInstances };
}

/** Checks one process type's policy; throws a ValidationError naming the process type and the value. */
export function checkPolicy(processType: string, p: AutoscalePolicyInput): CheckedPolicy {
  const fail = (message: string) => new ValidationError(`${processType}: ${message}`);
  if (typeof p !== "object" || p === null) throw fail("the policy is an object.");
  if (typeof p.enabled !== "boolean") throw fail("enabled is true or false.");
  if (!whole(p.minInstances) || p.minInstances < 0) throw fail("the minimum is a whole number of instances from 0.");
  if (!whole(p.maxInstances) || p.maxInstances < p.minInstances) throw fail("the maximum must be a whole number at least the minimum.");
  if (p.maxInstances > MAX_QUANTITY) throw fail(`the maximum is at most ${MAX_QUANTITY} instances, the most a formation runs.`);
  const { metric, target } = p.metric === undefined ? legacyTarget(p) : { metric: p.metric, target: p.target ?? null };
  if (!(AUTOSCALE_METRICS as readonly string[]).includes(metric)) throw fail(`the metric is one of ${AUTOSCALE_METRICS.join(", ")}.`);
  if (WEB_ONLY_METRICS.includes(metric) && processType !== "web") {
    throw fail(`${metric} comes from the router, which only web answers through; scale ${processType} on cpu, memory or custom.`);
  }
  const bounds = TARGET_BOUNDS[metric];
  if (target !== null && (typeof target !== "number" || !Number.isFinite(target) || target < bounds.min || target > bounds.max)) {
    throw fail(`the ${metric} target is ${bounds.min} to ${bounds.max} ${bounds.unit}.`);
  }
  if (p.enabled && target === null) throw fail(`an enabled policy needs a target for its metric (${metric}).`);
  const stabilizationSeconds = p.stabilizationSeconds ?? p.cooldownSeconds ?? STABILIZATION_SECONDS.default;
  const { min, max } = STABILIZATION_SECONDS;
  if (!whole(stabilizationSeconds) || stabilizationSeconds < min || stabilizationSeconds > max) {
    throw fail(`the scale-down stabilization window is a whole number of seconds from ${min} to ${max}.`);
  }
  const schedules = p.schedules ?? [];
  if (!Array.isArray(schedules) || schedules.length > MAX_SCHEDULES) throw fail(`at most ${MAX_SCHEDULES} schedules.`);
  return {
    enabled: p.enabled,
    minInstances: p.minInstances,
    maxInstances: p.maxInstances,
    metric,
    target,
    stabilizationSeconds,
    schedules: schedules.map((s, i) => checkSchedule(fail, s, i)),
  };
}
