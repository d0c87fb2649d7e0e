// Whether a rule's condition holds now, read from what the platform records: router rows and
// instance samples (metrics_snapshots), instances against the formation, deployments, domains'
// certificates, and the autoscaler's last decisions (from the bus).
import type { Database } from "@skypanel/db";
import {
  type AlertRuleWithChannels,
  latestFinishedDeployment,
  latestFinishedScheduledRuns,
  memorySamplesSince,
  processHealth,
  routerSamplesSince,
  troubledCertificates,
} from "@skypanel/db/queries";

export interface Condition {
  breached: boolean;
  /**
   * When the breach began, as the data shows it (a run of slow intervals); null: the data cannot
   * say (instances down now), and the evaluator counts from when it first saw it.
   */
  since: Date | null;
  value: number | null;
  message: string;
}

/** The autoscaler's latest word per process type: whether it wants more than the policy allows. */
export type AutoscaleState = Map<string, { atMax: boolean; quantity: number; maxInstances: number | null; at: Date }>;

export interface ConditionContext {
  db: Database;
  now: Date;
  /** Without a runtime nothing runs, so instance rules would only ever say "down". */
  runtimeEnabled: boolean;
  autoscale: AutoscaleState | undefined;
}

/** A sample older than this says nothing about now: the collector or the instance stopped. */
export const STALE_AFTER_MS = 120_000;
/** How far before the duration samples are read, so a breach's start is found. */
const LOOKBACK_MS = 600_000;

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const ok = (message: string, value: number | null = null): Condition => ({ breached: false, since: null, value, message });

/**
 * The newest unbroken run of breaching samples (newest first): when it began, or null when the
 * newest sample does not breach or is stale.
 */
export function breachStart<T>(
  samples: T[],
  now: Date,
  at: (s: T) => Date,
  breaches: (s: T) => boolean,
  startOf: (s: T) => Date = at,
): Date | null {
  const newest = samples[samples.length - 1];
  if (!newest || now.getTime() - at(newest).getTime() > STALE_AFTER_MS) return null;
  let start: Date | null = null;
  for (let i = samples.length - 1; i >= 0; i--) {
    const s = samples[i] as T;
    if (!breaches(s)) break;
    start = startOf(s);
  }
  return start;
}

