/**
 * Counts events per key in a fixed window, for limits where one process's count is enough
 * (e.g. test deliveries of alert channels). Login limits must hold across control planes and
 * parallel requests: they are in login-guard.ts, counted atomically in the database.
 */
export interface RateLimiter {
  /** Whether `key` is over `limit` in the current window, and how long until it is not. */
  check(key: string, limit: number, windowMs: number): Promise<{ blocked: boolean; retryAfterSeconds: number }>;
  record(key: string, windowMs: number): Promise<void>;
  reset(key: string): Promise<void>;
}

export function memoryRateLimiter(now: () => number = Date.now): RateLimiter {
  const windows = new Map<string, { count: number; resetAt: number }>();
  const current = (key: string) => {
    const w = windows.get(key);
    if (w && w.resetAt <= now()) {
      windows.delete(key);
      return undefined;
    }
    return w;
  };
  return {
    async check(key, limit) {
      const w = current(key);
      if (!w || w.count < limit) return { blocked: false, retryAfterSeconds: 0 };
      return { blocked: true, retryAfterSeconds: Math.max(1, Math.ceil((w.resetAt - now()) / 1000)) };
    },
    async record(key, windowMs) {
      const w = current(key);
      if (w) w.count++;
      else windows.set(key, { count: 1, resetAt: now() + windowMs });
      // Forget stale windows now and then so the map cannot grow without bound.
      if (windows.size > 10_000) for (const k of windows.keys()) current(k);
    },
    async reset(key) {
      windows.delete(key);
    },
  };
}
