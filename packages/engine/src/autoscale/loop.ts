// The autoscaler: every pass reads each enabled policy, its metric and its formation, asks the
// rule what to run, scales through the formation and records every decision (and notice) with
// its reason: in autoscale_events, the app's activity, and on the bus.
import type { AutoscaleEventKind, Database, ScalingPolicy } from "@skypanel/db";
import { findScalingPolicy, insertAuditEvent, insertAutoscaleEvent, listEnabledScalingPolicies } from "@skypanel/db/queries";
import type { EventBus } from "../events/bus.ts";
import type { FormationService } from "../formation/index.ts";
import { clampOnly, decide, type Recommendation, type RuleOutcome, type ScaleUp } from "./rule.ts";
import { boundsAt } from "./schedules.ts";
import { type CustomValue, readSignal } from "./signals.ts";

export interface AutoscalerOptions {
  /** How often the autoscaler looks (default 15 s). */
  intervalMs?: number;
  /** Metric samples and router rows this recent are averaged (default 60 s). */
  windowSeconds?: number;
  /** A pushed custom value counts this long (default 120 s); older, the policy waits. */
  customFreshSeconds?: number;
}

export const AUTOSCALER_DEFAULTS = { intervalMs: 15_000, windowSeconds: 60, customFreshSeconds: 120 };

interface ProcessState {
  recommendations: Recommendation[];
  scaleUps: ScaleUp[];
  /** The last notice recorded (at_max, stale, no_data), so a lasting condition is recorded once. */
  notice: AutoscaleEventKind | null;
  policyVersion: number;
}

type App = { id: string; name: string; teamId: string; currentReleaseId: string | null };

const UNITS = { cpu: " %", memory: " %", rps: "/s", p95: " ms", custom: "" } as const;
const WHY: Record<NonNullable<RuleOutcome["limitedBy"]>, string> = {
  tolerance: "",
  rate: " (at most double or +4 per 15 s)",
  stabilization: " (the highest recommendation over the stabilization window)",
  max: " (held at the maximum)",
  min: " (held at the minimum)",
};

