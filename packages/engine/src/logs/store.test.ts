import { createTestDatabase, TEST_DRIVERS, type TestDatabase } from "@skypanel/db/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type AppLogEntry, memoryEventBus } from "../events/bus.ts";
import { guessLevel } from "./level.ts";
import { createLogStore, type LogStore } from "./store.ts";

describe("log level guess", () => {
  it.each([
    ['{"level":"error","msg":"x"}', "stdout", "error"],
    ['{"level":30,"msg":"pino info"}', "stdout", "info"],
    ["Error: connect ECONNREFUSED", "stdout", "error"],
    ["DeprecationWarning: Buffer()", "stderr", "warn"],
    ["listening on 5000", "stdout", "info"],
    ["some note on stderr", "stderr", "warn"],
  ] as const)("%s (%s) is %s", (line, stream, level) => {
    expect(guessLevel(line, stream)).toBe(level);
  });
});

describe.each(TEST_DRIVERS)("app log store on %s", (driver) => {
  let t: TestDatabase;
  let store: LogStore;
  let seen: AppLogEntry[];
  let appId: string;
  beforeEach(async () => {
    t = await createTestDatabase(driver);
    const bus = memoryEventBus();
    seen = [];
    bus.subscribe((e) => {
      if (e.type === "app.log") seen.push(e.entry);
    });
    store = createLogStore(t.sql, bus);
    await store.ensurePartitions();
    appId = "5f0c2a3e-0000-4000-8000-000000000001";
  });
  afterEach(async () => {
    await t.drop();
  });

  it("batches lines, numbers them, announces them, and reads back the newest in order", async () => {
    for (let i = 1; i <= 250; i++) store.append({ appId, processType: "web", line: `request ${i}` });
    store.append({ appId, processType: "worker", stream: "stderr", line: "Error: job failed" });
    await store.flush();
    expect(seen).toHaveLength(251);
    const tail = await store.query(appId, { tail: 3 });
    expect(tail.map((l) => l.line)).toEqual(["request 249", "request 250", "Error: job failed"]);
    expect(tail[2]).toMatchObject({ level: "error", stream: "stderr", processType: "worker" });
    const after = await store.query(appId, { afterId: tail[0]?.id, tail: 100 });
    expect(after.map((l) => l.line)).toEqual(["request 250", "Error: job failed"]);
    expect((await store.query(appId, { levels: ["error"] })).map((l) => l.line)).toEqual(["Error: job failed"]);
    expect((await store.query(appId, { processType: "worker" })).length).toBe(1);
    expect((await store.query(appId, { search: "request 17", tail: 1000 })).map((l) => l.line)).toContain("request 17");
    expect((await store.query("5f0c2a3e-0000-4000-8000-000000000002")).length).toBe(0);
  });

  it("stores each day in its own partition and drops whole old days for retention", async () => {
    const now = new Date();
    const old = new Date(now.getTime() - 10 * 86_400_000);
    await store.ensurePartitions(old, 0);
    store.append({ appId, line: "ten days ago", loggedAt: old });
    store.append({ appId, line: "today", loggedAt: now });
    await store.flush();
    const parts = await t.sql.query<{ name: string; n: string }>(
      "SELECT tableoid::regclass::text AS name, count(*) AS n FROM app_logs GROUP BY 1 ORDER BY 1",
    );
    expect(parts.map((p) => p.name)).toEqual([
      `app_logs_${old.toISOString().slice(0, 10).replaceAll("-", "")}`,
      `app_logs_${now.toISOString().slice(0, 10).replaceAll("-", "")}`,
    ]);
    const dropped = await store.dropOlderThan(7, now);
    expect(dropped).toHaveLength(1);
    expect((await store.query(appId)).map((l) => l.line)).toEqual(["today"]);
  });

  it("keeps a line for a day with no partition in the default one, still readable and still pruned", async () => {
    const future = new Date(Date.now() + 30 * 86_400_000);
    store.append({ appId, line: "from the future", loggedAt: future });
    await store.flush();
    const [row] = await t.sql.query<{ name: string }>("SELECT tableoid::regclass::text AS name FROM app_logs");
    expect(row?.name).toBe("app_logs_default");
    expect((await store.query(appId)).map((l) => l.line)).toEqual(["from the future"]);
    await store.dropOlderThan(0, new Date(future.getTime() + 2 * 86_400_000));
    expect(await store.query(appId)).toEqual([]);
  });
});
