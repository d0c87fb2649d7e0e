import { createServer, type Server } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { openRedis, RedisConnectionError } from "./redis-client.ts";

const REDIS_URL = process.env.SKYPANEL_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/** A loopback TCP server that answers every write with `reply` (not Redis: a fake). */
async function fakeServer(reply: string): Promise<{ url: string; server: Server }> {
  const server = createServer((socket) => {
    socket.on("data", () => socket.write(reply));
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("no port");
  return { url: `redis://127.0.0.1:${address.port}`, server };
}

describe("the add-ons' Redis client (ioredis)", () => {
  const servers: Server[] = [];
  const uncaught: Error[] = [];
  const onUncaught = (err: Error) => uncaught.push(err);
  process.on("uncaughtException", onUncaught);
  afterAll(() => {
    process.off("uncaughtException", onUncaught);
    for (const s of servers) s.close();
  });

  it("a fake server that answers garbage (an HTTP reply) fails the caller with a clear error, and nothing is thrown elsewhere", async () => {
    const fake = await fakeServer("HTTP/1.1 400 Bad Request\r\n\r\n");
    servers.push(fake.server);
    const err = await openRedis(fake.url, 2000).catch((e: Error) => e);
    expect(err).toBeInstanceOf(RedisConnectionError);
    expect((err as Error).message).toMatch(/did not answer in Redis's protocol/);
    await new Promise((r) => setTimeout(r, 50));
    expect(uncaught).toEqual([]);
  });

  it("a fake server that never answers fails the caller within the time limit", async () => {
    const silent = createServer((socket) => socket.on("error", () => {}));
    servers.push(silent);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as { port: number }).port;
    const err = await openRedis(`redis://:secret@127.0.0.1:${port}`, 300).catch((e: Error) => e);
    expect(err).toBeInstanceOf(RedisConnectionError);
    expect(uncaught).toEqual([]);
  });

  it("refuses a URL that is not redis://, with the reason", async () => {
    await expect(openRedis("http://127.0.0.1:6379")).rejects.toThrow(/Only redis:\/\/ URLs/);
    await expect(openRedis("redis://127.0.0.1:6379/zero")).rejects.toThrow(/database in a redis:\/\/ URL is a number/);
  });

  it("a nested error reply (EXEC of a transaction with a failing command) stays in its place, and the next reply is the right one (real Redis)", async () => {
    const redis = await openRedis(REDIS_URL);
    try {
      const key = `skypanel-test:nested:${process.pid}`;
      const replies = await redis.multi().set(key, "not a number").incr(key).get(key).del(key).exec();
      expect(replies?.map(([err]) => err?.message ?? null)).toEqual([null, expect.stringMatching(/not an integer/), null, null]);
      expect(replies?.map(([, value]) => value)).toEqual(["OK", undefined, "not a number", 1]);
      // The connection is still in step: each later command gets its own reply.
      expect(await redis.call("ECHO", "after")).toBe("after");
      expect(await redis.call("EXISTS", key)).toBe(0);
    } finally {
      redis.disconnect();
    }
  });
});
