import { describe, expect, it } from "vitest";
import { type EventBus, memoryEventBus, type PlatformEvent, type SequencedEvent, sequencedEventsForApp } from "./bus.ts";

const deployment = (appId: string, n: number): PlatformEvent => ({
  type: "deployment.updated",
  appId,
  deploymentId: `d${n}`,
  status: "running",
});

/** Reads what the stream has for `appId` after `afterId` within a few ticks, then stops it. */
async function drain(bus: EventBus, appId: string, afterId: string, during: () => void = () => {}): Promise<SequencedEvent[]> {
  const abort = new AbortController();
  const stream = sequencedEventsForApp(bus, appId, afterId, abort.signal);
  const got: SequencedEvent[] = [];
  const reading = (async () => {
    for await (const e of stream) got.push(e);
  })();
  await new Promise((r) => setImmediate(r));
  during();
  await new Promise((r) => setImmediate(r));
  abort.abort();
  await reading;
  return got;
}

describe("event bus replay buffer", () => {
  it("resumes after an id with exactly the later events of that app, once each and in order, then live ones", async () => {
    const bus = memoryEventBus();
    bus.publish(deployment("shop", 1));
    const seen = bus.head();
    bus.publish(deployment("shop", 2));
    bus.publish(deployment("blog", 3));
    bus.publish({ type: "app.log", appId: "shop", entry: {} as never });
    bus.publish(deployment("shop", 4));
    const got = await drain(bus, "shop", seen, () => bus.publish(deployment("shop", 5)));
    expect(got.map((e) => (e.event as { deploymentId: string }).deploymentId)).toEqual(["d2", "d4", "d5"]);
    const seqs = got.map((e) => Number(e.id.split(":")[1]));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(got.map((e) => e.id)).size).toBe(3);
    // Resuming from the last one seen yields nothing again.
    expect(await drain(bus, "shop", got[2]?.id ?? "")).toEqual([]);
  });

  it("tells a reader to resync when its id fell out of the buffer, is unknown, or is from an earlier server process", async () => {
    const bus = memoryEventBus({ capacity: 3 });
    bus.publish(deployment("shop", 1));
    const evicted = bus.head();
    for (let n = 2; n <= 5; n++) bus.publish(deployment("shop", n));
    const earlierProcess = memoryEventBus();
    earlierProcess.publish(deployment("shop", 1));
    const epoch = bus.head().split(":")[0];
    for (const id of [evicted, earlierProcess.head(), "garbage", `${epoch}:99`]) {
      const got = await drain(bus, "shop", id, () => bus.publish(deployment("shop", 6)));
      expect(
        got.map((e) => e.event.type),
        id,
      ).toEqual(["resync", "deployment.updated"]);
      // The resync stands for everything up to it: resuming from it yields just what came after.
      expect(bus.after(got[0]?.id ?? "")?.map((e) => e.id)).toEqual([got[1]?.id]);
    }
    // Exactly the last three are kept: resuming before the oldest of them is a resync, from it is not.
    const head = Number(bus.head().split(":")[1]);
    expect(bus.after(`${epoch}:${head - 3}`)).toHaveLength(3);
    expect(bus.after(`${epoch}:${head - 4}`)).toBeNull();
  });

  it("gives subscribers of other apps nothing", async () => {
    const bus = memoryEventBus();
    const start = bus.head();
    bus.publish(deployment("shop", 1));
    const got = await drain(bus, "blog", start, () => {
      bus.publish(deployment("shop", 2));
      bus.publish({ type: "instance.updated", appId: "shop", instanceId: "i1", status: "running", health: "healthy" });
    });
    expect(got).toEqual([]);
  });

  it("sequences state changes but not log lines, which resume by their own ids", () => {
    const bus = memoryEventBus();
    const ids: (string | null)[] = [];
    bus.subscribe((_, id) => ids.push(id));
    bus.publish({ type: "build.log", appId: "shop", buildId: "b1", line: 1, text: "npm ci" });
    bus.publish({ type: "metrics.tick", appId: "shop", sampledAt: new Date() });
    expect(ids[0]).toBeNull();
    expect(ids[1]).toBe(bus.head());
    expect(bus.head()).toMatch(/^[a-z0-9]+:1$/);
  });
});
