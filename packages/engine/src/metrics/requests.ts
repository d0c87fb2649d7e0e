// Each app's requests within one collection interval: exact counts (in all, and by status class),
// and the durations of at most `maxSamples` of them for p50/p95/p99. Beyond that a uniform
// reservoir sample (Vitter's algorithm R) stands in for them all, so memory stays bounded however busy an app is.

export interface IntervalRequests {
  appName: string;
  requestCount: number;
  /** Null when nothing was timed in the interval. */
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  /** Answers by status class; 1xx (a WebSocket's 101) is in requestCount only. */
  requests2xx: number;
  requests3xx: number;
  requests4xx: number;
  requests5xx: number;
}

/** The status classes counted apart: what error rates and the Prometheus counters are made of. */
export const STATUS_CLASSES = ["2xx", "3xx", "4xx", "5xx"] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];

/** The class of an HTTP status; null for 1xx and anything outside 100–599. */
export function statusClass(status: number): StatusClass | null {
  if (status >= 200 && status < 300) return "2xx";
  if (status >= 300 && status < 400) return "3xx";
  if (status >= 400 && status < 500) return "4xx";
  if (status >= 500 && status < 600) return "5xx";
  return null;
}

export const DEFAULT_MAX_SAMPLES = 1024;

/** The nearest-rank percentile (`p` in 0–100) of ascending values: one of them, never an interpolation. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError("no values");
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

interface AppTally {
  count: number;
  byClass: Record<StatusClass, number>;
  /** Durations seen for the reservoir (timed requests only). */
  timed: number;
  samples: number[];
}

export function createRequestTally(options: { maxSamples?: number; random?: () => number } = {}) {
  const maxSamples = options.maxSamples ?? DEFAULT_MAX_SAMPLES;
  const random = options.random ?? Math.random;
  let apps = new Map<string, AppTally>();

  return {
    /** Counts one request; `durationMs` null: counted, not timed (a WebSocket lasts as long as its connection). */
    record(appName: string, durationMs: number | null, status: number) {
      let tally = apps.get(appName);
      if (!tally) {
        tally = { count: 0, byClass: { "2xx": 0, "3xx": 0, "4xx": 0, "5xx": 0 }, timed: 0, samples: [] };
        apps.set(appName, tally);
      }
      tally.count++;
      const cls = statusClass(status);
      if (cls) tally.byClass[cls]++;
      if (durationMs === null) return;
      tally.timed++;
      if (tally.samples.length < maxSamples) tally.samples.push(durationMs);
      else {
        const slot = Math.floor(random() * tally.timed);
        if (slot < maxSamples) tally.samples[slot] = durationMs;
      }
    },

    /** Durations held right now, over all apps (what bounds the memory). */
    held(): number {
      let n = 0;
      for (const t of apps.values()) n += t.samples.length;
      return n;
    },

    /**
     * Ends the interval: one result per app in `apps` (zero requests too, so an idle app reads as
     * 0, not as missing) and per app that had requests; then starts counting afresh.
     */
    drain(routed: Iterable<string>): IntervalRequests[] {
      const done = apps;
      apps = new Map();
      const names = new Set([...routed, ...done.keys()]);
      return [...names].sort().map((appName) => {
        const tally = done.get(appName);
        const sorted = (tally?.samples ?? []).sort((a, b) => a - b);
        return {
          appName,
          requestCount: tally?.count ?? 0,
          p50Ms: sorted.length ? percentile(sorted, 50) : null,
          p95Ms: sorted.length ? percentile(sorted, 95) : null,
          p99Ms: sorted.length ? percentile(sorted, 99) : null,
          requests2xx: tally?.byClass["2xx"] ?? 0,
          requests3xx: tally?.byClass["3xx"] ?? 0,
          requests4xx: tally?.byClass["4xx"] ?? 0,
          requests5xx: tally?.byClass["5xx"] ?? 0,
        };
      });
    },
  };
}

export type RequestTally = ReturnType<typeof createRequestTally>;
