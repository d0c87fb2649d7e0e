// Against the real PostgreSQL and Redis on this machine: an unreachable server fails these tests.
import { TEST_PG_ADMIN_URL } from "@skypanel/db/testing";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../actor.ts";
import { createTestEngine, TEST_DRIVERS, type TestEngine } from "../testing.ts";
import { dropPostgresAddon } from "./postgres.ts";
import { dropRedisAddon } from "./redis.ts";
import { openRedis } from "./resp.ts";

const REDIS_ADMIN_URL = process.env.SKYPANEL_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

async function withClient<T>(url: string, run: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  try {
    return await run(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

const addonObjects = () =>
  withClient(TEST_PG_ADMIN_URL, async (sql) => {
    const dbs = await sql<{ name: string }[]>`SELECT datname AS name FROM pg_database WHERE datname LIKE 'addon\\_%'`;
    const roles = await sql<{ name: string }[]>`SELECT rolname AS name FROM pg_roles WHERE rolname LIKE 'addon\\_%'`;
    return [...dbs.map((r) => `db:${r.name}`), ...roles.map((r) => `role:${r.name}`)].sort();
  });

describe.each(TEST_DRIVERS)("managed add-ons on %s", (driver) => {
  let t: TestEngine;
  let alice: Actor;
  let viewer: Actor;
  const made: { type: string; resource: string }[] = [];
  const secret = async (app: string, key: string) =>
    (await t.engine.config.get(alice, app, { revealSecrets: true })).vars.find((v) => v.key === key)?.value ?? "";

  beforeAll(async () => {
    t = await createTestEngine(driver, { addons: { postgresUrl: TEST_PG_ADMIN_URL, redisUrl: REDIS_ADMIN_URL } });
    alice = await t.user("alice@example.com");
    viewer = await t.user("vera@example.com");
    const team = await t.engine.teams.create(alice, { name: "Data" });
    await t.engine.teams.addMember(alice, { teamId: team.id, email: "vera@example.com", role: "viewer" });
    await t.engine.apps.create(alice, { name: "shop", teamId: team.id });
    await t.engine.apps.create(alice, { name: "blog", teamId: team.id });
  });
  afterAll(async () => {
    for (const m of made) {
      await (m.type === "postgresql" ? dropPostgresAddon(TEST_PG_ADMIN_URL, m.resource) : dropRedisAddon(REDIS_ADMIN_URL, m.resource));
    }
    await t.close();
  });

  it("gives the app a DATABASE_URL to its own database, which other add-ons' roles cannot enter, until destroyed", async () => {
    const shopDb = await t.engine.addons.create(alice, "shop", { type: "postgresql" });
    made.push({ type: "postgresql", resource: shopDb.resource });
    const blogDb = await t.engine.addons.create(alice, "blog", { type: "postgresql", plan: "standard" });
    made.push({ type: "postgresql", resource: blogDb.resource });
    expect(shopDb).toMatchObject({
      type: "postgresql",
      plan: "hobby",
      status: "available",
      attachedAs: "DATABASE_URL",
      connectionLimit: 5,
    });
    expect(blogDb.connectionLimit).toBe(20);

    const shopUrl = await secret("shop", "DATABASE_URL");
    const config = await t.engine.config.get(alice, "shop");
    expect(config.vars.find((v) => v.key === "DATABASE_URL")).toMatchObject({ isSecret: true, value: null });
    const rows = await withClient(shopUrl, async (sql) => {
      await sql`CREATE TABLE orders (id int PRIMARY KEY, item text)`;
      await sql`INSERT INTO orders VALUES (1, 'tea')`;
      return sql`SELECT item FROM orders`;
    });
    expect(rows).toEqual([{ item: "tea" }]);

    // The blog's role, pointed at the shop's database, is refused.
    const blogUrl = new URL(await secret("blog", "DATABASE_URL"));
    blogUrl.pathname = `/${shopDb.resource}`;
    await expect(withClient(blogUrl.toString(), (sql) => sql`SELECT 1`)).rejects.toThrow(/permission denied|not permitted/);

    // The password is in no row of the platform database, audit log included.
    const password = new URL(shopUrl).password;
    const tables = await t.database.sql.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
    );
    for (const { table_name } of tables) {
      const found = await t.database.sql.query(`SELECT 1 FROM ${table_name} x WHERE x::text LIKE $1`, [`%${password}%`]);
      expect(found, table_name).toHaveLength(0);
    }

    await expect(t.engine.addons.destroy(alice, "shop", shopDb.id, { confirm: "blog" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await t.engine.addons.destroy(alice, "shop", shopDb.id, { confirm: "shop" });
    await expect(withClient(shopUrl, (sql) => sql`SELECT 1`)).rejects.toThrow();
    expect(await addonObjects()).not.toContain(`db:${shopDb.resource}`);
    expect(await addonObjects()).not.toContain(`role:${shopDb.resource}`);
    expect(await t.engine.addons.list(alice, "shop")).toEqual([]);
    expect((await t.engine.config.get(alice, "shop")).vars.map((v) => v.key)).not.toContain("DATABASE_URL");
    const audit = await t.database.sql.query<{ action: string }>("SELECT action FROM audit_log WHERE target_id = $1 ORDER BY id", [
      shopDb.id,
    ]);
    expect(audit.map((a) => a.action)).toEqual(["addons.insert", "addons.update", "addons.delete"]);
  });

  it("refuses a name the app already uses and leaves no database or role behind", async () => {
    await t.engine.config.set(alice, "shop", { ANALYTICS_DATABASE_URL: "postgres://elsewhere/db" });
    const before = await addonObjects();
    await expect(t.engine.addons.create(alice, "shop", { type: "postgresql", as: "ANALYTICS_DATABASE_URL" })).rejects.toMatchObject({
      code: "CONFLICT",
    });
    await expect(t.engine.addons.create(alice, "shop", { type: "postgresql", as: "not a name" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    expect(await addonObjects()).toEqual(before);
    expect(await t.engine.addons.list(alice, "shop")).toEqual([]);
    expect(await secret("shop", "ANALYTICS_DATABASE_URL")).toBe("postgres://elsewhere/db");
  });

  it("lets a viewer list add-ons but not create one", async () => {
    const before = await addonObjects();
    await expect(t.engine.addons.create(viewer, "shop", { type: "postgresql" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await addonObjects()).toEqual(before);
    expect(await t.engine.addons.list(viewer, "shop")).toEqual([]);
  });

  it("says which setting is missing when no server is registered", async () => {
    const bare = await createTestEngine(driver);
    try {
      const owner = await bare.user("owner@example.com");
      await bare.engine.apps.create(owner, { name: "lonely" });
      await expect(bare.engine.addons.create(owner, "lonely", { type: "redis" })).rejects.toMatchObject({
        code: "PRECONDITION_FAILED",
        message: expect.stringContaining("SKYPANEL_ADDON_REDIS_URL"),
      });
    } finally {
      await bare.close();
    }
  });

  it("gives a Redis add-on a user confined to its key prefix, removed with its keys on destroy", async () => {
    const cache = await t.engine.addons.create(alice, "blog", { type: "redis" });
    made.push({ type: "redis", resource: cache.resource });
    const url = await secret("blog", "REDIS_URL");
    expect(new URL(url).username).toBe(cache.resource);
    const redis = await openRedis(url);
    try {
      expect(await redis.command("SET", `${cache.resource}:greeting`, "hello")).toBe("OK");
      expect(await redis.command("GET", `${cache.resource}:greeting`)).toBe("hello");
      await expect(redis.command("SET", "someone-else:key", "x")).rejects.toThrow(/NOPERM/);
      await expect(redis.command("FLUSHALL")).rejects.toThrow(/NOPERM/);
    } finally {
      redis.close();
    }

    const detached = await t.engine.addons.detach(alice, "blog", cache.id);
    expect(detached.attachedAs).toBeNull();
    expect((await t.engine.config.get(alice, "blog")).vars.map((v) => v.key)).not.toContain("REDIS_URL");

    await t.engine.addons.destroy(alice, "blog", cache.id, { confirm: "blog" });
    await expect(openRedis(url)).rejects.toThrow(/WRONGPASS|invalid/);
    const admin = await openRedis(REDIS_ADMIN_URL);
    try {
      expect(await admin.command("ACL", "LIST")).not.toContainEqual(expect.stringContaining(cache.resource));
      expect(await admin.command("EXISTS", `${cache.resource}:greeting`)).toBe(0);
    } finally {
      admin.close();
    }
  });
});
