// Chaos case 4: SKYPANEL_HOME on a small filesystem (ext4 on a loop device) that fills up. The
// platform keeps its control database (PGlite), build sources and logs, and add-on backups there.
// With the disk full, a backup (pg_dump) and a build fail with "no space left on device" on the
// backup and the build, the API keeps serving, and the earlier backup and the database stay
// intact: after freeing space the same backup and build succeed, the earlier backup restores every
// row, and the platform starts again on that home.
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { archive, multipart } from "../platform-process.testing.ts";
import { type ControlPlane, cleanUp, startControlPlane } from "./control-plane.testing.ts";
import { createLoopFs, type LoopFs } from "./loop-fs.testing.ts";
import { createPgCluster, type PgCluster } from "./pg-cluster.testing.ts";
import { reportChaos } from "./report.ts";

const APP = "chaos-disk";
const ROWS = 60_000;
/** The app's archive: an index.html and this much incompressible data (its upload fits, its extraction does not). */
const BLOB_BYTES = 2 * 1024 * 1024;
const NO_SPACE = /no space left on device/i;

describe("chaos: SKYPANEL_HOME on a small full filesystem (a loop device)", { timeout: 600_000 }, () => {
  let disk: LoopFs | null = null;
  let cluster: PgCluster | null = null;
  let cp: ControlPlane | null = null;
  const source = mkdtempSync(join(tmpdir(), "skypanel-chaos-disk-app-"));
  let home = "";
  let env: Record<string, string> = {};

  beforeAll(async () => {
    disk = createLoopFs(128);
    home = join(disk.mount, "home");
    cluster = await createPgCluster();
    env = { SKYPANEL_ADDON_POSTGRES_URL: cluster.url(), SKYPANEL_BUILD_CONCURRENCY: "1" };
    cp = await startControlPlane(home, env);
    mkdirSync(join(source, "public"));
    writeFileSync(join(source, "index.html"), "<!doctype html><title>full disk</title><p>served after the disk was freed</p>\n");
    writeFileSync(join(source, "blob.bin"), randomBytes(BLOB_BYTES));
  });
  afterAll(async () => {
    // Each step whatever the others did: the loop device is always unmounted and detached.
    await cleanUp(
      () => cp?.stop(),
      () => cluster?.destroy(),
      () => disk?.destroy(),
      () => rmSync(source, { recursive: true, force: true }),
    );
  });

  const upload = async (c: ControlPlane) => {
    const { body, contentType } = multipart(archive(source), "app.tar.gz");
    const res = await fetch(`${c.api}/api/apps/${APP}/builds`, {
      method: "POST",
      headers: { authorization: `Bearer ${c.token}`, "content-type": contentType },
      body,
    });
    const json = (await res.json()) as { id?: string; error?: { message: string } };
    expect(res.status, JSON.stringify(json)).toBe(202);
    return json.id ?? "";
  };
  const finished = (c: ControlPlane, path: string, field = "status") =>
    c.until(
      path,
      () => c.call("GET", path),
      (r) => ["succeeded", "failed"].includes(r.body?.[field]),
      300_000,
    );

  it("fails the backup and the build clearly while it is full, corrupts nothing, and both succeed once space is freed", async () => {
    if (!cp || !disk || !cluster) throw new Error("no platform");
    let c = cp;
    expect((await c.call("POST", "/api/apps", { name: APP })).status).toBe(201);
    const made = await c.call("POST", `/api/apps/${APP}/addons`, { type: "postgresql" });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const addon = `/api/apps/${APP}/addons/${made.body.id}`;
    const config = await c.call("GET", `/api/apps/${APP}/config?reveal=secrets`);
    const rows = postgres(config.body.vars.DATABASE_URL, { max: 1, onnotice: () => {} });
    await rows`CREATE TABLE notes AS SELECT n, md5(random()::text) || md5(random()::text) AS body FROM generate_series(1, ${ROWS}) n`;

    // An earlier backup, taken with room to spare.
    const first = await c.call("POST", `${addon}/backups`);
    expect(first.status).toBe(202);
    expect((await finished(c, `${addon}/backups/${first.body.id}`)).body).toMatchObject({ status: "succeeded" });

    // Full: the backup fails with the disk's error, and leaves no half file behind.
    disk.leaveFree(128 * 1024);
    const fullBackup = await c.call("POST", `${addon}/backups`);
    expect(fullBackup.status, JSON.stringify(fullBackup.body)).toBe(202);
    const failedBackup = (await finished(c, `${addon}/backups/${fullBackup.body.id}`)).body;
    expect(failedBackup.status).toBe("failed");
    expect(failedBackup.error).toMatch(NO_SPACE);

    // Room for the upload but not for its extraction: the build fails with the disk's error.
    disk.leaveFree(BLOB_BYTES + BLOB_BYTES / 2);
    const fullBuild = (await finished(c, `/api/apps/${APP}/builds/${await upload(c)}`)).body;
    expect(fullBuild.status).toBe("failed");
    expect(fullBuild.error).toMatch(NO_SPACE);

    // Full to the last byte: the API still answers (reads), and an upload is refused with the reason.
    disk.leaveFree(0);
    const reads = [];
    for (let i = 0; i < 10; i++) reads.push((await c.call("GET", `/api/apps/${APP}/builds`)).status);
    const { body, contentType } = multipart(archive(source), "app.tar.gz");
    const refused = await fetch(`${c.api}/api/apps/${APP}/builds`, {
      method: "POST",
      headers: { authorization: `Bearer ${c.token}`, "content-type": contentType },
      body,
    }).catch((err) => {
      throw new Error(`${err.message} ${err.cause}: exit ${c.platform.child.exitCode}\n${c.platform.output().slice(-4000)}`);
    });
    const refusal = (await refused.json()) as { error: { message: string } };
    expect(refused.status, JSON.stringify(refusal)).toBe(503);
    expect(refusal.error.message).toMatch(NO_SPACE);

    // Space freed: the same backup and build succeed, and the earlier backup restores every row.
    disk.unfill();
    const freed = Date.now();
    const retryBackup = await c.call("POST", `${addon}/backups`);
    expect((await finished(c, `${addon}/backups/${retryBackup.body.id}`)).body).toMatchObject({ status: "succeeded" });
    const retryBuild = (await finished(c, `/api/apps/${APP}/builds/${await upload(c)}`)).body;
    expect(retryBuild.status, JSON.stringify(retryBuild)).toBe("succeeded");
    const recoveryMs = Date.now() - freed;
    await rows`DELETE FROM notes`;
    const restore = await c.call("POST", `${addon}/backups/${first.body.id}/restore`, { confirm: APP });
    expect(restore.status, JSON.stringify(restore.body)).toBe(202);
    expect((await finished(c, `${addon}/backups/${first.body.id}`, "restoreStatus")).body).toMatchObject({ restoreStatus: "succeeded" });
    const [{ count }] = (await rows`SELECT count(*)::int AS count FROM notes`) as [{ count: number }];
    await rows.end({ timeout: 5 });

    // The control database on that disk is whole: the platform starts again on it and knows everything.
    await c.stop();
    c = await startControlPlane(home, env);
    cp = c;
    const builds = (await c.call("GET", `/api/apps/${APP}/builds`)).body.builds as { status: string; error: string | null }[];
    const backups = (await c.call("GET", `${addon}/backups`)).body.backups as { status: string }[];
    const jobsDropped = builds.filter((b) => !(b.status === "succeeded" || (b.status === "failed" && b.error))).length;

    reportChaos({
      name: "SKYPANEL_HOME on a full filesystem",
      loss: { requests: { sent: reads.length, failed: reads.filter((s) => s !== 200).length }, jobsDropped, rowsLost: ROWS - count },
      recoveryMs,
      notes:
        "128 MiB ext4 on a loop device holding the PGlite control database; a backup and a build failed with ENOSPC on themselves; recovery = the retried backup and build succeeding after the space was freed",
    });
    expect(reads).toEqual(Array(10).fill(200));
    expect(count).toBe(ROWS);
    expect(builds.map((b) => b.status).sort()).toEqual(["failed", "succeeded"]);
    expect(backups.map((b) => b.status).sort()).toEqual(["failed", "succeeded", "succeeded"]);
    expect(jobsDropped).toBe(0);
  });
});
