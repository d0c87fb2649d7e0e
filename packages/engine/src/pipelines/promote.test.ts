// Issue 19's CI test: a staging build promoted to production (real Nix build of a tiny app,
// instances in systemd-nspawn, requests through a real Caddy; PGlite for the control plane).
// Production runs the very store path staging built, with its own config, and no request fails
// during the switch.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../actor.ts";
import { copyFixture, uploadDir, waitForBuild } from "../builds/testing.ts";
import { waitForDeployment } from "../deploy/testing.ts";
import type { Engine } from "../engine.ts";
import { NIX_STATE } from "../nix/paths.ts";
import { freePort, httpGet } from "../router/testing.ts";
import { createTestEngine, type TestEngine } from "../testing.ts";

describe("promotion from staging to production under load (nspawn, real Nix, Caddy; PGlite)", { timeout: 240_000 }, () => {
  let t: TestEngine;
  let engine: Engine;
  let alice: Actor;
  let httpPort: number;
  let stagingBuildId: string;
  let prodId: string;
  const deployed = async (app: string, id: string) => {
    const d = await waitForDeployment(engine, alice, app, id, 90_000);
    expect(d.status, d.error ?? "").toBe("succeeded");
  };
  const get = (app: string) => httpGet({ port: httpPort, host: `${app}.localhost:${httpPort}` });

  /** 4 clients send GETs to production one after another while `operation` runs (at most 4,000 requests). */
  async function underLoad(operation: () => Promise<void>) {
    const statuses = new Map<string, number>();
    const bodies = new Set<string>();
    let sent = 0;
    let stop = false;
    const client = async () => {
      while (!stop && sent < 4000) {
        sent++;
        const outcome = await get("pp-prod").then(
          (r) => {
            bodies.add(r.body.trim());
            return String(r.status);
          },
          (err: Error) => `error: ${err.message}`,
        );
        statuses.set(outcome, (statuses.get(outcome) ?? 0) + 1);
      }
    };
    const clients = [client(), client(), client(), client()];
    try {
      await new Promise((r) => setTimeout(r, 300));
      await operation();
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      stop = true;
      await Promise.all(clients);
    }
    return { sent, statuses: Object.fromEntries(statuses), bodies };
  }

  beforeAll(async () => {
    httpPort = await freePort();
    t = await createTestEngine("pglite", {
      builds: { concurrency: 1 },
      runtime: {
        mode: "nspawn",
        router: { httpPort, baseDomain: "localhost" },
        cgroupParent: `sppr${process.pid}`,
        reconcileIntervalMs: 1000,
        deploy: { healthTimeoutMs: 60_000, drainMs: 300 },
      },
    });
    engine = t.engine;
    await engine.start();
    alice = await t.user("promoter@example.com");
    await engine.apps.create(alice, { name: "pp-staging" });
    prodId = (await engine.apps.create(alice, { name: "pp-prod" })).id;
    await engine.pipelines.create(alice, { name: "ppl" });
    await engine.pipelines.addApp(alice, "ppl", "pp-staging", "staging");
    await engine.pipelines.addApp(alice, "ppl", "pp-prod", "production");
    await engine.config.set(alice, "pp-staging", { GREETING: "staging" });
    await engine.config.set(alice, "pp-prod", { GREETING: "production" });
    // The one build: staging's.
    const build = await waitForBuild(
      engine,
      alice,
      "pp-staging",
      (await engine.builds.create(alice, "pp-staging", uploadDir(t.home, copyFixture("node-greeting")))).id,
    );
    expect(build.status, build.error ?? "").toBe("succeeded");
    stagingBuildId = build.id;
    await deployed("pp-staging", (await engine.deployments.create(alice, "pp-staging", { buildId: build.id })).id);
    // Production's earlier release, so the promotion under load replaces running instances.
    const first = await engine.pipelines.promote(alice, "ppl", "pp-staging");
    await deployed("pp-prod", first.promotions[0]?.deploymentId ?? "");
  });
  afterAll(async () => {
    await engine?.running?.shutdown();
    await t?.close();
  });

  it("serves every request during the switch, and production runs staging's store path with its own config", async () => {
    expect((await get("pp-staging")).body.trim()).toBe("hello from node-greeting: staging");
    const before = (engine.running?.manager.rotation(prodId) ?? []).map((m) => m.id);
    expect(before).toHaveLength(1);
    let promotedVersion = 0;
    const load = await underLoad(async () => {
      const result = await engine.pipelines.promote(alice, "ppl", "pp-staging", { to: ["pp-prod"] });
      promotedVersion = result.promotions[0]?.releaseVersion ?? 0;
      await deployed("pp-prod", result.promotions[0]?.deploymentId ?? "");
    });
    console.log(`[promote] ${load.sent} requests sent to production during the promotion: ${JSON.stringify(load.statuses)}`);
    // Every request answered 200, none failed (the statuses are counted, not sampled).
    expect(load.statuses).toEqual({ "200": load.sent });
    expect(load.sent).toBeGreaterThan(20);
    expect([...load.bodies]).toEqual(["hello from node-greeting: production"]);
    // A real replacement: the instance that served before is gone.
    const after = (engine.running?.manager.rotation(prodId) ?? []).map((m) => m.id);
    expect(after).toHaveLength(1);
    expect(after).not.toEqual(before);

    const staging = (await engine.apps.get(alice, "pp-staging")).currentReleaseId;
    const [prod] = await engine.releases.list(alice, "pp-prod");
    const stagingRelease = (await engine.releases.list(alice, "pp-staging")).find((r) => r.id === staging);
    expect(prod).toMatchObject({
      version: promotedVersion,
      kind: "promotion",
      storePath: stagingRelease?.storePath,
      buildId: stagingBuildId,
      promotedFromReleaseId: staging,
    });
    expect((await engine.apps.get(alice, "pp-prod")).currentReleaseId).toBe(prod?.id);
    // No build was made for production: it has none of its own.
    expect(await engine.builds.list(alice, "pp-prod")).toEqual([]);
  });

  it("production keeps running the build after the staging app that made it is deleted (its GC root stays)", async () => {
    await engine.apps.delete(alice, "pp-staging");
    expect(existsSync(join(NIX_STATE.gcRoots, `build-${stagingBuildId}`))).toBe(true);
    const answers = await Promise.all(Array.from({ length: 5 }, () => get("pp-prod")));
    expect(answers.map((a) => [a.status, a.body.trim()])).toEqual(Array(5).fill([200, "hello from node-greeting: production"]));
  });
});
