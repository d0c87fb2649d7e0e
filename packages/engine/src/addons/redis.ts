// Redis add-ons: an ACL user on the operator's server that may touch only keys (and channels)
// under its own prefix, and no dangerous commands (CONFIG, FLUSHALL, KEYS, ACL…).
import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { openRedis } from "./redis-client.ts";

export const REDIS_PLANS = { hobby: {}, standard: {} } as const;
export type RedisPlan = keyof typeof REDIS_PLANS;

const SAFE_NAME = /^addon_[0-9a-f]{32}$/;

async function withAdmin<T>(adminUrl: string, run: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = await openRedis(adminUrl);
  try {
    return await run(redis);
  } finally {
    redis.disconnect();
  }
}

export async function createRedisAddon(adminUrl: string, name: string): Promise<string> {
  if (!SAFE_NAME.test(name)) throw new Error(`unsafe add-on name ${JSON.stringify(name)}`);
  const password = randomBytes(24).toString("hex");
  await withAdmin(adminUrl, (redis) =>
    redis.call("ACL", "SETUSER", name, "reset", "on", `>${password}`, `~${name}:*`, `&${name}:*`, "+@all", "-@dangerous"),
  );
  const server = new URL(adminUrl);
  const url = new URL(`redis://${server.host}${server.pathname === "/" ? "" : server.pathname}`);
  url.username = name;
  url.password = password;
  return url.toString();
}

/** Deletes the user (which disconnects its clients), then every key under its prefix. */
export async function dropRedisAddon(adminUrl: string, name: string): Promise<void> {
  if (!SAFE_NAME.test(name)) throw new Error(`unsafe add-on name ${JSON.stringify(name)}`);
  await withAdmin(adminUrl, async (redis) => {
    await redis.call("ACL", "DELUSER", name);
    let cursor = "0";
    do {
      const [next, keys] = (await redis.call("SCAN", cursor, "MATCH", `${name}:*`, "COUNT", "500")) as [string, string[]];
      if (keys.length) await redis.call("DEL", ...keys);
      cursor = next;
    } while (cursor !== "0");
  });
}
