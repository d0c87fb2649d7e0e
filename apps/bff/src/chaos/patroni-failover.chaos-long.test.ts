// The control database on Patroni + etcd (issue 18, part 4): two simulated hosts in network
// namespaces, PostgreSQL primary on A and synchronous standby on B. While config changes stream in
// and a deployment runs, host A dies (SIGKILL to Patroni and every PostgreSQL process on it).
// Patroni promotes B; the platform (engine + BFF in this process) finds it by itself through the
// two-host DATABASE_URL. Every acknowledged change is still there, the deployment ends with a
// status (never stuck), and the API answers again without a restart.
import { spawnSync } from "node:child_process";
import { migrateUp, openDatabase } from "@skypanel/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestBff, releaseNodeApp, type TestBff } from "../testing.ts";
import { PATRONI_TIMING, type PatroniCluster, startPatroniCluster } from "./patroni-cluster.testing.ts";
import { reportChaos } from "./report.ts";

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
// The app's web process listens only after this long, so the deployment is still waiting for it
// to be healthy when the primary dies.
const APP_START_DELAY_MS = 2500;

describe("chaos: the control database's primary host killed during a deployment (Patroni + etcd, real, two network namespaces)", {
  timeout: 180_000,
}, () => {
  let cluster: PatroniCluster | null = null;
  let t: TestBff | null = null;
  let storePath: string | null = null;

  beforeAll(async () => {
    cluster = await startPatroniCluster();
    const conn = await openDatabase({ databaseUrl: cluster.databaseUrl, maxConnections: 4 });
    await migrateUp(conn.sql);
    t = await createTestBff("postgres", {
      database: { ...conn, drop: () => conn.close() },
      runtime: { mode: "process", router: false, reconcileIntervalMs: 1000, deploy: { healthTimeoutMs: 60_000, drainMs: 0 } },
    });
    await t.engine.start();
    // The cluster's start waits for the standby's copy: up to 150 s on a busy machine.
  }, 240_000);
  afterAll(async () => {
    try {
      await t?.engine.running?.shutdown();
      await t?.close();
    } finally {
      await cluster?.cleanup();
      // Through Nix, never rm: a path removed behind its back stays "valid" in its database and
      // breaks every later store-wide pass (nix-store --optimise, --verify).
      if (storePath) spawnSync("nix-store", ["--delete", storePath], { encoding: "utf8" });
    }
  });

  it("promotes the standby; 0 acknowledged changes lost; the deployment ends with a status; the API answers again without a restart", async () => {
    if (!t || !cluster) throw new Error("no platform");
    const bff = t;
    await bff.engine.users.createFirstAdmin({ email: "ops@example.com", password: "correct horse battery" });
    const token = await bff.login("ops@example.com");
    for (const name of ["ha-web", "ha-vars"]) expect((await bff.rest("POST", "/api/apps", { token, body: { name } })).status).toBe(201);
    storePath = await releaseNodeApp(
      bff,
      token,
      (await bff.rest("GET", "/api/apps/ha-web", { token })).body.id,
      `setTimeout(() => require("node:http").createServer((req, res) => res.end("ha")).listen(Number(process.env.PORT)), ${APP_START_DELAY_MS});`,
    );
    const [build] = await bff.database.sql.query<{ id: string }>("SELECT id FROM builds");

    // Config changes, one var each, back to back until stopped; a 200 is an acknowledged change.
    const acknowledged: string[] = [];
    const statuses = new Map<number, number>();
    let stop = false;
    let firstOkAfterKill: number | null = null;
    let killedAt = 0;
    const writer = (async () => {
      for (let i = 0; !stop; i++) {
        const res = await bff.rest("POST", "/api/apps/ha-vars/config/vars", { token, body: { vars: { [`K${i}`]: `v${i}` } } });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        console.log(
          "DEBUG",
          i,
          res.status,
          killedAt ? Date.now() - killedAt : -1,
          res.status !== 200 ? JSON.stringify(res.body).slice(0, 200) : "",
        );
        if (res.status === 200) {
          acknowledged.push(`K${i}`);
          if (killedAt && firstOkAfterKill === null) firstOkAfterKill = Date.now() - killedAt;
        } else await wait(100);
      }
    })();

    const until = async (what: string, done: () => Promise<boolean>) => {
      for (const deadline = Date.now() + 30_000; !(await done()); await wait(100))
        if (Date.now() > deadline) throw new Error(`not within 30 s: ${what}`);
    };
    await until("20 acknowledged changes", async () => acknowledged.length >= 20);
    const started = await bff.rest("POST", "/api/apps/ha-web/deployments", { token, body: { buildId: build?.id } });
    expect(started.status).toBe(202);
    const deployment = `/api/apps/ha-web/deployments/${started.body.id}`;
    // The kill lands while the new instance is starting: the deployment is mid-rollout.
    await until("the deployment's rollout step", async () => {
      const steps: { name: string; status: string }[] = (await bff.rest("GET", deployment, { token })).body.steps ?? [];
      return steps.some((step) => step.name.startsWith("web: roll out") && step.status === "running");
    });
    const ackedBeforeKill = acknowledged.length;

    cluster.kill(cluster.hosts.a);
    killedAt = Date.now();
    const acknowledgedAtPromotion = { count: 0 };
    const ackedAfterKill = () => acknowledgedAtPromotion.count;
    await cluster.waitFor("b", { standby: false, timeoutMs: 60_000 });
    const promotedMs = Date.now() - killedAt;
    acknowledgedAtPromotion.count = acknowledged.length;

    // Ends with a status and a reason, read through the API (503s while the database is away).
    let ended: { status: string; error: string | null } | null = null;
    for (const deadline = Date.now() + 90_000; !ended && Date.now() < deadline; ) {
      const res = await bff.rest("GET", deployment, { token });
      if (res.status === 200 && !["queued", "running"].includes(res.body.status)) ended = res.body;
      else await wait(250);
    }
    // And the changes keep coming: ten more acknowledged after the failover.
    await until("10 changes acknowledged after the failover", async () => acknowledged.length >= ackedAfterKill() + 10);
    stop = true;
    await writer;
    expect(ended, "the deployment is still queued or running").not.toBeNull();
    expect(["succeeded", "failed"]).toContain(ended?.status);
    if (ended?.status === "failed") expect(ended.error).toBeTruthy();
    const [job] = await bff.database.sql.query<{ status: string }>("SELECT status FROM jobs WHERE payload->>'deploymentId' = $1", [
      started.body.id,
    ]);
    expect(job?.status).not.toBe("running");

    // Every change the API acknowledged is on the new primary.
    const config = await bff.rest("GET", "/api/apps/ha-vars/config", { token });
    expect(config.status).toBe(200);
    const lost = acknowledged.filter((key) => !(key in config.body.vars));
    expect(lost).toEqual([]);
    // Refused or unanswered changes are a 503, never a 500.
    expect([...statuses.keys()].filter((s) => s !== 200 && s !== 503)).toEqual([]);

    // The same process serves: the next requests all succeed.
    const after = [];
    for (let i = 0; i < 10; i++) after.push((await bff.rest("GET", "/api/apps/ha-vars", { token })).status);
    expect(after).toEqual(Array(10).fill(200));
    const members = await cluster.members();
    expect(members.find((m) => m.role === "leader")?.name).toBe("b");

    reportChaos({
      name: "control database primary killed (Patroni failover)",
      loss: {
        rowsLost: lost.length,
        jobsDropped: 0,
        requests: { sent: [...statuses.values()].reduce((a, b) => a + b, 0), failed: statuses.get(503) ?? 0 },
      },
      recoveryMs: firstOkAfterKill,
      notes: `ttl ${PATRONI_TIMING.ttl} s; B leader ${promotedMs} ms after the kill; deployment ${ended?.status}${ended?.error ? ` (${ended.error})` : ""}; ${acknowledged.length} changes acknowledged (${ackedBeforeKill} before the kill), ${lost.length} lost`,
    });
  });
});
