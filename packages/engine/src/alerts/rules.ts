// What each kind of rule means, its threshold's unit and bounds, and the check of a rule as a user
// gives it: one declaration that the engine, the API's documentation and the dashboard all read.
import { ALERT_KINDS, type AlertKind } from "@skypanel/db";
import { ValidationError } from "../errors.ts";

export interface AlertKindSpec {
  label: string;
  /** What the threshold counts; null: the kind takes none. */
  unit: "ms" | "%" | "days" | null;
  threshold?: { min: number; max: number; default?: number };
  /** What `durationSeconds` means for the kind; null: the kind fires at once. */
  duration: "for" | "window" | null;
  defaultDurationSeconds: number;
  /** Shortest duration that makes sense (an error rate over 0 s is no rate). */
  minDurationSeconds?: number;
}

export const ALERT_KIND_SPECS: Record<AlertKind, AlertKindSpec> = {
  latency_p95: {
    label: "Response time (p95) above",
    unit: "ms",
    threshold: { min: 1, max: 600_000 },
    duration: "for",
    defaultDurationSeconds: 300,
  },
  error_rate_5xx: {
    label: "5xx error rate above",
    unit: "%",
    threshold: { min: 0.01, max: 100 },
    duration: "window",
    defaultDurationSeconds: 300,
    minDurationSeconds: 10,
  },
  memory: {
    label: "Memory above (of the formation's limit)",
    unit: "%",
    threshold: { min: 1, max: 100 },
    duration: "for",
    defaultDurationSeconds: 300,
  },
  crash_loop: { label: "An instance is in a crash loop", unit: null, duration: null, defaultDurationSeconds: 0 },
  instance_down: {
    label: "Fewer instances up than the formation asks",
    unit: null,
    duration: "for",
    defaultDurationSeconds: 60,
  },
  deploy_failed: { label: "A deploy failed", unit: null, duration: null, defaultDurationSeconds: 0 },
  certificate: {
    label: "A certificate failed or expires within",
    unit: "days",
    threshold: { min: 1, max: 365, default: 14 },
    duration: null,
    defaultDurationSeconds: 0,
  },
  autoscaler_max: {
    label: "The autoscaler is at its maximum",
    unit: null,
    duration: "for",
    defaultDurationSeconds: 0,
  },
  scheduled_job_failed: { label: "A scheduled job's run failed or timed out", unit: null, duration: null, defaultDurationSeconds: 0 },
};

export const MAX_DURATION_SECONDS = 86_400;
export const MAX_CHANNELS_PER_RULE = 10;
export const MAX_RULES_PER_APP = 50;

export interface AlertRuleInput {
  kind: string;
  threshold?: number | null | undefined;
  durationSeconds?: number | undefined;
  enabled?: boolean | undefined;
  channelIds?: string[] | undefined;
}

export interface CheckedRule {
  kind: AlertKind;
  threshold: number | null;
  durationSeconds: number;
  enabled: boolean;
}

export function isAlertKind(kind: string): kind is AlertKind {
  return (ALERT_KINDS as readonly string[]).includes(kind);
}

/** A rule as stored, or a ValidationError saying which value is wrong and what it may be. */
export function checkRule(input: { kind: string; threshold?: number | null; durationSeconds?: number; enabled?: boolean }): CheckedRule {
  if (!isAlertKind(input.kind)) throw new ValidationError(`An alert's kind is one of ${ALERT_KINDS.join(", ")}.`);
  const spec = ALERT_KIND_SPECS[input.kind];
  let threshold: number | null = null;
  if (spec.threshold) {
    const value = input.threshold ?? spec.threshold.default;
    const { min, max } = spec.threshold;
    if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
      throw new ValidationError(`${input.kind}: the threshold is a number from ${min} to ${max} ${spec.unit}.`);
    }
    threshold = value;
  } else if (input.threshold !== undefined && input.threshold !== null) {
    throw new ValidationError(`${input.kind}: this kind takes no threshold.`);
  }
  let durationSeconds = 0;
  if (spec.duration) {
    const value = input.durationSeconds ?? spec.defaultDurationSeconds;
    const min = spec.minDurationSeconds ?? 0;
    if (!Number.isInteger(value) || value < min || value > MAX_DURATION_SECONDS) {
      throw new ValidationError(`${input.kind}: the duration is a whole number of seconds from ${min} to ${MAX_DURATION_SECONDS}.`);
    }
    durationSeconds = value;
  } else if (input.durationSeconds !== undefined && input.durationSeconds !== 0) {
    throw new ValidationError(`${input.kind}: this kind fires at once and takes no duration.`);
  }
  if (input.enabled !== undefined && typeof input.enabled !== "boolean") throw new ValidationError("enabled is true or false.");
  return { kind: input.kind, threshold, durationSeconds, enabled: input.enabled ?? true };
}

/** The rule in words, for notices and the history: "Response time (p95) above 500 ms for 5 min". */
export function describeRule(rule: { kind: AlertKind; threshold: number | null; durationSeconds: number }): string {
  const spec = ALERT_KIND_SPECS[rule.kind];
  const threshold = rule.threshold === null ? "" : ` ${rule.threshold}${spec.unit === "%" ? " %" : ` ${spec.unit}`}`;
  const duration =
    spec.duration && rule.durationSeconds > 0 ? ` ${spec.duration === "for" ? "for" : "over"} ${formatSeconds(rule.durationSeconds)}` : "";
  return `${spec.label}${threshold}${duration}`;
}

export function formatSeconds(s: number): string {
  if (s % 3600 === 0) return `${s / 3600} h`;
  if (s % 60 === 0) return `${s / 60} min`;
  return `${s} s`;
}
