import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../actor.ts";
import { createTestEngine, TEST_DRIVERS, type TestEngine } from "../testing.ts";
import { enforceLogRetention } from "./retention-pass.ts";

const DAY = 86_400_000;
const MIB = 1024 * 1024;

describe.each(TEST_DRIVERS)("log retention per app on %s", (driver) => {
  let t: TestEngine;
  let ada: Actor;
  let eve: Actor;

  beforeAll(async () => {
    t = await createTestEngine(driver);
    ada = await t.user("ada@example.com");
    eve = await t.user("eve@example.com");
  });
  afterAll(async () => {
    await t?.close();
  });

  it("keeps the defaults until set, sets either limit, refuses bad limits and strangers, and resets", async () => {
    await t.engine.apps.create(ada, { name: "keeper" });
    const r = t.engine.logRetention;
    expect(await r.get(ada, "keeper")).toMatchObject({ days: 7, maxBytes: 100 * MIB, custom: false });
    expect(await r.set(ada, "keeper", { days: 30 })).toMatchObject({ days: 30, maxBytes: 100 * MIB, custom: true });
    expect(await r.set(ada, "keeper", { maxBytes: 5 * MIB })).toMatchObject({ days: 30, maxBytes: 5 * MIB, custom: true });
    await expect(r.set(ada, "keeper", { days: 0 })).rejects.toThrow(/days is a whole number from 1 to 365/);
    await expect(r.set(ada, "keeper", { days: 1.5 })).rejects.toThrow(/days is a whole number/);
    await expect(r.set(ada, "keeper", { maxBytes: 1000 })).rejects.toThrow(/bytes is a whole number from 1 MiB/);
    await expect(r.set(eve, "keeper", { days: 1 })).rejects.toThrow(/No app/);
    await expect(r.get(eve, "keeper")).rejects.toThrow(/No app/);
    expect(await r.get(ada, "keeper")).toMatchObject({ days: 30, maxBytes: 5 * MIB });
    expect(await r.reset(ada, "keeper")).toMatchObject({ days: 7, maxBytes: 100 * MIB, custom: false });
    const audit = await t.database.sql.query<{ action: string }>(
      "SELECT action FROM audit_log WHERE target_type = 'app_log_retention' ORDER BY id",
    );
    expect(audit.map((a) => a.action)).toEqual(["app_log_retention.insert", "app_log_retention.update", "app_log_retention.delete"]);
  });

  it("deletes each app's lines beyond its own days and bytes, oldest first, and keeps the rest", async () => {
    const now = new Date();
    const ago = (days: number, ms = 0) => new Date(now.getTime() - days * DAY + ms);
    const store = t.engine.logStore;
    for (const days of [40, 20, 10, 3]) await store.ensurePartitions(ago(days), 0);
    const plain = (await t.engine.apps.create(ada, { name: "plain" })).id; // the defaults below: 7 days, 10,000 bytes
    const brief = (await t.engine.apps.create(ada, { name: "brief" })).id; // 2 days, 1 MiB
    const long = (await t.engine.apps.create(ada, { name: "long" })).id; // 30 days, 100 MiB
    await t.engine.logRetention.set(ada, "brief", { days: 2, maxBytes: MIB });
    await t.engine.logRetention.set(ada, "long", { days: 30, maxBytes: 100 * MIB });

    store.append([
      { appId: plain, line: "plain 10 days ago", loggedAt: ago(10) },
      { appId: plain, line: "plain 3 days ago", loggedAt: ago(3) },
      // 200 lines of 100 bytes: 20,000 bytes, twice the budget.
      ...Array.from({ length: 200 }, (_, i) => ({
        appId: plain,
        line: `p${String(i).padStart(3, "0")}`.padEnd(100, "."),
        loggedAt: ago(0, -1000),
      })),
      { appId: brief, line: "brief 3 days ago", loggedAt: ago(3) },
      // 140 lines of 8,000 bytes: 1,120,000 bytes, over 1 MiB (1,048,576): the newest 131 fit.
      ...Array.from({ length: 140 }, (_, i) => ({
        appId: brief,
        line: `b${String(i).padStart(3, "0")}`.padEnd(8000, "."),
        loggedAt: ago(1),
      })),
      { appId: long, line: "long 40 days ago", loggedAt: ago(40) },
      { appId: long, line: "long 20 days ago", loggedAt: ago(20) },
      { appId: long, line: "long 10 days ago", loggedAt: ago(10) },
    ]);
    await store.flush();

    const result = await enforceLogRetention(t.database.sql, store, { days: 7, maxBytes: 10_000 }, now);
    const day = (d: Date) => `app_logs_${d.toISOString().slice(0, 10).replaceAll("-", "")}`;
    expect(result.droppedPartitions).toEqual([day(ago(40))]);
    expect(result.deletedForAge).toBe(2); // plain 10 days ago, brief 3 days ago
    // plain: "3 days ago" (its oldest line) and p000…p099; brief: b000…b008.
    expect(result.deletedForSize).toBe(101 + 9);

    const lines = async (appId: string) => (await store.query(appId, { tail: 10_000 })).map((l) => l.line.replace(/\.+$/, ""));
    const plainLines = await lines(plain);
    expect(plainLines).toHaveLength(100);
    expect(plainLines[0]).toBe("p100");
    expect(plainLines.at(-1)).toBe("p199");
    const briefLines = await lines(brief);
    expect(briefLines).toHaveLength(131);
    expect(briefLines[0]).toBe("b009");
    expect(await lines(long)).toEqual(["long 20 days ago", "long 10 days ago"]);

    // A second pass finds nothing left to do.
    expect(await enforceLogRetention(t.database.sql, store, { days: 7, maxBytes: 10_000 }, now)).toEqual({
      droppedPartitions: [],
      deletedForAge: 0,
      deletedForSize: 0,
    });
  });
});
