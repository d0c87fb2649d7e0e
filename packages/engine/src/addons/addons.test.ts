// Against the real PostgreSQL and Redis on this machine: an unreachable server fails these tests.

import { createHash } from "node:crypto";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { TEST_PG_ADMIN_URL } from "@skypanel/db/testing";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../actor.ts";
import { createTestEngine, TEST_DRIVERS, type TestEngine } from "../testing.ts";
import { backupDue, lastBackupSlot } from "./backups.ts";
import { dropPostgresAddon } from "./postgres.ts";
import { dropRedisAddon } from "./redis.ts";
import { openRedis } from "./redis-client.ts";

const REDIS_ADMIN_URL = process.env.SKYPANEL_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

async function withClient<T>(url: string, run: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  try {
    return await run(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/**
 * Add-ons this engine made and then deleted (from its audit log) whose database or role is still
 * on the server. Other test files make add-ons on the same server at the same time, so a plain
 * before/after listing of the server would count theirs.
 */
async function leftovers(t: TestEngine) {
  const gone = await t.database.sql.query<{ resource: string }>(
    `SELECT a.details -> 'row' -> 'details' ->> 'resource' AS resource FROM audit_log a
      WHERE a.action = 'addons.insert' AND NOT EXISTS (SELECT 1 FROM addons x WHERE x.id::text = a.target_id::text)`,
  );
  const objects = await addonObjects();
  return gone.flatMap(({ resource }) => objects.filter((o) => o.endsWith(`:${resource}`)));
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
  let root: Actor;
  const made: { type: string; resource: string }[] = [];
  const secret = async (app: string, key: string) =>
    (await t.engine.config.get(alice, app, { revealSecrets: true })).vars.find((v) => v.key === key)?.value ?? "";

  beforeAll(async () => {
    t = await createTestEngine(driver, { addons: { postgresUrl: TEST_PG_ADMIN_URL, redisUrl: REDIS_ADMIN_URL } });
    alice = await t.user("alice@example.com");
    viewer = await t.user("vera@example.com");
    root = await t.user("root@example.com", { isAdmin: true });
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
    // Made, credentials sealed (names of the changed columns only), available, deleted.
    expect(audit.map((a) => a.action)).toEqual(["addons.insert", "addons.update", "addons.update", "addons.delete"]);
  });

  it("refuses a name the app already uses and leaves no database or role behind", async () => {
    await t.engine.config.set(alice, "shop", { ANALYTICS_DATABASE_URL: "postgres://elsewhere/db" });
    const inserts = async () => (await t.database.sql.query("SELECT 1 FROM audit_log WHERE action = 'addons.insert'")).length;
    const before = await inserts();
    await expect(t.engine.addons.create(alice, "shop", { type: "postgresql", as: "ANALYTICS_DATABASE_URL" })).rejects.toMatchObject({
      code: "CONFLICT",
    });
    await expect(t.engine.addons.create(alice, "shop", { type: "postgresql", as: "not a name" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    // Refused before anything was made: no add-on row, so no database or role either.
    expect(await inserts()).toBe(before);
    expect(await leftovers(t)).toEqual([]);
    expect(await t.engine.addons.list(alice, "shop")).toEqual([]);
    expect(await secret("shop", "ANALYTICS_DATABASE_URL")).toBe("postgres://elsewhere/db");
  });

  it("lets a viewer list add-ons but not create one", async () => {
    await expect(t.engine.addons.create(viewer, "shop", { type: "postgresql" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await leftovers(t)).toEqual([]);
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
      expect(await redis.call("SET", `${cache.resource}:greeting`, "hello")).toBe("OK");
      expect(await redis.call("GET", `${cache.resource}:greeting`)).toBe("hello");
      await expect(redis.call("SET", "someone-else:key", "x")).rejects.toThrow(/NOPERM/);
      await expect(redis.call("FLUSHALL")).rejects.toThrow(/NOPERM/);
    } finally {
      redis.disconnect();
    }

    const detached = await t.engine.addons.detach(alice, "blog", cache.id);
    expect(detached.attachedAs).toBeNull();
    expect((await t.engine.config.get(alice, "blog")).vars.map((v) => v.key)).not.toContain("REDIS_URL");

    await t.engine.addons.destroy(alice, "blog", cache.id, { confirm: "blog" });
    await expect(openRedis(url)).rejects.toThrow(/WRONGPASS|invalid/);
    const admin = await openRedis(REDIS_ADMIN_URL);
    try {
      expect(await admin.call("ACL", "LIST")).not.toContainEqual(expect.stringContaining(cache.resource));
      expect(await admin.call("EXISTS", `${cache.resource}:greeting`)).toBe(0);
    } finally {
      admin.disconnect();
    }
  });

  it("attaches one add-on to a second app under another name; a name already set there is refused and changes nothing", async () => {
    const db = await t.engine.addons.create(alice, "shop", { type: "postgresql" });
    made.push({ type: "postgresql", resource: db.resource });
    const url = await secret("shop", "DATABASE_URL");
    // A released app: each config change there is a new release.
    await t.release(alice, (await t.engine.apps.get(alice, "blog")).id, { web: "node server.js" });
    await t.engine.config.set(alice, "blog", { DATABASE_URL: "postgres://blog-own/db" });
    const blogVersion = async () => (await t.engine.releases.list(alice, "blog")).length;
    const releasesBefore = await blogVersion();

    await expect(t.engine.addons.attach(alice, "shop", db.id, { app: "blog" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("DATABASE_URL"),
    });
    await expect(t.engine.addons.attach(alice, "shop", db.id, { app: "blog", as: "not a name" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect(t.engine.addons.attach(viewer, "shop", db.id, { app: "blog", as: "SHOP_DATABASE_URL" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    expect(await secret("blog", "DATABASE_URL")).toBe("postgres://blog-own/db");
    expect(await blogVersion()).toBe(releasesBefore);
    expect((await t.engine.addons.get(alice, "shop", db.id)).attachments.map((a) => [a.app, a.as])).toEqual([["shop", "DATABASE_URL"]]);

    const heard: string[] = [];
    const stop = t.engine.bus.subscribe((e) => {
      if (e.type === "addon.updated" && e.addonId === db.id) heard.push(e.appId);
    });
    const attached = await t.engine.addons.attach(alice, "shop", db.id, { app: "blog", as: "SHOP_DATABASE_URL" });
    stop();
    // Both apps' dashboards hear of it.
    const ids = async (...names: string[]) => Promise.all(names.map(async (n) => (await t.engine.apps.get(alice, n)).id));
    expect(heard.sort()).toEqual((await ids("shop", "blog")).sort());
    expect(attached.attachments.map((a) => [a.app, a.as])).toEqual([
      ["shop", "DATABASE_URL"],
      ["blog", "SHOP_DATABASE_URL"],
    ]);
    expect(await secret("blog", "SHOP_DATABASE_URL")).toBe(url);
    expect(await blogVersion()).toBe(releasesBefore + 1);
    const fromBlog = await t.engine.addons.list(alice, "blog");
    expect(fromBlog.find((a) => a.id === db.id)).toMatchObject({ owner: { name: "shop" }, attachedAs: "SHOP_DATABASE_URL" });
    expect(fromBlog.find((a) => a.id === db.id)?.attachments).toHaveLength(1);
    // The same name twice on the same app is a conflict too.
    await expect(t.engine.addons.attach(alice, "shop", db.id, { app: "blog", as: "SHOP_DATABASE_URL" })).rejects.toMatchObject({
      code: "CONFLICT",
    });

    // Only the owner backs it up or destroys it.
    await expect(t.engine.addons.backups.create(alice, "blog", db.id)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(t.engine.addons.destroy(alice, "blog", db.id, { confirm: "blog" })).rejects.toMatchObject({ code: "FORBIDDEN" });

    // Detaching from blog removes blog's var only; the owner detaches and attaches again, after a key rotation.
    await t.engine.addons.detach(alice, "blog", db.id);
    expect((await t.engine.config.get(alice, "blog")).vars.map((v) => v.key)).not.toContain("SHOP_DATABASE_URL");
    expect(await secret("shop", "DATABASE_URL")).toBe(url);
    expect((await t.engine.addons.detach(alice, "shop", db.id)).attachedAs).toBeNull();
    expect((await t.engine.config.get(alice, "shop")).vars.map((v) => v.key)).not.toContain("DATABASE_URL");
    expect((await t.engine.keys.rotate(root)).addons).toBeGreaterThan(0);
    expect((await t.engine.addons.attach(alice, "shop", db.id, {})).attachedAs).toBe("DATABASE_URL");
    expect(await secret("shop", "DATABASE_URL")).toBe(url);
    expect(await withClient(url, (sql) => sql`SELECT 1 AS one`)).toEqual([{ one: 1 }]);

    // Unsetting the var by hand drops the attachment with it; destroy detaches from every app.
    await t.engine.addons.attach(alice, "shop", db.id, { app: "blog", as: "SHOP_DATABASE_URL" });
    await t.engine.config.unset(alice, "blog", ["SHOP_DATABASE_URL"]);
    expect((await t.engine.addons.get(alice, "shop", db.id)).attachments.map((a) => a.app)).toEqual(["shop"]);
    await t.engine.addons.attach(alice, "shop", db.id, { app: "blog", as: "SHOP_DATABASE_URL" });
    await t.engine.addons.destroy(alice, "shop", db.id, { confirm: "shop" });
    const keys = async (app: string) => (await t.engine.config.get(alice, app)).vars.map((v) => v.key);
    expect(await keys("blog")).not.toContain("SHOP_DATABASE_URL");
    expect(await keys("shop")).not.toContain("DATABASE_URL");
    expect((await t.engine.addons.list(alice, "blog")).map((a) => a.id)).not.toContain(db.id);
    await t.engine.config.unset(alice, "blog", ["DATABASE_URL"]);
  });

  it("backs up a PostgreSQL add-on with pg_dump and restores it into the same add-on and into a new one", async () => {
    const db = await t.engine.addons.create(alice, "shop", { type: "postgresql" });
    made.push({ type: "postgresql", resource: db.resource });
    const url = await secret("shop", "DATABASE_URL");
    await withClient(url, async (sql) => {
      await sql`CREATE TABLE notes (id serial PRIMARY KEY, body text)`;
      await sql`INSERT INTO notes (body) VALUES ('keep me')`;
    });

    const started = await t.engine.addons.backups.create(alice, "shop", db.id);
    expect(started).toMatchObject({ status: "running", trigger: "manual" });
    await t.engine.addons.backups.waitFor(db.id);
    const backup = await t.engine.addons.backups.get(alice, "shop", db.id, started.id);
    expect(backup).toMatchObject({ status: "succeeded", error: null });
    expect(backup.sizeBytes).toBeGreaterThan(0);
    const file = join(t.home, "artifacts", "backups", db.id, `${backup.id}.dump.enc`);
    expect(existsSync(file)).toBe(true);
    expect(await t.engine.addons.backups.list(viewer, "shop", db.id)).toHaveLength(1);
    await expect(t.engine.addons.backups.create(viewer, "shop", db.id)).rejects.toMatchObject({ code: "FORBIDDEN" });
    // One backup or restore at a time: a restore asked for while a backup runs is refused and
    // leaves no trace. The test's lock on the table holds that backup's pg_dump until it commits.
    await withClient(url, (sql) =>
      sql.begin(async (tx) => {
        await tx`LOCK TABLE notes IN ACCESS EXCLUSIVE MODE`;
        await t.engine.addons.backups.create(alice, "shop", db.id);
        await expect(t.engine.addons.backups.restore(alice, "shop", db.id, backup.id, { confirm: "shop" })).rejects.toMatchObject({
          code: "CONFLICT",
        });
      }),
    );
    expect((await t.engine.addons.backups.get(alice, "shop", db.id, backup.id)).restoreStatus).toBeNull();
    await t.engine.addons.backups.waitFor(db.id);

    await withClient(url, async (sql) => {
      await sql`DELETE FROM notes`;
      await sql`CREATE TABLE made_after (id int)`;
    });
    // Restoring over live data needs the app's name; a refused restore touches nothing.
    await expect(t.engine.addons.backups.restore(alice, "shop", db.id, backup.id, {})).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(t.engine.addons.backups.restore(alice, "shop", db.id, "not-a-backup", { confirm: "shop" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect(await withClient(url, (sql) => sql`SELECT body FROM notes`)).toEqual([]);

    const restoring = await t.engine.addons.backups.restore(alice, "shop", db.id, backup.id, { confirm: "shop" });
    expect(restoring).toMatchObject({ restoreStatus: "running", restoredInto: db.id });
    await t.engine.addons.backups.waitFor(db.id);
    expect(await t.engine.addons.backups.get(alice, "shop", db.id, backup.id)).toMatchObject({
      restoreStatus: "succeeded",
      restoreError: null,
    });
    expect(await withClient(url, (sql) => sql`SELECT body FROM notes`)).toEqual([{ body: "keep me" }]);
    // The database is the backup's again: what was made after it is gone.
    expect(await withClient(url, (sql) => sql`SELECT to_regclass('made_after') AS t`)).toEqual([{ t: null }]);
    // The restored table is the add-on role's, so the app can keep writing to it.
    await withClient(url, (sql) => sql`INSERT INTO notes (body) VALUES ('after restore')`);

    const intoNew = await t.engine.addons.backups.restore(alice, "shop", db.id, backup.id, { into: "new", as: "COPY_DATABASE_URL" });
    const copy = intoNew.restoredInto ?? "";
    made.push({ type: "postgresql", resource: (await t.engine.addons.get(alice, "shop", copy)).resource });
    await t.engine.addons.backups.waitFor(copy);
    expect(await t.engine.addons.backups.get(alice, "shop", db.id, backup.id)).toMatchObject({
      restoreStatus: "succeeded",
      restoredInto: copy,
    });
    expect(await withClient(await secret("shop", "COPY_DATABASE_URL"), (sql) => sql`SELECT body FROM notes`)).toEqual([
      { body: "keep me" },
    ]);

    // A damaged file is refused before anything is dropped.
    writeFileSync(file, "not a dump");
    await expect(t.engine.addons.backups.restore(alice, "shop", db.id, backup.id, { confirm: "shop" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("damaged"),
    });
    expect(await withClient(url, (sql) => sql`SELECT count(*)::int AS n FROM notes`)).toEqual([{ n: 2 }]);
    // One that passes the checksum is still refused: it does not decrypt (backups-encrypted.test.ts
    // tampers with a real one), and nothing was dropped.
    const sha = createHash("sha256").update("not a dump").digest("hex");
    await t.database.sql.query("UPDATE addon_backups SET sha256 = $1 WHERE id = $2", [sha, backup.id]);
    await expect(t.engine.addons.backups.restore(alice, "shop", db.id, backup.id, { confirm: "shop" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("changed or damaged"),
    });
    expect(await withClient(url, (sql) => sql`SELECT count(*)::int AS n FROM notes`)).toEqual([{ n: 2 }]);

    await t.engine.addons.destroy(alice, "shop", copy, { confirm: "shop" });
    await t.engine.addons.destroy(alice, "shop", db.id, { confirm: "shop" });
    expect(existsSync(join(t.home, "artifacts", "backups", db.id))).toBe(false);
  });

  it("takes the daily backup once its hour has passed and keeps the newest seven", async () => {
    const db = await t.engine.addons.create(alice, "blog", { type: "postgresql", as: "NIGHTLY_DATABASE_URL" });
    made.push({ type: "postgresql", resource: db.resource });
    expect(db.backupHour).toBe(2);
    await expect(t.engine.addons.backups.setSchedule(alice, "blog", db.id, { hour: 24 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    // Made just now: the last slot is before it, so nothing is due yet.
    await t.engine.addons.backups.runDue();
    expect(await t.engine.addons.backups.list(alice, "blog", db.id)).toEqual([]);

    await t.database.sql.query("UPDATE addons SET created_at = now() - interval '3 days' WHERE id = $1", [db.id]);
    for (let i = 0; i < 7; i++) {
      await t.database.sql.query(
        `INSERT INTO addon_backups (addon_id, trigger, status, created_at) VALUES ($1, 'schedule', 'succeeded', now() - interval '1 day' * (2 + $2))`,
        [db.id, i],
      );
    }
    await t.engine.addons.backups.runDue();
    await t.engine.addons.backups.runDue();
    const list = await t.engine.addons.backups.list(alice, "blog", db.id);
    expect(list).toHaveLength(7);
    expect(list[0]).toMatchObject({ trigger: "schedule", status: "succeeded" });
    expect(list[0]?.createdAt.getTime()).toBeGreaterThan(Date.now() - 60_000);

    await t.engine.addons.backups.setSchedule(alice, "blog", db.id, { hour: null });
    expect((await t.engine.addons.get(alice, "blog", db.id)).backupHour).toBeNull();
    await t.engine.addons.destroy(alice, "blog", db.id, { confirm: "blog" });
  });

  it("deleting the app destroys the add-ons it owns, on the server too, and detaches them from other apps", async () => {
    await t.engine.apps.create(alice, { name: "temp", teamId: (await t.engine.apps.get(alice, "shop")).teamId });
    const db = await t.engine.addons.create(alice, "temp", { type: "postgresql" });
    made.push({ type: "postgresql", resource: db.resource });
    await t.engine.addons.attach(alice, "temp", db.id, { app: "blog", as: "TEMP_DATABASE_URL" });
    await t.engine.addons.backups.create(alice, "temp", db.id);
    await t.engine.addons.backups.waitFor(db.id);
    expect(await addonObjects()).toContain(`db:${db.resource}`);

    await t.engine.apps.delete(alice, "temp");
    expect(await addonObjects()).not.toContain(`db:${db.resource}`);
    expect(await addonObjects()).not.toContain(`role:${db.resource}`);
    expect((await t.engine.config.get(alice, "blog")).vars.map((v) => v.key)).not.toContain("TEMP_DATABASE_URL");
    expect(existsSync(join(t.home, "artifacts", "backups", db.id))).toBe(false);
  });

  it("refuses backups of a Redis add-on", async () => {
    const cache = await t.engine.addons.create(alice, "shop", { type: "redis" });
    made.push({ type: "redis", resource: cache.resource });
    await expect(t.engine.addons.backups.create(alice, "shop", cache.id)).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await t.engine.addons.destroy(alice, "shop", cache.id, { confirm: "shop" });
  });
});

describe("the daily backup slot", () => {
  const at = (iso: string) => new Date(iso);
  it("is the latest passed hour:00 UTC", () => {
    expect(lastBackupSlot(at("2026-11-28T05:30:00Z"), 2)).toEqual(at("2026-11-28T02:00:00Z"));
    expect(lastBackupSlot(at("2026-11-28T01:59:00Z"), 2)).toEqual(at("2026-11-27T02:00:00Z"));
    expect(lastBackupSlot(at("2026-12-01T00:10:00Z"), 23)).toEqual(at("2026-11-30T23:00:00Z"));
  });
  it("is due once per slot, never for an add-on made after it, never when off", () => {
    const now = at("2026-11-28T05:00:00Z");
    const old = at("2026-11-01T00:00:00Z");
    expect(backupDue(old, 2, null, now)).toBe(true);
    expect(backupDue(old, 2, at("2026-11-27T02:01:00Z"), now)).toBe(true);
    expect(backupDue(old, 2, at("2026-11-28T02:01:00Z"), now)).toBe(false);
    expect(backupDue(at("2026-11-28T03:00:00Z"), 2, null, now)).toBe(false);
    expect(backupDue(old, null, null, now)).toBe(false);
  });
});
