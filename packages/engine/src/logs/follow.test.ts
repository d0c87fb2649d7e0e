import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../actor.ts";
import { type AppLogEntry, memoryEventBus } from "../events/bus.ts";
import { createTestEngine, TEST_DRIVERS, type TestEngine } from "../testing.ts";
import { createLogs } from "./service.ts";
import { createLogStore, type LogStore } from "./store.ts";

/** Reads batches until `want` lines came, then stops the stream. */
async function take(stream: AsyncGenerator<AppLogEntry[]>, want: number, abort: AbortController) {
  const batches: AppLogEntry[][] = [];
  let lines = 0;
  for await (const batch of stream) {
    batches.push(batch);
    lines += batch.length;
    if (lines >= want) break;
  }
  abort.abort();
  return batches;
}

const lines = (n: number, from = 1) => Array.from({ length: n }, (_, i) => `line ${from + i}`);

describe.each(TEST_DRIVERS)("following an app's log in batches on %s", (driver) => {
  let t: TestEngine;
  let ada: Actor;
  let eve: Actor;
  let appId: string;
  let store: LogStore;
  let logs: ReturnType<typeof createLogs>;

  beforeAll(async () => {
    t = await createTestEngine(driver);
    ada = await t.user("ada@example.com");
    eve = await t.user("eve@example.com");
    appId = (await t.engine.apps.create(ada, { name: "chatty" })).id;
    const bus = memoryEventBus();
    store = createLogStore(t.database.sql, bus);
    await store.ensurePartitions();
    logs = createLogs(t.engine.apps, store, bus);
    store.append(lines(1500).map((line) => ({ appId, line })));
    await store.flush();
  });
  afterAll(async () => {
    await t?.close();
  });

  it("sends the stored tail in batches of at most 1,000, then a live burst as one batch, in order and each line once", async () => {
    const abort = new AbortController();
    const stream = logs.followBatches(ada, "chatty", { tail: 1500 }, abort.signal);
    const stored: AppLogEntry[] = (await stream.next()).value ?? [];
    expect(stored.map((e) => e.line).slice(0, 2)).toEqual(["line 1", "line 2"]);
    expect(stored).toHaveLength(1000);
    // A burst written while the reader is between batches arrives together.
    const rest = take(stream, 500 + 300, abort);
    store.append(lines(300, 1501).map((line) => ({ appId, line })));
    await store.flush();
    const batches = await rest;
    expect(batches.map((b) => b.length)).toEqual([500, 300]);
    const all = [...stored, ...batches.flat()].map((e) => e.line);
    expect(all).toEqual(lines(1800));
  });

  it("resumes after a batch's last id without repeating a line", async () => {
    const abort = new AbortController();
    const [first] = await take(logs.followBatches(ada, "chatty", { tail: 10 }, abort.signal), 10, abort);
    const lastId = first?.at(-1)?.id ?? 0;
    const again = new AbortController();
    const resumed = logs.followBatches(ada, "chatty", { tail: 10, afterId: lastId - 3 }, again.signal);
    const next: AppLogEntry[] = (await resumed.next()).value ?? [];
    again.abort();
    expect(next.map((e) => e.id)).toEqual([lastId - 2, lastId - 1, lastId]);
  });

  it("splits a burst larger than 1,000 lines into batches of at most 1,000", async () => {
    const abort = new AbortController();
    const stream = logs.followBatches(ada, "chatty", { tail: 1 }, abort.signal);
    await stream.next();
    const rest = take(stream, 2500, abort);
    store.append(lines(2500, 5001).map((line) => ({ appId, line })));
    await store.flush();
    const batches = await rest;
    expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(1000);
    expect(batches.flat().map((e) => e.line)).toEqual(lines(2500, 5001));
  });

  it("follows a search: stored and live lines alike are what the search finds", async () => {
    store.append({ appId, line: "Error: db pool stored" });
    await store.flush();
    const abort = new AbortController();
    const stream = logs.followBatches(ada, "chatty", { tail: 100, q: '"db pool" -retrying level:error' }, abort.signal);
    expect(((await stream.next()).value ?? []).map((e: AppLogEntry) => e.line)).toEqual(["Error: db pool stored"]);
    const rest = take(stream, 2, abort);
    store.append(
      ["Error: db pool exhausted", "Error: DB POOL exhausted, retrying", "error: db, pool", "db pool fine", "Error: db pool gone"].map(
        (line) => ({ appId, line }),
      ),
    );
    await store.flush();
    expect((await rest).flat().map((e) => e.line)).toEqual(["Error: db pool exhausted", "Error: db pool gone"]);
  });

  it("refuses a bad search before sending anything", async () => {
    await expect(logs.followBatches(ada, "chatty", { q: "colour:red" }).next()).rejects.toThrow(/"colour:" is not a search key/);
  });

  it("refuses a stranger before sending anything", async () => {
    await expect(logs.followBatches(eve, "chatty", { tail: 10 }).next()).rejects.toThrow(/No app/);
  });
});