export async function evaluateCondition(rule: AlertRuleWithChannels, c: ConditionContext): Promise<Condition> {
  const { db, now } = c;
  const windowStart = new Date(now.getTime() - rule.durationSeconds * 1000 - LOOKBACK_MS);
  const threshold = rule.threshold ?? 0;
  switch (rule.kind) {
    case "latency_p95": {
      const samples = await routerSamplesSince(db, rule.appId, windowStart);
      const slow = (s: (typeof samples)[number]) => s.requests > 0 && s.p95Ms !== null && s.p95Ms > threshold;
      // A router row counts the interval before it was written, so a breach starts at that interval's start.
      const since = breachStart(
        samples,
        now,
        (s) => s.at,
        slow,
        (s) => new Date(s.at.getTime() - s.intervalMs),
      );
      const latest = samples[samples.length - 1];
      const value = latest?.p95Ms ?? null;
      if (!since) return ok(value === null ? "No timed requests recently." : `p95 response time is ${round(value)} ms.`, value);
      return { breached: true, since, value, message: `p95 response time is ${round(value ?? 0)} ms, above ${threshold} ms.` };
    }
    case "error_rate_5xx": {
      const from = now.getTime() - rule.durationSeconds * 1000;
      const samples = (await routerSamplesSince(db, rule.appId, new Date(from))).filter((s) => s.at.getTime() <= now.getTime());
      const requests = samples.reduce((n, s) => n + s.requests, 0);
      const errors = samples.reduce((n, s) => n + (s.requests5xx ?? 0), 0);
      if (requests === 0) return ok("No requests in the window.", 0);
      const rate = (errors / requests) * 100;
      const text = `${errors} of ${requests} requests (${round(rate, 2)} %) answered 5xx`;
      return rate > threshold
        ? { breached: true, since: null, value: round(rate, 2), message: `${text}, above ${threshold} %.` }
        : ok(`${text}.`, round(rate, 2));
    }
    case "memory": {
      const samples = await memorySamplesSince(db, rule.appId, windowStart);
      const byInstance = new Map<string, typeof samples>();
      for (const s of samples) byInstance.set(s.instanceId, [...(byInstance.get(s.instanceId) ?? []), s]);
      let worst: { since: Date; percent: number; processType: string } | null = null;
      let highest = 0;
      for (const series of byInstance.values()) {
        const percent = (s: (typeof series)[number]) => (s.limitBytes > 0 ? (s.memoryBytes / s.limitBytes) * 100 : 0);
        const latest = series[series.length - 1];
        if (latest && now.getTime() - latest.at.getTime() <= STALE_AFTER_MS) highest = Math.max(highest, percent(latest));
        const since = breachStart(
          series,
          now,
          (s) => s.at,
          (s) => percent(s) > threshold,
        );
        // The instance above for longest decides: it is the one that reaches the duration first.
        if (since && latest && (!worst || since < worst.since))
          worst = { since, percent: percent(latest), processType: latest.processType };
      }
      if (!worst) return ok(`Memory is at most ${round(highest)} % of the limit.`, round(highest));
      return {
        breached: true,
        since: worst.since,
        value: round(worst.percent),
        message: `A ${worst.processType} instance uses ${round(worst.percent)} % of its memory limit, above ${threshold} %.`,
      };
    }
    case "crash_loop": {
      if (!c.runtimeEnabled) return ok("Nothing runs on this platform.");
      const looped = (await processHealth(db, rule.appId)).filter((p) => p.crashLooped);
      if (looped.length === 0) return ok("No instance is in a crash loop.");
      return {
        breached: true,
        since: null,
        value: looped.length,
        message: looped.map((p) => `${p.processType}: ${p.lastExit ?? "crash loop"}`).join("; "),
      };
    }
    case "instance_down": {
      if (!c.runtimeEnabled) return ok("Nothing runs on this platform.");
      const short = (await processHealth(db, rule.appId)).filter((p) => p.up < p.wanted);
      if (short.length === 0) return ok("Every process type has the instances its formation asks for.");
      return {
        breached: true,
        since: null,
        value: short.reduce((n, p) => n + (p.wanted - p.up), 0),
        message: short.map((p) => `${p.processType}: ${p.up} of ${p.wanted} instances up`).join("; "),
      };
    }
    case "deploy_failed": {
      // Only deploys that ended after the rule was made: a rule does not fire about old news.
      const latest = await latestFinishedDeployment(db, rule.appId, rule.createdAt);
      if (!latest || latest.status === "succeeded")
        return ok(latest ? "The latest deploy succeeded." : "No deploy since the rule was made.");
      return {
        breached: true,
        since: null,
        value: null,
        message: `The deploy ${latest.status === "rolled_back" ? "failed and was rolled back" : "failed"}${latest.error ? `: ${latest.error}` : "."}`,
      };
    }
    case "certificate": {
      const troubled = await troubledCertificates(db, rule.appId, new Date(now.getTime() + threshold * 86_400_000));
      if (troubled.length === 0) return ok(`No certificate failed or expires within ${threshold} days.`);
      const days = (d: Date) => Math.max(0, Math.floor((d.getTime() - now.getTime()) / 86_400_000));
      return {
        breached: true,
        since: null,
        value: troubled.length,
        message: troubled
          .map((t) =>
            t.failed
              ? `${t.hostname}: ${t.error ?? "the certificate could not be obtained"}`
              : `${t.hostname}: the certificate expires in ${days(t.expiresAt as Date)} days (${(t.expiresAt as Date).toISOString()})`,
          )
          .join("; "),
      };
    }
    case "scheduled_job_failed": {
      // Each job's latest run that ended after the rule was made: fires while one of them failed.
      const failed = (await latestFinishedScheduledRuns(db, rule.appId, rule.createdAt)).filter((r) => r.status !== "succeeded");
      if (failed.length === 0) return ok("Every scheduled job's latest run succeeded.");
      return {
        breached: true,
        since: null,
        value: failed.length,
        message: failed
          .map(
            (r) => `${r.jobName}: ${r.status === "timed_out" ? "timed out" : "failed"} (${r.reason ?? `exit code ${r.exitCode ?? "?"}`})`,
          )
          .join("; "),
      };
    }
    case "autoscaler_max": {
      const atMax = [...(c.autoscale ?? new Map()).entries()].filter(([, s]) => s.atMax);
      if (atMax.length === 0) return ok("The autoscaler is below its maximum.");
      return {
        breached: true,
        since: null,
        value: atMax.length,
        message: atMax.map(([type, s]) => `${type}: at its maximum of ${s.maxInstances ?? s.quantity} instances and wants more`).join("; "),
      };
    }
  }
}
