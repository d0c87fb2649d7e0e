// Add-ons out of the box: this machine's PostgreSQL and Redis (scripts/test.sh starts them, as
// up.sh does) become the add-on servers through a role and a user the platform makes for itself.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { localAddonServers } from "./local-servers.ts";
import { createPostgresAddon, dropPostgresAddon } from "./postgres.ts";
import { createRedisAddon, dropRedisAddon } from "./redis.ts";
import { openRedis } from "./redis-client.ts";

const asSuperuser = (sql: string) =>
  spawnSync("runuser", ["-u", "postgres", "--", "psql", "-X", "-q", "-At", "-d", "postgres", "-c", sql], { cwd: "/", encoding: "utf8" });

describe("this machine's PostgreSQL and Redis as the add-on servers (real servers, as root)", () => {
  const home = mkdtempSync(join(tmpdir(), "skypanel-local-addons-"));
  let role = "";
  afterAll(async () => {
    if (role) {
      asSuperuser(`DROP ROLE IF EXISTS ${role}`);
      const redis = await openRedis("redis://127.0.0.1:6379");
      await redis.call("ACL", "DELUSER", role).finally(() => redis.disconnect());
    }
    rmSync(home, { recursive: true, force: true });
  });

  it("makes a role and a user of the platform's own, and add-ons made through them work", async () => {
    const servers = await localAddonServers({ home, postgresql: true, redis: true });
    expect(servers.notes.join("\n")).not.toMatch(/off/);
    const pgUrl = new URL(servers.postgresUrl ?? "");
    role = decodeURIComponent(pgUrl.username);
    expect(role).toMatch(/^skypanel_[0-9a-f]{12}$/);
    // Not a superuser: it may make roles and databases, nothing more.
    expect(asSuperuser(`SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = '${role}'`).stdout.trim()).toBe("f|t|t");
    // The password it made is kept where only root reads it.
    expect(statSync(join(home, "keys", "local-addon-servers.json")).mode & 0o777).toBe(0o600);

    const name = `addon_${"a".repeat(20)}${Date.now().toString(16).padStart(12, "0")}`;
    const appUrl = await createPostgresAddon(servers.postgresUrl ?? "", name, "hobby");
    try {
      const app = postgres(appUrl, { max: 1, onnotice: () => {} });
      await app`CREATE TABLE orders (id int)`;
      await app`INSERT INTO orders VALUES (42)`;
      expect(await app`SELECT id FROM orders`).toEqual([{ id: 42 }]);
      await app.end();
    } finally {
      await dropPostgresAddon(servers.postgresUrl ?? "", name);
    }
    expect(asSuperuser(`SELECT count(*) FROM pg_database WHERE datname = '${name}'`).stdout.trim()).toBe("0");

    const redisName = `addon_${"b".repeat(20)}${Date.now().toString(16).padStart(12, "0")}`;
    const cacheUrl = await createRedisAddon(servers.redisUrl ?? "", redisName);
    try {
      const cache = await openRedis(cacheUrl);
      expect(await cache.call("SET", `${redisName}:k`, "v")).toBe("OK");
      cache.disconnect();
    } finally {
      await dropRedisAddon(servers.redisUrl ?? "", redisName);
    }
  });

  it("finds the same role again at the next start, its password still good", async () => {
    const first = await localAddonServers({ home, postgresql: true, redis: true });
    // Someone changed the password behind the platform's back: the next start sets it again.
    asSuperuser(`ALTER ROLE ${role} PASSWORD 'changed'`);
    const second = await localAddonServers({ home, postgresql: true, redis: true });
    expect(second.postgresUrl).toBe(first.postgresUrl);
    const sql = postgres(second.postgresUrl ?? "", { max: 1, onnotice: () => {} });
    expect(await sql`SELECT current_user AS u`).toEqual([{ u: role }]);
    await sql.end();
  });

  it("says add-ons of a type are off, and why, when its server cannot be reached", async () => {
    const closedPort = 9; // discard: nothing listens there
    const servers = await localAddonServers({ home, postgresql: true, redis: true, postgresPort: closedPort, redisPort: closedPort });
    expect(servers.postgresUrl).toBeUndefined();
    expect(servers.redisUrl).toBeUndefined();
    expect(servers.notes[0]).toMatch(/^PostgreSQL add-ons are off: .*port 9.*SKYPANEL_ADDON_POSTGRES_URL$/);
    expect(servers.notes[1]).toMatch(/^Redis add-ons are off: .*port 9.*SKYPANEL_ADDON_REDIS_URL$/);
  });
});
