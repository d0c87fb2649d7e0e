import { deleteExpiredRateLimits } from "@skypanel/db/queries";
import { createTestDatabase, TEST_DRIVERS, type TestDatabase } from "@skypanel/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RateLimitedError } from "../errors.ts";
import { createLoginGuard, LOGIN_LIMITS } from "./login-guard.ts";

describe.each(TEST_DRIVERS)("login guard on %s", (driver) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(driver);
  });
  afterAll(async () => {
    await database.drop();
  });

  /** Fires the attempts at once; answers how many were let through and how many refused. */
  async function fire(attempts: (() => Promise<unknown>)[]) {
    const results = await Promise.allSettled(attempts.map((a) => a()));
    const refused = results.filter((r) => r.status === "rejected" && r.reason instanceof RateLimitedError).length;
    const other = results.filter((r) => r.status === "rejected" && !(r.reason instanceof RateLimitedError));
    expect(other).toEqual([]);
    return { allowed: results.length - refused, refused };
  }

  it("lets through only the account's allowance of parallel attempts, from any addresses and two control planes", async () => {
    // Two guards over one database stand for two control planes.
    const [a, b] = [createLoginGuard(database.db), createLoginGuard(database.db)];
    const attempts = Array.from({ length: 30 }, (_, i) => () => (i % 2 ? a : b).attempt(" Victim@Example.com", `203.0.113.${i}`));
    expect(await fire(attempts)).toEqual({ allowed: LOGIN_LIMITS.perAccount, refused: 30 - LOGIN_LIMITS.perAccount });
    const refused = await a.attempt("victim@example.com", "198.51.100.1").catch((e) => e);
    expect(refused).toBeInstanceOf(RateLimitedError);
    expect(refused.details.retryAfterSeconds).toBeGreaterThan(LOGIN_LIMITS.windowMs / 1000 - 60);
  });

  it("limits one address across accounts, and a success gives the points back", async () => {
    const guard = createLoginGuard(database.db, { perAccount: 2, perAddress: 4, windowMs: 60_000 });
    const ok = await guard.attempt("first@example.com", "192.0.2.77");
    await ok.succeeded();
    // The success gave its point back: four more attempts from the address, each a new account.
    const attempts = Array.from({ length: 6 }, (_, i) => () => guard.attempt(`user${i}@example.com`, "192.0.2.77"));
    expect(await fire(attempts)).toEqual({ allowed: 4, refused: 2 });
    // Another address is not held back by this one.
    await expect(guard.attempt("user9@example.com", "192.0.2.78")).resolves.toBeDefined();
    // A success forgets the account's failures.
    await guard.attempt("second@example.com", "192.0.2.79");
    await (await guard.attempt("second@example.com", "192.0.2.79")).succeeded();
    await expect(guard.attempt("second@example.com", "192.0.2.79")).resolves.toBeDefined();
  });

  it("sweeps counters whose window has ended, and only those", async () => {
    await database.sql.exec(
      "INSERT INTO rate_limits (key, points, expire) VALUES ('login-account:gone@example.com', 3, now() - interval '1 minute')",
    );
    await deleteExpiredRateLimits(database.db, new Date());
    const keys = (await database.sql.query<{ key: string }>("SELECT key FROM rate_limits")).map((r) => r.key);
    expect(keys).not.toContain("login-account:gone@example.com");
    expect(keys).toContain("login-account:victim@example.com");
  });
});
