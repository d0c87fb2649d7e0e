import type { Redis } from "ioredis";
import type { RateLimiter } from "./rate-limit.ts";

/**
 * The same fixed windows as memoryRateLimiter, counted in Redis so every control plane sharing
 * it counts together: a key's first event in a window sets the counter with the window as its
 * time to live, later ones increment it.
 */
export function redisRateLimiter(redis: Redis, prefix = "skypanel:limits"): RateLimiter {
  const keyOf = (key: string) => `${prefix}:${key}`;
  return {
    async check(key, limit) {
      const [count, ttl] = values(await redis.multi().get(keyOf(key)).pttl(keyOf(key)).exec());
      if (Number(count ?? 0) < limit) return { blocked: false, retryAfterSeconds: 0 };
      return { blocked: true, retryAfterSeconds: Math.max(1, Math.ceil(Number(ttl) / 1000)) };
    },
    async record(key, windowMs) {
      values(await redis.multi().set(keyOf(key), "0", "PX", windowMs, "NX").incr(keyOf(key)).exec());
    },
    async reset(key) {
      await redis.del(keyOf(key));
    },
  };
}

/** A transaction's replies, or its first error thrown (a reply inside EXEC can be an error). */
function values(replies: [Error | null, unknown][] | null): unknown[] {
  if (!replies) throw new Error("the Redis transaction was aborted");
  return replies.map(([err, value]) => {
    if (err) throw err;
    return value;
  });
}
