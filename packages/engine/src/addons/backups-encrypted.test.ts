// Add-on backups encrypted at rest and copied to an S3 bucket: the real PostgreSQL on this machine
// for the add-on, a local S3 API server (s3rver) on loopback for the bucket.
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { TEST_PG_ADMIN_URL } from "@skypanel/db/testing";
import postgres from "postgres";
import S3rver from "s3rver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../actor.ts";
import { createEngine } from "../engine.ts";
import { createTestEngine, TEST_DRIVERS, type TestEngine } from "../testing.ts";
import { pgDump } from "./pg-dump.ts";
import { dropPostgresAddon } from "./postgres.ts";

const MARKER = "plaintext-marker-4711";

async function withClient<T>(url: string, run: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  try {
    return await run(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

// One control-database driver: what is tested is the add-on server's dump, its encryption and the
// bucket; the few rows kept of a backup are ordinary queries that both drivers run elsewhere.
describe.each(TEST_DRIVERS.slice(0, 1))("encrypted add-on backups with an S3 copy, control database on %s", (driver) => {
  let server: S3rver;
  let s3dir: string;
  let s3: S3Client;
  let bucket: { endpoint: string; bucket: string; region: string; accessKeyId: string; secretAccessKey: string; prefix: string };
  let t: TestEngine;
  let alice: Actor;
  let root: Actor;
  let addonId = "";
  let url = "";
  const resources: string[] = [];

  const objects = async (prefix: string) =>
    ((await s3.send(new ListObjectsV2Command({ Bucket: "backups", Prefix: prefix }))).Contents ?? []).map((o) => o.Key ?? "");
  const notes = () =>
    withClient(url, (sql) => sql<{ body: string }[]>`SELECT body FROM notes ORDER BY id`.then((r) => r.map((x) => x.body)));
  const backup = async () => {
    const started = await t.engine.addons.backups.create(alice, "vault", addonId);
    await t.engine.addons.backups.waitFor(addonId);
    return t.engine.addons.backups.get(alice, "vault", addonId, started.id);
  };
  const restore = async (backupId: string) => {
    await t.engine.addons.backups.restore(alice, "vault", addonId, backupId, { confirm: "vault" });
    await t.engine.addons.backups.waitFor(addonId);
    return t.engine.addons.backups.get(alice, "vault", addonId, backupId);
  };
  const fileOf = (backupId: string) => join(t.home, "artifacts", "backups", addonId, `${backupId}.dump.enc`);

  beforeAll(async () => {
    s3dir = mkdtempSync(join(tmpdir(), "skypanel-s3-"));
    server = new S3rver({ port: 0, address: "127.0.0.1", directory: s3dir, silent: true });
    const { port } = await server.run();
    const endpoint = `http://127.0.0.1:${port}`;
    bucket = { endpoint, bucket: "backups", region: "us-east-1", accessKeyId: "S3RVER", secretAccessKey: "S3RVER", prefix: "plat" };
    s3 = new S3Client({
      endpoint,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    });
    await s3.send(new CreateBucketCommand({ Bucket: "backups" }));
    t = await createTestEngine(driver, { addons: { postgresUrl: TEST_PG_ADMIN_URL }, addonBackups: { bucket } });
    alice = await t.user("alice@example.com");
    root = await t.user("root@example.com", { isAdmin: true });
    await t.engine.apps.create(alice, { name: "vault" });
    const db = await t.engine.addons.create(alice, "vault", { type: "postgresql" });
    addonId = db.id;
    resources.push(db.resource);
    url = (await t.engine.config.get(alice, "vault", { revealSecrets: true })).vars.find((v) => v.key === "DATABASE_URL")?.value ?? "";
    await withClient(url, async (sql) => {
      await sql`CREATE TABLE notes (id serial PRIMARY KEY, body text)`;
      await sql`INSERT INTO notes (body) VALUES (${MARKER})`;
    });
  });
  afterAll(async () => {
    for (const r of resources) await dropPostgresAddon(TEST_PG_ADMIN_URL, r);
    await t?.close();
    await server?.close();
    rmSync(s3dir, { recursive: true, force: true });
  });

  it("writes no plain text to disk, copies the encrypted bytes to the bucket, and restores the rows", async () => {
    const b = await backup();
    expect(b).toMatchObject({ status: "succeeded", encrypted: true, remoteError: null });
    expect(b.remote).toBe(`s3://backups/plat/addon-backups/${addonId}/${b.id}.dump.enc`);
    const onDisk = readFileSync(fileOf(b.id));
    expect(onDisk.includes(Buffer.from(MARKER))).toBe(false);
    expect(onDisk.includes(Buffer.from("CREATE TABLE"))).toBe(false);
    expect(existsSync(join(t.home, "artifacts", "backups", addonId, `${b.id}.dump`))).toBe(false);
    const remote = await s3.send(new GetObjectCommand({ Bucket: "backups", Key: `plat/addon-backups/${addonId}/${b.id}.dump.enc` }));
    expect(Buffer.from((await remote.Body?.transformToByteArray()) ?? []).equals(onDisk)).toBe(true);

    await withClient(url, (sql) => sql`DELETE FROM notes`);
    expect(await restore(b.id)).toMatchObject({ restoreStatus: "succeeded", restoreError: null });
    expect(await notes()).toEqual([MARKER]);
  });

  it("refuses a tampered file (even with its checksum updated) and restores nothing", async () => {
    const b = await backup();
    await withClient(url, (sql) => sql`INSERT INTO notes (body) VALUES ('after the backup')`);
    const file = fileOf(b.id);
    const original = readFileSync(file);
    const tampered = Buffer.from(original);
    const at = Math.floor(tampered.length / 2);
    tampered[at] = (tampered[at] ?? 0) ^ 0xff;
    writeFileSync(file, tampered);
    // Whoever changed the file could change the checksum in the database too: the tags still refuse it.
    await t.database.sql.query("UPDATE addon_backups SET sha256 = $1 WHERE id = $2", [
      createHash("sha256").update(tampered).digest("hex"),
      b.id,
    ]);
    await expect(t.engine.addons.backups.restore(alice, "vault", addonId, b.id, { confirm: "vault" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(/changed or damaged.*nothing was restored/),
    });
    expect((await t.engine.addons.backups.get(alice, "vault", addonId, b.id)).restoreStatus).toBeNull();
    expect(await notes()).toEqual([MARKER, "after the backup"]);
    writeFileSync(file, original);
    await t.database.sql.query("UPDATE addon_backups SET sha256 = $1 WHERE id = $2", [
      createHash("sha256").update(original).digest("hex"),
      b.id,
    ]);
  });

  it("re-seals backups' data keys on a master key rotation, so they restore once the old key file is gone", async () => {
    const b = await backup();
    const oldKey = b.keyId ?? "";
    const rotated = await t.engine.keys.rotate(root);
    expect(rotated.retired).toContain(oldKey);
    const all = await t.engine.addons.backups.list(alice, "vault", addonId);
    expect(all.map((x) => x.keyId)).toEqual(all.map(() => rotated.keyId));
    unlinkSync(join(t.home, "keys", `${oldKey}.key`));
    // A second control plane over the same database and home: its keyring has only the new key.
    const again = await createEngine({
      db: t.database.db,
      sql: t.database.sql,
      home: t.home,
      addons: { postgresUrl: TEST_PG_ADMIN_URL },
      addonBackups: { bucket },
    });
    try {
      await withClient(url, (sql) => sql`DELETE FROM notes`);
      await again.addons.backups.restore(alice, "vault", addonId, b.id, { confirm: "vault" });
      await again.addons.backups.waitFor(addonId);
      expect(await again.addons.backups.get(alice, "vault", addonId, b.id)).toMatchObject({ restoreStatus: "succeeded" });
      expect(await notes()).toEqual([MARKER, "after the backup"]);
    } finally {
      await again.stop();
    }
  });

  it("fetches the file from the bucket when the local one is gone", async () => {
    const [newest] = await t.engine.addons.backups.list(alice, "vault", addonId);
    const id = newest?.id ?? "";
    unlinkSync(fileOf(id));
    await withClient(url, (sql) => sql`DELETE FROM notes`);
    expect(await restore(id)).toMatchObject({ restoreStatus: "succeeded", restoreError: null });
    expect(await notes()).toEqual([MARKER, "after the backup"]);
    expect(existsSync(fileOf(id))).toBe(true);
  });

  it("still restores a plain backup taken before backups were encrypted", async () => {
    const [row] = await t.database.sql.query<{ id: string }>(
      `INSERT INTO addon_backups (addon_id, trigger, status, finished_at) VALUES ($1, 'manual', 'succeeded', now()) RETURNING id`,
      [addonId],
    );
    const id = row?.id ?? "";
    const plain = join(t.home, "artifacts", "backups", addonId, `${id}.dump`);
    await withClient(url, (sql) => sql`INSERT INTO notes (body) VALUES ('in the plain dump')`);
    await pgDump(url, plain);
    await t.database.sql.query("UPDATE addon_backups SET sha256 = $1, size_bytes = 1 WHERE id = $2", [
      createHash("sha256").update(readFileSync(plain)).digest("hex"),
      id,
    ]);
    await withClient(url, (sql) => sql`DELETE FROM notes`);
    expect(await restore(id)).toMatchObject({ restoreStatus: "succeeded", encrypted: false, keyId: null, remote: null });
    expect(await notes()).toEqual([MARKER, "after the backup", "in the plain dump"]);
  });

  it("retention and destroy delete the bucket's copies too", async () => {
    const prefix = `plat/addon-backups/${addonId}/`;
    await t.database.sql.query("UPDATE addons SET created_at = now() - interval '3 days' WHERE id = $1", [addonId]);
    // Eight old scheduled backups with copies in the bucket: the next scheduled run keeps seven.
    for (let i = 0; i < 8; i++) {
      const key = `${prefix}old-${i}.dump.enc`;
      await s3.send(new PutObjectCommand({ Bucket: "backups", Key: key, Body: "x" }));
      await t.database.sql.query(
        `INSERT INTO addon_backups (addon_id, trigger, status, created_at, remote_key) VALUES ($1, 'schedule', 'succeeded', now() - interval '1 day' * (2 + $2), $3)`,
        [addonId, i, key],
      );
    }
    await t.engine.addons.backups.runDue();
    const left = await objects(prefix);
    expect(left.filter((k) => k.includes("/old-")).sort()).toEqual([0, 1, 2, 3, 4, 5].map((i) => `${prefix}old-${i}.dump.enc`));
    await t.engine.addons.destroy(alice, "vault", addonId, { confirm: "vault" });
    expect(await objects(prefix)).toEqual([]);
  });
});