export function createAutoscaler(o: {
  db: Database;
  bus: EventBus;
  formation: FormationService;
  now: () => Date;
  custom: (appId: string, processType: string) => CustomValue | undefined;
  options?: AutoscalerOptions;
  onError?: (err: unknown) => void;
}) {
  const settings = { ...AUTOSCALER_DEFAULTS, ...o.options };
  const states = new Map<string, ProcessState>();
  let timer: NodeJS.Timeout | null = null;
  let pass: Promise<void> | null = null;
  let stopped = true;
  // Set by stop(): a pass still running makes no further change.
  let stopping = false;

  async function record(
    app: App,
    policy: ScalingPolicy,
    e: { kind: AutoscaleEventKind; value: number | null; from: number; to: number; reason: string; max: number; atMax: boolean },
  ) {
    const at = o.now();
    await insertAutoscaleEvent(o.db, {
      appId: app.id,
      processType: policy.processType,
      metric: policy.metric,
      value: e.value,
      target: policy.target,
      fromQuantity: e.from,
      toQuantity: e.to,
      kind: e.kind,
      reason: e.reason,
      at,
    });
    // Scaling and the maximum belong in the app's activity; a missing metric only in the autoscaler's own list.
    if (e.kind === "scale_up" || e.kind === "scale_down" || e.kind === "at_max") {
      const message = `${policy.processType}: ${e.reason}`;
      await insertAuditEvent(o.db, {
        actorId: null,
        appId: app.id,
        teamId: app.teamId,
        action: `autoscale.${e.kind}`,
        targetType: "autoscale",
        details: { message },
      });
    }
    o.bus.publish({
      type: "autoscale.decision",
      appId: app.id,
      processType: policy.processType,
      quantity: e.to,
      maxInstances: e.max,
      atMax: e.atMax,
      reason: e.reason,
    });
  }

  /** One policy's pass: what it read, what the rule said, and the change if any. */
  async function evaluate(app: App, policy: ScalingPolicy) {
    const key = `${app.id}:${policy.processType}`;
    const version = policy.updatedAt.getTime();
    let state = states.get(key);
    if (!state || state.policyVersion !== version) {
      state = { recommendations: [], scaleUps: [], notice: null, policyVersion: version };
      states.set(key, state);
    }
    const formation = (await o.formation.current(app.id, app.currentReleaseId)).find((f) => f.processType === policy.processType);
    if (!formation?.command) return;
    const now = o.now();
    const bounds = boundsAt(policy, now);
    const current = formation.quantity;
    const signal = await readSignal({
      db: o.db,
      appId: app.id,
      policy,
      formation,
      windowSeconds: settings.windowSeconds,
      custom: o.custom(app.id, policy.processType),
      customFreshMs: settings.customFreshSeconds * 1000,
      now: now.getTime(),
    });
    const target = policy.target ?? 0;
    const scheduled = bounds.active.length ? ` (schedule ${bounds.active.map((i) => i + 1).join(", ")}: ${bounds.min}–${bounds.max})` : "";

    let kind: AutoscaleEventKind | "steady";
    let desired: number;
    let reason: string;
    let value: number | null = null;
    let atMax = false;
    if ("missing" in signal) {
      // Without a value only the bounds act (a schedule's window opened, the policy changed).
      desired = clampOnly(current, bounds);
      kind = desired > current ? "scale_up" : desired < current ? "scale_down" : signal.missing;
      reason =
        desired === current
          ? `no action: ${signal.detail}`
          : `${signal.detail}; bounds ${bounds.min}–${bounds.max}${scheduled}: ${current} → ${desired}`;
    } else {
      value = signal.value;
      const outcome = decide({
        now: now.getTime(),
        current,
        value: signal.value,
        target,
        bounds,
        stabilizationMs: policy.stabilizationSeconds * 1000,
        recommendations: state.recommendations,
        scaleUps: state.scaleUps,
      });
      state.recommendations = outcome.recommendations;
      state.scaleUps = outcome.scaleUps;
      desired = outcome.desired;
      kind = outcome.kind;
      atMax = outcome.limitedBy === "max" && outcome.desired === bounds.max;
      const against = `${signal.detail} vs target ${target}${UNITS[policy.metric]}`;
      reason =
        kind === "at_max"
          ? `${against}: wants ${outcome.raw}, at its maximum of ${bounds.max}${scheduled}`
          : `${against}: ${current} → ${desired}${outcome.limitedBy ? WHY[outcome.limitedBy] : ""}${scheduled}`;
    }

    if (kind === "steady") {
      // Leaving the maximum is news for whoever heard it was there (the alerts' autoscaler_max rule).
      if (state.notice === "at_max")
        o.bus.publish({
          type: "autoscale.decision",
          appId: app.id,
          processType: policy.processType,
          quantity: current,
          maxInstances: bounds.max,
          atMax: false,
          reason: "below its maximum",
        });
      state.notice = null;
      return;
    }
    if (kind === "at_max" || kind === "stale" || kind === "no_data") {
      if (state.notice === kind) return;
      state.notice = kind;
      await record(app, policy, { kind, value, from: current, to: current, reason, max: bounds.max, atMax });
      return;
    }
    // Paused, changed or removed since this pass read it: the new word wins, at once.
    const now2 = await findScalingPolicy(o.db, app.id, policy.processType);
    if (!now2?.enabled || now2.updatedAt.getTime() !== version || stopping) return;
    await o.formation.scaleByPlatform(app, policy.processType, desired);
    state.notice = atMax ? "at_max" : null;
    await record(app, policy, { kind, value, from: current, to: desired, reason, max: bounds.max, atMax });
  }

  async function runPass() {
    const rows = await listEnabledScalingPolicies(o.db);
    const seen = new Set<string>();
    for (const { policy, app } of rows) {
      seen.add(`${app.id}:${policy.processType}`);
      await evaluate(app, policy).catch((err) => o.onError?.(err));
    }
    // A paused or removed policy starts afresh when it comes back.
    for (const key of states.keys()) if (!seen.has(key)) states.delete(key);
  }

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      pass = runPass()
        .catch((err) => o.onError?.(err))
        .finally(() => {
          pass = null;
          schedule();
        });
    }, settings.intervalMs);
    timer.unref();
  };

  return {
    settings,
    /** One pass now (tests, and the bench); waits for a pass already running first. */
    async runOnce() {
      if (pass) await pass;
      await runPass();
    },
    /** Forgets what the autoscaler remembered of an app's policies (they were saved again). */
    forget(appId: string) {
      for (const key of states.keys()) if (key.startsWith(`${appId}:`)) states.delete(key);
    },
    start() {
      if (!stopped) return;
      stopped = false;
      stopping = false;
      schedule();
    },
    async stop() {
      stopped = true;
      stopping = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await pass;
    },
  };
}

export type Autoscaler = ReturnType<typeof createAutoscaler>;
