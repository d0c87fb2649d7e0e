import type { Database } from "@skypanel/db";
import { findLease } from "@skypanel/db/queries";
import { createTestDatabase, type Driver, type TestDatabase } from "@skypanel/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_DRIVERS } from "../testing.ts";
import { createLeadership, LEASE_NAME, type Leadership } from "./leadership.ts";

const LEASE = { ttlMs: 3000, renewMs: 300 };

/** Polls `check` every 50 ms for at most `ms`; fails with `what`. */
async function until(what: string, check: () => boolean | Promise<boolean>, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.each(TEST_DRIVERS as Driver[])("leadership by lease on %s", (driver) => {
  let database: TestDatabase;
  const made: Leadership[] = [];
  const log: string[] = [];
  beforeAll(async () => {
    database = await createTestDatabase(driver);
  });
  afterAll(async () => {
    for (const l of made) await l.stop();
    await database.drop();
  });

  /** A control plane's leadership whose services only log; `db` may be a broken view of the database. */
  const plane = (name: string, db: Database = database.db) => {
    const l = createLeadership({
      db,
      lease: LEASE,
      lead: async () => {
        // What the lease says as the services start: this plane holds it.
        const lease = await findLease(database.db, LEASE_NAME);
        log.push(`${name} leads${lease?.holder === l.self ? "" : " WITHOUT THE LEASE"}`);
      },
      follow: async () => {
        const lease = await findLease(database.db, LEASE_NAME);
        // A plane that steps down because it cannot renew does so while its lease still runs.
        log.push(`${name} follows${lease?.holder === l.self && !lease.expired ? " (lease still running)" : ""}`);
      },
      onChange: () => {},
      onError: () => {},
    });
    made.push(l);
    return l;
  };

  it("exactly one of two control planes leads; both name it; a clean stop hands over at once", async () => {
    log.length = 0;
    const a = plane("a");
    const b = plane("b");
    await a.start();
    await b.start();
    expect([a.isLeader(), b.isLeader()]).toEqual([true, false]);
    expect((await a.status()).leader).toBe(a.self);
    expect((await b.status()).leader).toBe(a.self);
    await a.stop();
    await until("b leads", () => b.isLeader() && log.some((l) => l.startsWith("b leads")));
    expect(log).toEqual(["a leads", "a follows (lease still running)", "b leads"]);
    await b.stop();
    expect((await b.status()).leader).toBeNull();
  });

  it("a leader that cannot reach the database stops leading before its lease ends; the other takes over after it (database cut by a wrapper)", async () => {
    log.length = 0;
    let cut = false;
    const broken = new Proxy(database.db, {
      get(target, key, receiver) {
        if (cut && key === "insert") throw new Error("connection lost (cut by the test)");
        return Reflect.get(target, key, receiver);
      },
    });
    const a = plane("a", broken);
    const b = plane("b");
    await a.start();
    await b.start();
    expect(a.isLeader()).toBe(true);
    cut = true;
    // The log line is written after lead() reads the lease: wait for it, not only the flag.
    await until("b leads", () => b.isLeader() && log.some((l) => l.startsWith("b leads")), 3 * LEASE.ttlMs);
    expect(log).toEqual(["a leads", "a follows (lease still running)", "b leads"]);
    // a tries again, and follows: b renews in time.
    cut = false;
    await new Promise((r) => setTimeout(r, 3 * LEASE.renewMs));
    expect([a.isLeader(), b.isLeader()]).toEqual([false, true]);
    await a.stop();
    await b.stop();
  });

  it("alone (no lease) it simply leads from start to stop", async () => {
    const calls: string[] = [];
    const solo = createLeadership({
      db: database.db,
      lease: null,
      lead: async () => void calls.push("lead"),
      follow: async () => void calls.push("follow"),
    });
    await solo.start();
    expect(await solo.status()).toMatchObject({ mode: "solo", leading: true, leader: solo.self });
    await solo.stop();
    expect(calls).toEqual(["lead", "follow"]);
  });
});
