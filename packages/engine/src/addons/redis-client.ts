// Short-lived admin connections to an add-on's Redis server, through ioredis (a maintained client:
// its parser keeps nested error replies in place, and a reply that is not RESP fails the caller).
import { Redis } from "ioredis";

/** The server could not be reached, refused us, or answered with something that is not Redis. */
export class RedisConnectionError extends Error {}

/** The connection options of a redis:// URL: host, port, user, password (URL-decoded) and database. */
export function redisUrlOptions(url: string) {
  const u = new URL(url);
  if (u.protocol !== "redis:") throw new Error(`Only redis:// URLs are supported, not ${u.protocol}//.`);
  const db = u.pathname.replace(/^\//, "");
  if (db && !/^\d{1,5}$/.test(db)) throw new Error(`The database in a redis:// URL is a number, not ${JSON.stringify(db)}.`);
  return {
    host: u.hostname.replace(/^\[(.*)\]$/, "$1"),
    port: Number(u.port || 6379),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(db ? { db: Number(db) } : {}),
  };
}

/**
 * Connects to a redis:// URL (authenticating as its user, selecting its database) with no
 * reconnects and no queueing: a command either reaches this connection's server or fails.
 * Close it with `disconnect()`.
 */
export async function openRedis(url: string, timeoutMs = 5000): Promise<Redis> {
  const options = redisUrlOptions(url);
  const where = `${options.host}:${options.port}`;
  const redis = new Redis({
    ...options,
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
    // Its INFO check would need the offline queue; the PING below checks the server instead.
    enableReadyCheck: false,
  });
  // ioredis reports protocol and socket errors as events; kept here to explain the failed call.
  let lastError: Error | null = null;
  redis.on("error", (err: Error) => {
    lastError = err;
  });
  const timer = setTimeout(() => redis.disconnect(), timeoutMs);
  try {
    await redis.connect();
    // Proves the server speaks Redis (and that AUTH and SELECT went through) before the caller's first command.
    const pong = await redis.ping();
    if (pong !== "PONG") throw new Error(`Protocol error, PING was answered with ${JSON.stringify(String(pong).slice(0, 40))}`);
  } catch (err) {
    redis.disconnect();
    throw connectionError(where, lastError ?? (err as Error), timeoutMs);
  } finally {
    clearTimeout(timer);
  }
  return redis;
}

function connectionError(where: string, err: Error, timeoutMs: number): Error {
  // A refused password or unknown user is the server's own answer: pass it on as it is.
  if (/WRONGPASS|NOAUTH|NOPERM|invalid password/i.test(err.message)) return err;
  if (/Protocol error/.test(err.message))
    return new RedisConnectionError(
      `${where} did not answer in Redis's protocol (${err.message.replace(/\. Please report this\.$/, "")}).`,
    );
  if (/Connection is closed/.test(err.message))
    return new RedisConnectionError(`Redis at ${where} closed the connection (or did not become ready within ${timeoutMs} ms).`);
  return new RedisConnectionError(`Could not connect to Redis at ${where}: ${err.message}`);
}
