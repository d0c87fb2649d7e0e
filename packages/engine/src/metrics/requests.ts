// Each app's requests within one collection interval: an exact count, and the durations of at
// most `maxSamples` of them for p50/p95. Beyond that a uniform reservoir sample (Vitter's
// algorithm R) stands in for them all, so memory stays bounded however busy an app is.

export interface IntervalRequests {
  appName: string;
  requestCount: number;
  /** Null when nothing was timed in the interval. */
  p50Ms: number | null;
  p95Ms: number | null;
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
    record(appName: string, durationMs: number | null) {
      let tally = apps.get(appName);
      if (!tally) {
        tally = { count: 0, timed: 0, samples: [] };
        apps.set(appName, tally);
      }
      tally.count++;
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
        };
      });
    },
  };
}

export type RequestTally = ReturnType<typeof createRequestTally>;
