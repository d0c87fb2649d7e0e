// Redis shared by the control planes (SKYPANEL_REDIS_URL or Sentinel): the event bus, so a
// dashboard on any control plane sees every one's events, and the rate limits, counted together.
import { Redis, type RedisOptions } from "ioredis";
import { type RateLimiter, redisRateLimiter } from "../auth/index.ts";
import type { EventBus } from "./bus.ts";
import { redisEventBus } from "./redis-bus.ts";

/** Where the shared Redis is: a URL, or Sentinels and their master set's name (the URL then gives only credentials and database). */
export interface SharedRedisSettings {
  url?: string;
  sentinels?: { host: string; port: number }[];
  sentinelName?: string;
}

export interface SharedRedis {
  bus: EventBus;
  limiter: RateLimiter;
  close(): Promise<void>;
}

/** A connection maker for the settings: the URL's server, or the master the Sentinels name. */
export function redisConnector(settings: SharedRedisSettings, extra: RedisOptions = {}): () => Redis {
  if (!settings.sentinels?.length) return () => new Redis(settings.url ?? "", extra);
  const u = settings.url ? new URL(settings.url) : null;
  const options: RedisOptions = {
    sentinels: settings.sentinels,
    name: settings.sentinelName ?? "mymaster",
    // After a failover: follow the sentinels' switch at once, and leave a demoted master that refuses writes.
    failoverDetector: true,
    reconnectOnError: (err) => (err.message.startsWith("READONLY") ? 2 : false),
    ...(u?.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u?.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u && u.pathname.length > 1 ? { db: Number(u.pathname.slice(1)) } : {}),
    ...(u?.protocol === "rediss:" ? { tls: {} } : {}),
    ...extra,
  };
  return () => new Redis(options);
}

export async function openSharedRedis(settings: SharedRedisSettings): Promise<SharedRedis> {
  const bus = await redisEventBus({ connect: redisConnector(settings) });
  // A limit check must not hang a request while Redis is away: it fails after a short wait.
  const limits = redisConnector(settings, { maxRetriesPerRequest: 2, commandTimeout: 3000 })();
  limits.on("error", (err: Error) => console.error("[limits] redis:", err.message));
  return {
    bus,
    limiter: redisRateLimiter(limits),
    async close() {
      await bus.close();
      await limits.quit().catch(() => limits.disconnect());
    },
  };
}
