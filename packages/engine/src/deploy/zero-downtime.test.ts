// Zero lost requests: constant load through a real Caddy (autocannon on loopback) while the app
// is redeployed, scaled down, or loses an instance to SIGKILL. Instances in systemd-nspawn,
// builds with real Nix, PGlite for the control plane.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import autocannon from "autocannon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../actor.ts";
import { copyFixture, uploadDir, waitForBuild } from "../builds/testing.ts";
import type { Engine } from "../engine.ts";
import { freePort } from "../router/testing.ts";
import { cgroupPids, detectCgroupHost, instanceCgroup } from "../runtime/cgroups.ts";
import { createTestEngine, type TestEngine } from "../testing.ts";
import { waitForDeployment } from "./testing.ts";

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface LoadResult {
  ok: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  bodies: Set<string>;
}

describe("zero-downtime under load through Caddy (nspawn, real Nix; PGlite)", { timeout: 300_000 }, () => {
  let t: TestEngine;
  let engine: Engine;
  let alice: Actor;
  let httpPort: number;
  let appId: string;
  const cgroupParent = `spzd${process.pid}`;

  const build = async (body: string) => {
    const dir = copyFixture("node-npm-express");
    const server = join(dir, "server.js");
    writeFileSync(server, readFileSync(server, "utf8").replace("hello from node-npm-express", body));
    const b = await waitForBuild(engine, alice, "steady", (await engine.builds.create(alice, "steady", uploadDir(t.home, dir))).id);
    expect(b.status, b.error ?? "").toBe("succeeded");
    return b;
  };
  const finished = (id: string) => waitForDeployment(engine, alice, "steady", id);
  const rotation = () => engine.running?.manager.rotation(appId) ?? [];
  const untilRotation = async (n: number) => {
    for (let i = 0; i < 150 && rotation().length !== n; i++) await wait(200);
    expect(rotation()).toHaveLength(n);
  };

  /**
   * Runs `operation` while 8 connections send GETs through Caddy without pause; the load starts
   * 1 s before and stops 1.5 s after it (at most 60 s, 400,000 requests).
   */
  async function underLoad(operation: () => Promise<void>): Promise<LoadResult> {
    const bodies = new Set<string>();
    let finish: (result: autocannon.Result) => void = () => {};
    let fail: (err: Error) => void = () => {};
    const done = new Promise<autocannon.Result>((resolve, reject) => {
      finish = resolve;
      fail = reject;
    });
    // With a callback autocannon returns the running instance, which can be stopped.
    const instance = autocannon(
      {
        url: `http://127.0.0.1:${httpPort}/`,
        headers: { host: `steady.localhost:${httpPort}` },
        requests: [{ method: "GET", path: "/", onResponse: (_status, body) => void bodies.add(body.trim()) }],
        connections: 8,
        duration: 60,
        amount: 400_000,
        timeout: 10,
      },
      (err, summary) => (err ? fail(err) : finish(summary)),
    );
    await wait(1000);
    try {
      await operation();
      await wait(1500);
    } finally {
      instance.stop();
    }
    const summary = await done;
    // errors counts failed connections and timeouts alike; non2xx every answer but a 2xx.
    const result = { ok: summary["2xx"], errors: summary.errors, timeouts: summary.timeouts, non2xx: summary.non2xx, bodies };
    return result;
  }

  beforeAll(async () => {
    httpPort = await freePort();
    t = await createTestEngine("pglite", {
      builds: { concurrency: 2 },
      runtime: {
        mode: "nspawn",
        router: { httpPort, baseDomain: "localhost" },
        cgroupParent,
        reconcileIntervalMs: 1000,
        // Room for an instance to start while the chaos suite's CPU hog and a Patroni cluster share
        // the 2 cores (CI once saw a start take over 20 s); what is asserted is that no request fails.
        deploy: { healthTimeoutMs: 60_000, drainMs: 500 },
      },
    });
    engine = t.engine;
    await engine.start();
    alice = await t.user("steady@example.com");
    appId = (await engine.apps.create(alice, { name: "steady" })).id;
    const b = await build("steady v1");
    const dep = await finished((await engine.deployments.create(alice, "steady", { buildId: b.id })).id);
    expect(dep.status, dep.error ?? "").toBe("succeeded");
    await engine.formation.scale(alice, "steady", { web: 2 });
    await untilRotation(2);
  });
  afterAll(async () => {
    await engine.running?.shutdown();
    await t.close();
  });

  it("a rolling redeploy of web=2 loses no request, and the new release serves at the end", async () => {
    const b = await build("steady v2");
    let status = "";
    const load = await underLoad(async () => {
      status = (await finished((await engine.deployments.create(alice, "steady", { buildId: b.id })).id)).status;
    });
    expect(status).toBe("succeeded");
    expect(load.ok).toBeGreaterThan(100);
    expect({ errors: load.errors, timeouts: load.timeouts, non2xx: load.non2xx }).toEqual({ errors: 0, timeouts: 0, non2xx: 0 });
    // Both releases answered during the load: the switch happened under it.
    expect([...load.bodies].sort()).toEqual(["steady v1", "steady v2"]);
  });

  it("a config change rolls out as a release and loses no request; the app then answers with the new value", async () => {
    // This release's page says its GREETING (the body closes the fixture's string to read the variable).
    const b = await build('steady greeting " + (process.env.GREETING || "unset") + "');
    expect((await finished((await engine.deployments.create(alice, "steady", { buildId: b.id })).id)).status).toBe("succeeded");
    let version = 0;
    const load = await underLoad(async () => {
      const change = await engine.config.set(alice, "steady", { GREETING: "hej" });
      version = change.release?.version ?? 0;
      const d = await finished(change.deploymentId ?? "");
      expect(d.status, d.error ?? "").toBe("succeeded");
    });
    expect(load.ok).toBeGreaterThan(100);
    expect({ errors: load.errors, timeouts: load.timeouts, non2xx: load.non2xx }).toEqual({ errors: 0, timeouts: 0, non2xx: 0 });
    expect([...load.bodies].sort()).toEqual(["steady greeting hej", "steady greeting unset"]);
    const release = (await engine.releases.list(alice, "steady"))[0];
    expect(release).toMatchObject({ version, kind: "config", description: "Set GREETING" });
  });

  it("a blue-green redeploy loses no request", async () => {
    const b = await build("steady v3");
    const load = await underLoad(async () => {
      const d = await finished((await engine.deployments.create(alice, "steady", { buildId: b.id, strategy: "blue_green" })).id);
      expect(d.status, d.error ?? "").toBe("succeeded");
    });
    expect({ errors: load.errors, timeouts: load.timeouts, non2xx: load.non2xx }).toEqual({ errors: 0, timeouts: 0, non2xx: 0 });
    expect(load.bodies).toContain("steady v3");
  });

  it("scaling web from 2 to 1 drains and loses no request", async () => {
    await untilRotation(2);
    const load = await underLoad(async () => {
      await engine.formation.scale(alice, "steady", { web: 1 });
      await untilRotation(1);
      // The retired instance is gone for good, not just out of rotation.
      for (let i = 0; i < 50 && engine.running?.supervisor.forApp(appId).some((m) => m.retiring); i++) await wait(200);
    });
    expect(load.ok).toBeGreaterThan(100);
    expect({ errors: load.errors, timeouts: load.timeouts, non2xx: load.non2xx }).toEqual({ errors: 0, timeouts: 0, non2xx: 0 });
  });

  it("the SIGKILL of one of two instances loses no request, and the supervisor brings it back", async () => {
    await engine.formation.scale(alice, "steady", { web: 2 });
    await untilRotation(2);
    const victim = rotation()[0];
    if (!victim) throw new Error("no instance in rotation");
    const cg = instanceCgroup(detectCgroupHost(), cgroupParent, victim.id);
    const load = await underLoad(async () => {
      const pids = cgroupPids(cg);
      expect(pids.length).toBeGreaterThan(0);
      for (const pid of pids) {
        try {
          process.kill(pid, "SIGKILL");
        } catch (err) {
          // Killing the container's first process takes the rest with it: later ones may be gone already.
          if ((err as NodeJS.ErrnoException).code !== "ESRCH") throw err;
        }
      }
      // Back in rotation after its restart.
      for (let i = 0; i < 100 && !(victim.state === "running" && victim.health === "healthy" && victim.exits.length > 0); i++)
        await wait(200);
    });
    expect(victim.exits.length).toBe(1);
    await untilRotation(2);
    expect(load.ok).toBeGreaterThan(100);
    expect({ errors: load.errors, timeouts: load.timeouts, non2xx: load.non2xx }).toEqual({ errors: 0, timeouts: 0, non2xx: 0 });
  });
});
