// The control database's failover behaviour that needs no cluster: multi-host URLs, which errors
// count as "the database is out of reach", bounded retries of repeatable writes, and a transaction
// whose connection is cut (real PostgreSQL: its backend terminated mid-transaction). The failover
// itself is apps/bff/src/chaos/patroni-failover.chaos-long.test.ts (npm run chaos).
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redactUrl } from "./client.ts";
import { connectionOptions, isConnectionLost, retryWhileUnreachable } from "./ha.ts";
import { createTestDatabase, TEST_DRIVERS, TEST_PG_ADMIN_URL, type TestDatabase } from "./testing.ts";

const lost = Object.assign(new Error("write CONNECTION_CLOSED 10.0.0.2:5432"), { code: "CONNECTION_CLOSED" });

describe("highly available control database: connection settings and retries", () => {
  it("a two-host URL: read-write connects only to a primary, and its password is hidden in messages", () => {
    const url = "postgres://sky:s3cret@10.0.0.2:5432,10.0.0.3:5432/skypanel?target_session_attrs=read-write";
    expect(connectionOptions(url)).toEqual({ connect_timeout: 5, target_session_attrs: "primary" });
    expect(connectionOptions("postgres://sky@db/skypanel")).toEqual({ connect_timeout: 5 });
    expect(redactUrl(url)).toBe("postgres://sky:***@10.0.0.2:5432,10.0.0.3:5432/skypanel?target_session_attrs=read-write");
    expect(redactUrl(url)).not.toContain("s3cret");
  });

  it("counts cut and refused connections (also wrapped by drizzle) as out of reach, and SQL errors not", () => {
    expect(isConnectionLost(lost)).toBe(true);
    expect(isConnectionLost(new Error("Failed query: update …", { cause: lost }))).toBe(true);
    expect(isConnectionLost(Object.assign(new Error("terminating connection"), { code: "57P01" }))).toBe(true);
    expect(isConnectionLost(new AggregateError([Object.assign(new Error("refused"), { code: "ECONNREFUSED" })]))).toBe(true);
    expect(isConnectionLost(Object.assign(new Error("duplicate key"), { code: "23505" }))).toBe(false);
    expect(isConnectionLost(new Error("plain"))).toBe(false);
  });

  it("retries a repeatable write while the database is out of reach, never an SQL error, and gives up after its bound", async () => {
    let calls = 0;
    expect(await retryWhileUnreachable(async () => (++calls < 3 ? Promise.reject(lost) : "written"), 5000)).toBe("written");
    expect(calls).toBe(3);

    let sqlCalls = 0;
    const duplicate = Object.assign(new Error("duplicate key"), { code: "23505" });
    await expect(retryWhileUnreachable(async () => Promise.reject(duplicate).finally(() => sqlCalls++), 5000)).rejects.toBe(duplicate);
    expect(sqlCalls).toBe(1);

    await expect(retryWhileUnreachable(async () => Promise.reject(lost), 300)).rejects.toBe(lost);
  });
});

describe.runIf(TEST_DRIVERS.includes("postgres"))("a transaction whose connection is cut (real PostgreSQL)", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase("postgres", { migrate: false });
    await t.sql.exec("CREATE TABLE notes (id int PRIMARY KEY)");
  });
  afterAll(async () => {
    await t?.drop();
  });

  it("fails with the connection's error, writes nothing, does not crash the process, and the next query reconnects", async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.on("uncaughtException", onUncaught);
    const admin = postgres(TEST_PG_ADMIN_URL, { max: 1, onnotice: () => {} });
    try {
      for (let round = 0; round < 5; round++) {
        const outcome = t.sql.transaction(async (tx) => {
          await tx.query("INSERT INTO notes VALUES ($1)", [round]);
          const [me] = await tx.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
          await admin`SELECT pg_terminate_backend(${me?.pid ?? 0})`;
          // The backend ends when it next checks for interrupts; on a busy machine that can come
          // after the statement below was sent. Wait until it is gone, so the cut is certain.
          for (let i = 0; i < 100; i++) {
            const [alive] = await admin`SELECT 1 FROM pg_stat_activity WHERE pid = ${me?.pid ?? 0}`;
            if (!alive) break;
            await new Promise((r) => setTimeout(r, 20));
          }
          await tx.query("INSERT INTO notes VALUES ($1)", [round + 100]);
        });
        const err = await outcome.then(
          () => null,
          (e: unknown) => e,
        );
        expect(isConnectionLost(err), String(err)).toBe(true);
      }
      // A moment for anything postgres.js scheduled on the dead sockets (porsager/postgres#1154).
      await new Promise((r) => setTimeout(r, 300));
      expect(uncaught).toEqual([]);
      expect(await t.sql.query("SELECT count(*)::int AS n FROM notes")).toEqual([{ n: 0 }]);
    } finally {
      process.off("uncaughtException", onUncaught);
      await admin.end({ timeout: 1 });
    }
  });
});
