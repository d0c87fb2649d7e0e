import { copyFixture, uploadDir, waitForBuild } from "@skypanel/engine/build-testing";
import { freePort, httpGet } from "@skypanel/engine/router-testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestBff, type TestBff } from "../testing.ts";

describe("deployments over REST (process runtime, Caddy, real Nix; PGlite)", { timeout: 300_000 }, () => {
  let t: TestBff;
  let token: string;
  let strangerToken: string;
  let buildId: string;
  let httpPort: number;

  const finished = async (id: string) => {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const res = await t.rest("GET", `/api/apps/rest-run/deployments/${id}`, { token });
      expect(res.status).toBe(200);
      if (!["queued", "running"].includes(res.body.status)) return res.body;
      if (Date.now() > deadline) throw new Error(`deployment still ${res.body.status}: ${JSON.stringify(res.body.steps)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };

  beforeAll(async () => {
    httpPort = await freePort();
    t = await createTestBff("pglite", {
      builds: { concurrency: 2 },
      runtime: { mode: "process", router: { httpPort, baseDomain: "localhost" }, reconcileIntervalMs: 1000 },
    });
    await t.engine.start();
    await t.engine.users.createFirstAdmin({ email: "ops@example.com", password: "correct horse battery" });
    token = await t.login("ops@example.com");
    await t.rest("POST", "/api/users", { token, body: { email: "eve@example.com", password: "correct horse battery" } });
    strangerToken = await t.login("eve@example.com");
    await t.rest("POST", "/api/apps", { token, body: { name: "rest-run" } });
    const actor = { userId: (await t.engine.auth.authenticate(token))?.user.id ?? "", isAdmin: true };
    const created = await t.engine.builds.create(actor, "rest-run", uploadDir(t.home, copyFixture("node-greeting")));
    const build = await waitForBuild(t.engine, actor, "rest-run", created.id);
    expect(build.status, build.error ?? "").toBe("succeeded");
    buildId = build.id;
  });
  afterAll(async () => {
    await t.engine.running?.shutdown();
    await t.close();
  });

  it("refuses bad deployment requests with 400 and a stranger with 404, queuing nothing", async () => {
    const bad = [
      { strategy: "sideways", buildId },
      { buildId: "not-a-build" },
      {},
      { buildId, source: { type: "git", url: "https://example.com/x.git" } },
    ];
    for (const body of bad) {
      const res = await t.rest("POST", "/api/apps/rest-run/deployments", { token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.message).toBeTruthy();
    }
    expect((await t.rest("POST", "/api/apps/rest-run/deployments", { token, rawBody: "{not json" })).status).toBe(400);
    expect((await t.rest("POST", "/api/apps/rest-run/deployments", { token: strangerToken, body: { buildId } })).status).toBe(404);
    expect((await t.rest("GET", "/api/apps/rest-run/deployments", { token })).body.deployments).toEqual([]);
  });

  it("deploys a build: 202 queued, then succeeded with its steps, a v1 release, a healthy instance and a 200 through Caddy", async () => {
    const res = await t.rest("POST", "/api/apps/rest-run/deployments", { token, body: { buildId } });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: "queued" });
    const dep = await finished(res.body.id);
    expect(dep.status, dep.error ?? "").toBe("succeeded");
    expect(dep.steps.map((s: { name: string }) => s.name)).toContain("switch");

    const releases = (await t.rest("GET", "/api/apps/rest-run/releases", { token })).body.releases;
    expect(releases.map((r: { version: number }) => r.version)).toEqual([1]);
    const instances = (await t.rest("GET", "/api/apps/rest-run/instances", { token })).body.instances;
    expect(instances).toMatchObject([{ processType: "web", status: "running", healthStatus: "healthy", runtimeMode: "process" }]);

    const page = await httpGet({ port: httpPort, host: "rest-run.localhost", path: "/" });
    expect(page.status).toBe(200);
    expect(page.body.trim()).toBe("hello from node-greeting");
  });

  it("scales over PUT /scale and the instances follow", async () => {
    const put = await t.rest("PUT", "/api/apps/rest-run/scale", { token, body: { web: 2 } });
    expect(put).toMatchObject({ status: 200, body: { formation: { web: 2 } } });
    let running = 0;
    for (let i = 0; i < 100 && running < 2; i++) {
      const list = (await t.rest("GET", "/api/apps/rest-run/instances", { token })).body.instances;
      running = list.filter((x: { status: string; healthStatus: string }) => x.status === "running" && x.healthStatus === "healthy").length;
      if (running < 2) await new Promise((r) => setTimeout(r, 200));
    }
    expect(running).toBe(2);
  });

  it("restarts: 412 for an app never deployed, 400/404 for bad requests; POST /restart replaces every instance with a fresh one, same release, same count", async () => {
    await t.rest("POST", "/api/apps", { token, body: { name: "rest-idle" } });
    const idle = await t.rest("POST", "/api/apps/rest-idle/restart", { token });
    expect(idle.status).toBe(412);
    expect(idle.body.error.message).toMatch(/deploy it first/);
    const instances = async () =>
      (await t.rest("GET", "/api/apps/rest-run/instances", { token })).body.instances.filter(
        (x: { status: string; healthStatus: string }) => x.status === "running" && x.healthStatus === "healthy",
      ) as { id: string; releaseId: string }[];
    const before = await instances();
    expect(before).toHaveLength(2);
    expect((await t.rest("POST", "/api/apps/rest-run/restart", { token: strangerToken })).status).toBe(404);
    expect((await t.rest("POST", "/api/apps/rest-run/restart", { token, body: { strategy: "sideways" } })).status).toBe(400);

    const res = await t.rest("POST", "/api/apps/rest-run/restart", { token });
    expect(res.status).toBe(202);
    const dep = await finished(res.body.id);
    expect(dep.status, dep.error ?? "").toBe("succeeded");
    const after = await instances();
    expect(after).toHaveLength(2);
    expect(after.filter((x) => before.some((b) => b.id === x.id))).toEqual([]);
    expect(new Set(after.map((x) => x.releaseId))).toEqual(new Set(before.map((x) => x.releaseId)));
    const releases = (await t.rest("GET", "/api/apps/rest-run/releases", { token })).body.releases;
    expect(releases.map((r: { version: number }) => r.version)).toEqual([1]);
    expect((await httpGet({ port: httpPort, host: "rest-run.localhost", path: "/" })).status).toBe(200);
  });

  it("rolls back: no earlier release is a 412, bad JSON a 400; after a second deploy, POST /rollback goes back to v1", async () => {
    const none = await t.rest("POST", "/api/apps/rest-run/rollback", { token });
    expect(none.status).toBe(412);
    expect(none.body.error.message).toMatch(/no earlier release/);
    expect((await t.rest("POST", "/api/apps/rest-run/rollback", { token, rawBody: "[" })).status).toBe(400);

    const second = await t.rest("POST", "/api/apps/rest-run/deployments", { token, body: { buildId, strategy: "blue_green" } });
    expect((await finished(second.body.id)).status).toBe("succeeded");
    const back = await t.rest("POST", "/api/apps/rest-run/rollback", { token, body: { release: 1 } });
    expect(back.status).toBe(202);
    expect((await finished(back.body.id)).status).toBe("succeeded");
    const releases = (await t.rest("GET", "/api/apps/rest-run/releases", { token })).body.releases;
    expect(releases[0]).toMatchObject({ version: 3, kind: "rollback", description: "Rollback to v1" });
    const list = (await t.rest("GET", "/api/apps/rest-run/deployments", { token })).body.deployments;
    // deploy, restart, blue-green deploy, rollback
    expect(list.map((d: { strategy: string }) => d.strategy)).toEqual(["rolling", "blue_green", "rolling", "rolling"]);
  });

  // The zero-failed-requests proof is in packages/engine/src/deploy/zero-downtime.test.ts (containers behind
  // a service address): in process mode each rotation change reloads Caddy, which closes kept-alive connections.
  it("a config change over REST makes a config release and rolls it out: the app answers with the new value", async () => {
    const change = await t.rest("POST", "/api/apps/rest-run/config/vars", { token, body: { vars: { GREETING: "hej" } } });
    expect(change.status).toBe(200);
    const dep = await finished(change.body.deploymentId ?? "");
    expect(dep.status, dep.error ?? "").toBe("succeeded");
    expect(change.body).toMatchObject({ vars: { GREETING: "hej" }, secrets: [], release: { version: 4 } });
    const releases = (await t.rest("GET", "/api/apps/rest-run/releases", { token })).body.releases;
    expect(releases[0]).toMatchObject({ version: 4, kind: "config", description: "Set GREETING" });
    const page = await httpGet({ port: httpPort, host: "rest-run.localhost", path: "/" });
    expect(page.body.trim()).toBe("hello from node-greeting: hej");
  });
});
