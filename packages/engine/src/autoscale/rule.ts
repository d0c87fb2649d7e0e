// The autoscaler's rule, pure: Kubernetes' HPA algorithm with its default behaviour.
//   raw       = ceil(current × value / target), or current inside the 10 % tolerance band
//   scale-up  : at once, to at most max(2 × n, n + 4) per 15 s, n being the quantity when the
//               period began. The issue says "up to double or +4 per 15 s"; read as HPA reads its
//               two default policies (selectPolicy: Max): whichever allows more.
//   scale-down: to the highest raw recommendation over the stabilization window, so a dip shorter
//               than the window changes nothing.
//   then clamped to the bounds in force (the policy's, or an open schedule's).
import type { Bounds } from "./schedules.ts";

export const TOLERANCE = 0.1;
export const SCALE_UP_PERIOD_MS = 15_000;

export interface Recommendation {
  at: number;
  quantity: number;
}
export interface ScaleUp {
  at: number;
  from: number;
}

export interface RuleInput {
  now: number;
  current: number;
  /** The metric now: per instance for cpu, memory, rps, p95 and custom. */
  value: number;
  target: number;
  bounds: Pick<Bounds, "min" | "max">;
  stabilizationMs: number;
  /** Earlier passes' raw recommendations (the caller keeps what `recommendations` returns). */
  recommendations: Recommendation[];
  /** Earlier scale-ups (the caller keeps what `scaleUps` returns). */
  scaleUps: ScaleUp[];
}

export type RuleKind = "steady" | "scale_up" | "scale_down" | "at_max";

export interface RuleOutcome {
  kind: RuleKind;
  /** What to run now. */
  desired: number;
  /** What the metric alone asks for. */
  raw: number;
  /** What held the change back or pushed it, if anything. */
  limitedBy: "tolerance" | "rate" | "stabilization" | "max" | "min" | null;
  recommendations: Recommendation[];
  scaleUps: ScaleUp[];
}

/** The most the quantity may reach now: double or +4, whichever is more, of the quantity at the period's start. */
export function scaleUpLimit(current: number, scaleUps: ScaleUp[], now: number): number {
  const inPeriod = scaleUps.filter((s) => now - s.at < SCALE_UP_PERIOD_MS);
  const start = inPeriod.length ? Math.min(...inPeriod.map((s) => s.from)) : current;
  return Math.max(start * 2, start + 4);
}

export function rawRecommendation(current: number, value: number, target: number): number {
  const ratio = value / target;
  // The epsilon keeps exactly 10 % (55 against 50) inside the band despite float noise.
  if (Math.abs(ratio - 1) <= TOLERANCE + 1e-9) return current;
  // Rounded first so 3 × 1.2 (3.5999…) does not become 4 through float noise.
  return Math.ceil(Number((current * ratio).toFixed(6)));
}

export function decide(input: RuleInput): RuleOutcome {
  const { now, current, bounds } = input;
  const raw = rawRecommendation(current, input.value, input.target);
  const recommendations = [...input.recommendations.filter((r) => now - r.at < input.stabilizationMs), { at: now, quantity: raw }];
  const scaleUps = input.scaleUps.filter((s) => now - s.at < SCALE_UP_PERIOD_MS);

  // HPA's stabilization: up at once (its scale-up window is 0), down only as far as the highest recommendation in the window.
  const highest = Math.max(...recommendations.map((r) => r.quantity));
  let desired = current;
  let limitedBy: RuleOutcome["limitedBy"] = raw === current && input.value !== input.target ? "tolerance" : null;
  if (raw > current) desired = raw;
  else if (highest < current) desired = highest;
  if (raw < current && highest > raw) limitedBy = "stabilization";

  if (desired > current) {
    const limit = scaleUpLimit(current, scaleUps, now);
    if (desired > limit) {
      desired = limit;
      limitedBy = "rate";
    }
  }
  const wanted = desired;
  if (desired > bounds.max) {
    desired = bounds.max;
    limitedBy = "max";
  }
  if (desired < bounds.min) {
    desired = bounds.min;
    limitedBy = "min";
  }
  // At the maximum and the metric asks for more (even if the rate limit held this pass back).
  const atMax = desired === bounds.max && (wanted > bounds.max || raw > bounds.max);
  const kind: RuleKind = desired > current ? "scale_up" : desired < current ? "scale_down" : atMax ? "at_max" : "steady";
  if (atMax) limitedBy = "max";
  return {
    kind,
    desired,
    raw,
    limitedBy,
    recommendations,
    scaleUps: desired > current ? [...scaleUps, { at: now, from: current }] : scaleUps,
  };
}

/** Only the bounds apply (no metric value this pass): bring the quantity inside them, nothing else. */
export function clampOnly(current: number, bounds: Pick<Bounds, "min" | "max">): number {
  return Math.min(Math.max(current, bounds.min), bounds.max);
}
