// Deploys for real: builds with Nix, instances in systemd-nspawn with their own network
// namespaces and cgroups, Caddy in front (PGlite for the control plane).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../actor.ts";
import { copyFixture, uploadDir, waitForBuild } from "../builds/testing.ts";
import { createEngine, type Engine } from "../engine.ts";
import { freePort, httpGet } from "../router/testing.ts";
import { createTestEngine, type TestEngine } from "../testing.ts";
import { waitForDeployment } from "./testing.ts";

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("deployments (nspawn, Caddy, real Nix; PGlite)", { timeout: 300_000 }, () => {
  let t: TestEngine;
  let engine: Engine;
  let alice: Actor;
  let httpPort: number;
  const cgroupParent = `sptest${process.pid}`;
  const runtimeOptions = () => ({
    mode: "nspawn" as const,
    router: { httpPort, baseDomain: "localhost" },
    cgroupParent,
    reconcileIntervalMs: 1000,
    deploy: { healthTimeoutMs: 20_000, drainMs: 300, canaryObserveMs: 1500 },
  });

  const get = () => httpGet({ port: httpPort, host: "shop.localhost", path: "/" });
  const source = (body: string, edit?: (dir: string) => void) => {
    const dir = copyFixture("node-npm-express");
    const server = join(dir, "server.js");
    writeFileSync(server, readFileSync(server, "utf8").replace("hello from node-npm-express", body));
    edit?.(dir);
    return uploadDir(t.home, dir);
  };
  const build = async (body: string, edit?: (dir: string) => void) => {
    const b = await waitForBuild(engine, alice, "shop", (await engine.builds.create(alice, "shop", source(body, edit))).id);
    expect(b.status, b.error ?? "").toBe("succeeded");
    return b;
  };
  // A deployment that never finishes fails the test with its last state instead of hanging it.
  const finished = (id: string) => waitForDeployment(engine, alice, "shop", id);
  const deploy = async (input: Parameters<Engine["deployments"]["create"]>[2]) =>
    finished((await engine.deployments.create(alice, "shop", input)).id);
  const rollback = async (release?: number) =>
    finished((await engine.deployments.rollback(alice, "shop", release === undefined ? {} : { release })).id);

  beforeAll(async () => {
    httpPort = await freePort();
    t = await createTestEngine("pglite", { builds: { concurrency: 2 }, runtime: runtimeOptions() });
    engine = t.engine;
    await engine.start();
    alice = await t.user("deployer@example.com");
    await engine.apps.create(alice, { name: "shop" });
  });
  afterAll(async () => {
    await engine.running?.shutdown();
    // The engine made by the restart test is not the one t.close() stops.
    if (engine !== t.engine) await engine.stop();
    await t.close();
  });

  it("deploys a build behind Caddy: v1, healthy, 200 at http://shop.localhost:<port>/", async () => {
    const b = await build("shop v1");
    const dep = await deploy({ buildId: b.id });
    expect(dep.status, dep.error ?? "").toBe("succeeded");
    expect((dep.steps as { name: string; status: string }[]).map((s) => s.status)).not.toContain("failed");
    const res = await get();
    expect(res.status).toBe(200);
    expect(res.body).toContain("shop v1");
    const instances = await engine.deployments.instances(alice, "shop");
    expect(instances.filter((i) => i.status === "running")).toMatchObject([
      { processType: "web", healthStatus: "healthy", runtimeMode: "nspawn" },
    ]);
    const logs = await engine.logs.query(alice, "shop", { tail: 50 });
    expect(logs.map((l) => l.line).join("\n")).toMatch(/listening on 5000/);
  });

  it("scales web to 2 and back to 1, each instance healthy and in rotation", async () => {
    await engine.formation.scale(alice, "shop", { web: 2 });
    for (let i = 0; i < 100 && (engine.running?.manager.rotation((await engine.apps.get(alice, "shop")).id).length ?? 0) < 2; i++)
      await wait(200);
    const appId = (await engine.apps.get(alice, "shop")).id;
    expect(engine.running?.manager.rotation(appId)).toHaveLength(2);
    for (let i = 0; i < 4; i++) expect((await get()).status).toBe(200);
    await engine.formation.scale(alice, "shop", { web: 1 });
    for (let i = 0; i < 100 && (engine.running?.manager.rotation(appId).length ?? 0) > 1; i++) await wait(200);
    expect(engine.running?.manager.rotation(appId)).toHaveLength(1);
    expect((await get()).status).toBe(200);
  });

  it("fails a release that never listens on $PORT, naming why, while v1 keeps serving", async () => {
    const b = await build("never", (dir) =>
      writeFileSync(join(dir, "server.js"), "setInterval(() => {}, 1000); console.log('not listening');"),
    );
    const dep = await deploy({ buildId: b.id });
    expect(dep.status).toBe("failed");
    expect(dep.error).toMatch(/did not become healthy|PORT/);
    expect((await get()).body).toContain("shop v1");
  });

  it("rolls out v2, then rolls back to v1, which serves again", async () => {
    const b = await build("shop v2");
    expect((await deploy({ buildId: b.id })).status).toBe("succeeded");
    expect((await get()).body).toContain("shop v2");
    const back = await rollback(1);
    expect(back.status, back.error ?? "").toBe("succeeded");
    expect((await get()).body).toContain("shop v1");
    const releases = await engine.releases.list(alice, "shop");
    expect(releases[0]).toMatchObject({ kind: "rollback", description: "Rollback to v1" });
  });

  it("a canary that crashes is rolled back by itself", async () => {
    const b = await build("canary", (dir) =>
      writeFileSync(
        join(dir, "server.js"),
        `require("http").createServer((q, r) => r.end("canary")).listen(process.env.PORT, () => setTimeout(() => process.exit(3), 800));`,
      ),
    );
    const dep = await deploy({ buildId: b.id, strategy: "canary" });
    expect(dep.status).toBe("rolled_back");
    expect(dep.error).toMatch(/canary failed/);
    expect((await get()).body).toContain("shop v1");
  });

  it("a restarted control plane re-adopts the running instances without duplicates", async () => {
    const appId = (await engine.apps.get(alice, "shop")).id;
    const before = engine.running?.manager.rotation(appId).map((m) => m.id) ?? [];
    expect(before).toHaveLength(1);
    // A route sync still waiting when the control plane stops is done, not dropped: a
    // deployment finishing in that moment once waited for it for ever.
    const pendingSync = engine.running?.manager.syncRoutes();
    await engine.stop();
    const synced = await Promise.race([pendingSync?.then(() => "synced"), wait(5000).then(() => "still waiting after 5 s")]);
    expect(synced).toBe("synced");
    // Stopping wrote what Caddy's access log counted for the app: the tests' requests so far.
    const [counted] = await t.database.sql.query<{ n: string }>(
      "SELECT coalesce(sum(request_count), 0) AS n FROM metrics_snapshots WHERE app_id = $1 AND instance_id IS NULL",
      [appId],
    );
    expect(Number(counted?.n)).toBeGreaterThan(0);
    // The app keeps serving with no control plane.
    expect((await get()).status).toBe(200);
    const again = await createEngine({ db: t.database.db, sql: t.database.sql, home: t.home, runtime: runtimeOptions() });
    // Every state the re-adopted instance is announced in: it never leaves rotation.
    const announced: string[] = [];
    again.bus.subscribe((e) => {
      if (e.type === "instance.updated" && before.includes(e.instanceId)) announced.push(`${e.status}/${e.health}`);
    });
    await again.start();
    engine = again;
    // In rotation as soon as start() returns, not after a first probe: Caddy's routes written
    // at start must still lead to it, so every request from the first one on is answered.
    expect(again.running?.manager.rotation(appId).map((m) => m.id)).toEqual(before);
    const answers: string[] = [];
    for (let i = 0; i < 100; i++) answers.push(await get().then((r) => `${r.status} ${r.body.slice(0, 40)}`));
    expect(answers.filter((a) => !a.startsWith("200") || !a.includes("shop v1"))).toEqual([]);
    expect(announced.filter((a) => a !== "running/healthy")).toEqual([]);
    await wait(1500);
    const live = (await again.deployments.instances(alice, "shop")).filter((i) => i.status === "running" || i.status === "starting");
    expect(live).toHaveLength(1);
    expect((await get()).body).toContain("shop v1");
  });

  it("deleting the app stops its instances and takes its route away", async () => {
    const appId = (await engine.apps.get(alice, "shop")).id;
    const handles = (engine.running?.supervisor.forApp(appId) ?? []).map((m) => m.handle).filter((h) => h !== null);
    expect(handles.length).toBeGreaterThan(0);
    await engine.apps.delete(alice, "shop");
    for (let i = 0; i < 50 && (engine.running?.supervisor.forApp(appId).length ?? 0) > 0; i++) await wait(200);
    expect(engine.running?.supervisor.forApp(appId)).toEqual([]);
    for (const h of handles) expect((await h.wait()).reason).toBe("stopped");
    for (let i = 0; i < 25 && (await get()).status !== 404; i++) await wait(200);
    expect((await get()).status).toBe(404);
  });
});
