// The bus contract of bus.test.ts, against a real Redis, plus what only a shared bus can do:
// two buses (two control planes) see each other's events under the same ids.
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { redisRateLimiter } from "../auth/redis-rate-limit.ts";
import { type PlatformEvent, type SequencedEvent, sequencedEventsForApp } from "./bus.ts";
import { type RedisEventBus, redisEventBus } from "./redis-bus.ts";

const REDIS_URL = process.env.SKYPANEL_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

const deployment = (appId: string, n: number): PlatformEvent => ({
  type: "deployment.updated",
  appId,
  deploymentId: `d${n}`,
  status: "running",
});

describe("Redis event bus (real Redis)", () => {
  const prefixes: string[] = [];
  const buses: RedisEventBus[] = [];
  const admin = new Redis(REDIS_URL, { lazyConnect: true });
  afterAll(async () => {
    for (const bus of buses) await bus.close();
    for (const p of prefixes) await admin.del(`${p}:state`, `${p}:logs`, `${p}:limits:k`);
    admin.disconnect();
  });
  /** A bus on its own streams; `prefix` shares streams with an earlier one (another control plane). */
  const makeBus = async (options: { prefix?: string; capacity?: number } = {}) => {
    const prefix = options.prefix ?? `skypanel-test:${randomUUID()}`;
    prefixes.push(prefix);
    const bus = await redisEventBus({ connect: () => new Redis(REDIS_URL), prefix, capacity: options.capacity });
    buses.push(bus);
    return { bus, prefix };
  };

  /** Reads what the stream has for `appId` after `afterId` until `reader` has read everything `writers` published. */
  async function drain(reader: RedisEventBus, appId: string, afterId: string, during: () => void = () => {}, writers = [reader]) {
    const abort = new AbortController();
    const stream = sequencedEventsForApp(reader, appId, afterId, abort.signal);
    const got: SequencedEvent[] = [];
    const reading = (async () => {
      for await (const e of stream) got.push(e);
    })();
    await new Promise((r) => setImmediate(r));
    during();
    for (const w of writers) await w.flushed();
    // The reader's own read of another writer's event lands with a marker of its own published after it.
    if (writers.some((w) => w !== reader)) {
      reader.publish({ type: "metrics.tick", appId: "marker", sampledAt: new Date() });
      await reader.flushed();
    }
    await new Promise((r) => setImmediate(r));
    abort.abort();
    await reading;
    return got;
  }

  it("resumes after an id with exactly the later events of that app, once each and in order, then live ones", async () => {
    const { bus } = await makeBus();
    bus.publish(deployment("shop", 1));
    await bus.flushed();
    const seen = bus.head();
    bus.publish(deployment("shop", 2));
    bus.publish(deployment("blog", 3));
    bus.publish({ type: "app.log", appId: "shop", entry: {} as never });
    bus.publish(deployment("shop", 4));
    await bus.flushed();
    const got = await drain(bus, "shop", seen, () => bus.publish(deployment("shop", 5)));
    expect(got.map((e) => (e.event as { deploymentId: string }).deploymentId)).toEqual(["d2", "d4", "d5"]);
    expect(new Set(got.map((e) => e.id)).size).toBe(3);
    expect(await drain(bus, "shop", got[2]?.id ?? "")).toEqual([]);
  });

  it("tells a reader to resync when its id fell out of the buffer, is unknown, or is garbage", async () => {
    const { bus } = await makeBus({ capacity: 3 });
    bus.publish(deployment("shop", 1));
    await bus.flushed();
    const evicted = bus.head();
    for (let n = 2; n <= 5; n++) bus.publish(deployment("shop", n));
    await bus.flushed();
    const [ms] = bus.head().split("-");
    for (const id of [evicted, "garbage", `${ms}-999999`, "99999999999999-0", "1-0"]) {
      const got = await drain(bus, "shop", id, () => bus.publish(deployment("shop", 6)));
      expect(
        got.map((e) => e.event.type),
        id,
      ).toEqual(["resync", "deployment.updated"]);
      expect(bus.after(got[0]?.id ?? "")?.map((e) => e.id)).toEqual([got[1]?.id]);
    }
    // Exactly the last three are kept.
    const all = bus.after(evicted);
    expect(all).toBeNull();
  });

  it("gives subscribers of other apps nothing, and sequences state changes but not log lines", async () => {
    const { bus } = await makeBus();
    const start = bus.head();
    const ids: (string | null)[] = [];
    const off = bus.subscribe((_, id) => ids.push(id));
    const got = await drain(bus, "blog", start, () => {
      bus.publish(deployment("shop", 1));
      bus.publish({ type: "build.log", appId: "shop", buildId: "b1", line: 1, text: "npm ci" });
    });
    off();
    expect(got).toEqual([]);
    expect(ids).toHaveLength(2);
    expect(ids.filter((id) => id === null)).toHaveLength(1);
    expect(ids).toContain(bus.head());
  });

  it("two control planes: an event published on one reaches the other's readers under the same id, dates intact", async () => {
    const first = await makeBus();
    const second = await makeBus({ prefix: first.prefix });
    const seenBySecond: { event: PlatformEvent; id: string | null }[] = [];
    const localToSecond: PlatformEvent[] = [];
    second.bus.subscribe((event, id) => seenBySecond.push({ event, id }));
    second.bus.subscribe((event) => localToSecond.push(event), { localOnly: true });
    const sampledAt = new Date("2025-01-02T03:04:05.006Z");
    const start = second.bus.head();
    const got = await drain(
      second.bus,
      "shop",
      start,
      () => {
        first.bus.publish(deployment("shop", 1));
        first.bus.publish({ type: "metrics.tick", appId: "shop", sampledAt });
        first.bus.publish({ type: "app.log", appId: "shop", entry: { id: 7, line: "hi", loggedAt: sampledAt } as never });
      },
      [first.bus],
    );
    expect(got.map((e) => e.event.type)).toEqual(["deployment.updated", "metrics.tick"]);
    const firstSaw = first.bus.after(start)?.filter((e) => e.event.appId === "shop");
    expect(got.map((e) => e.id)).toEqual(firstSaw?.map((e) => e.id));
    expect((got[1]?.event as { sampledAt?: Date } | undefined)?.sampledAt).toEqual(sampledAt);
    const log = seenBySecond.find((e) => e.event.type === "app.log");
    expect(log?.id).toBeNull();
    expect((log?.event as { entry?: { loggedAt: Date } } | undefined)?.entry?.loggedAt).toEqual(sampledAt);
    // localOnly listeners hear only their own process's events: the marker the drain published.
    expect(localToSecond.map((e) => e.appId)).toEqual(["marker"]);
    // A dashboard that read id X from the first plane resumes on the second from X.
    const firstId = got[0]?.id ?? "";
    expect(second.bus.after(firstId)?.map((e) => e.event.type)).toEqual(["metrics.tick", "metrics.tick"]);
    expect(first.bus.after(firstId)?.map((e) => e.id)).toEqual(second.bus.after(firstId)?.map((e) => e.id));
  });

  it("a bus started later knows the events published before it (ids given out earlier still resume)", async () => {
    const first = await makeBus();
    first.bus.publish(deployment("shop", 1));
    await first.bus.flushed();
    const id = first.bus.head();
    first.bus.publish(deployment("shop", 2));
    await first.bus.flushed();
    const { bus: later } = await makeBus({ prefix: first.prefix });
    expect(later.after(id)?.map((e) => (e.event as { deploymentId: string }).deploymentId)).toEqual(["d2"]);
  });

  it("rate limits are shared by two connections (two control planes): 3 of 5 recorded pass, the rest wait", async () => {
    const prefix = `skypanel-test:${randomUUID()}`;
    prefixes.push(prefix);
    const a = new Redis(REDIS_URL);
    const b = new Redis(REDIS_URL);
    try {
      const one = redisRateLimiter(a, `${prefix}:limits`);
      const two = redisRateLimiter(b, `${prefix}:limits`);
      const verdicts: boolean[] = [];
      for (const limiter of [one, two, one, two, one]) {
        const { blocked } = await limiter.check("k", 3, 60_000);
        verdicts.push(blocked);
        if (!blocked) await limiter.record("k", 60_000);
      }
      expect(verdicts).toEqual([false, false, false, true, true]);
      const blocked = await one.check("k", 3, 60_000);
      expect(blocked.retryAfterSeconds).toBeGreaterThanOrEqual(59);
      await two.reset("k");
      expect((await one.check("k", 3, 60_000)).blocked).toBe(false);
    } finally {
      a.disconnect();
      b.disconnect();
    }
  });
});
