// The autoscaler under real load: a built app behind Caddy (process runtime, real Nix; PGlite), a
// policy on requests per second set over REST, and autocannon sending a bounded, rate-limited
// load through the router. Web goes from 1 to more instances while every request is answered,
// and back to its minimum after the 10 s stabilization window; every decision has its reason.
import { copyFixture, uploadDir, waitForBuild } from "@skypanel/engine/build-testing";
import { freePort, httpGet } from "@skypanel/engine/router-testing";
import autocannon from "autocannon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestBff, type TestBff } from "../testing.ts";

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("the autoscaler under load through Caddy (process runtime, real Nix; PGlite)", { timeout: 240_000 }, () => {
  let t: TestBff;
  let token: string;
  let httpPort: number;
  let appId: string;
  let ops: { userId: string; isAdmin: boolean };

  const webQuantity = async () => {
    const res = await t.rest("GET", "/api/apps/surge/scale", { token });
    return (res.body as { formation: Record<string, number> }).formation.web ?? -1;
  };
  const inRotation = () => t.engine.running?.manager.rotation(appId).length ?? 0;
  /** Polls every 250 ms until `check` holds or `ms` pass; answers whether it held. */
  const within = async (ms: number, check: () => Promise<boolean> | boolean) => {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      if (await check()) return true;
      await wait(250);
    }
    return check();
  };

  beforeAll(async () => {
    httpPort = await freePort();
    t = await createTestBff("pglite", {
      builds: { concurrency: 2 },
      // Metrics every second, read over the last 3 s, the autoscaler every second: the test's pace, not production's.
      runtime: { mode: "process", router: { httpPort, baseDomain: "localhost" }, reconcileIntervalMs: 500, metricsIntervalMs: 1000 },
      autoscale: { intervalMs: 1000, windowSeconds: 3 },
    });
    await t.engine.start();
    await t.engine.users.createFirstAdmin({ email: "ops@example.com", password: "correct horse battery" });
    token = await t.login("ops@example.com");
    appId = (await t.rest("POST", "/api/apps", { token, body: { name: "surge" } })).body.id;
    const actor = { userId: (await t.engine.auth.authenticate(token))?.user.id ?? "", isAdmin: true };
    ops = actor;
    const build = await waitForBuild(
      t.engine,
      actor,
      "surge",
      (await t.engine.builds.create(actor, "surge", uploadDir(t.home, copyFixture("node-greeting")))).id,
    );
    expect(build.status, build.error ?? "").toBe("succeeded");
    const deployment = await t.rest("POST", "/api/apps/surge/deployments", { token, body: { buildId: build.id } });
    expect(deployment.status).toBe(202);
    // Routed, not only running: the app answers through Caddy before any load is sent.
    const answers = async () =>
      (await httpGet({ port: httpPort, host: `surge.localhost:${httpPort}` }).catch(() => ({ status: 0 }))).status === 200;
    expect(await within(60_000, answers)).toBe(true);
    expect(inRotation()).toBe(1);
  });
  afterAll(async () => {
    await t.engine.running?.shutdown();
    await t.close();
  });

  it("refuses hostile policies over REST with 400 and keeps what was there", async () => {
    const bodies: unknown[] = [
      { policies: [{ process: "web", enabled: true, min: 1, max: 3, metric: "gpu", target: 5 }] },
      { policies: [{ process: "web", enabled: true, min: 1, max: 3, metric: "rps", target: 5, extra: 1 }] },
      { policies: [{ process: "web", enabled: true, min: 3, max: 1, metric: "rps", target: 5 }] },
      { policies: [{ process: "web", enabled: true, min: 1, max: 3, metric: "rps" }] },
      { policies: [{ process: "web", enabled: true, min: 1, max: 3, metric: "rps", target: 5, stabilizationSeconds: 1 }] },
      {
        policies: [{ process: "web", enabled: true, min: 1, max: 3, metric: "rps", target: 5 }],
        schedules: [{ process: "web", cron: "nope", timeZone: "UTC", durationSeconds: 600, min: 2 }],
      },
      { policies: "all" },
    ];
    for (const body of bodies) {
      const res = await t.rest("PUT", "/api/apps/surge/autoscale", { token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.message).toBeTruthy();
    }
    expect((await t.rest("PUT", "/api/apps/surge/autoscale", { token, rawBody: "{not json" })).status).toBe(400);
    expect((await t.rest("POST", "/api/apps/surge/autoscale/metrics", { token, body: { process: "web", value: -1 } })).status).toBe(400);
    expect((await t.rest("GET", "/api/apps/surge/autoscale", { token })).body.policies).toMatchObject([
      { process: "web", enabled: false, saved: false },
    ]);
  });

  it("scales web from 1 to more under an rps load losing no request, and back to 1 after the window", async () => {
    const policy = { process: "web", enabled: true, min: 1, max: 3, metric: "rps", target: 40, stabilizationSeconds: 10 };
    const put = await t.rest("PUT", "/api/apps/surge/autoscale", { token, body: { policies: [policy] } });
    expect(put.status).toBe(200);
    expect(await webQuantity()).toBe(1);

    // 4 connections at 200 requests/s overall until 3,000 requests are answered (15 s): each one counted.
    const started = Date.now();
    const failures: string[] = [];
    let answered = 0;
    let finish: (result: autocannon.Result) => void = () => {};
    let fail: (err: Error) => void = () => {};
    const done = new Promise<autocannon.Result>((resolve, reject) => {
      finish = resolve;
      fail = reject;
    });
    // With a callback autocannon returns the running instance, whose request errors can be heard.
    const load = autocannon(
      {
        url: `http://127.0.0.1:${httpPort}/`,
        headers: { host: `surge.localhost:${httpPort}` },
        connections: 4,
        overallRate: 200,
        amount: 3000,
        timeout: 10,
        requests: [
          {
            method: "GET",
            path: "/",
            onResponse: (status, body) => {
              answered++;
              if (status !== 200) failures.push(`${Date.now() - started} ms: ${status} ${body.slice(0, 120)}`);
            },
          },
        ],
      },
      (err, result) => (err ? fail(err) : finish(result)),
    );
    load.on("reqError", (err: Error) => failures.push(`${Date.now() - started} ms: ${err.message}`));
    const scaledUp = await within(60_000, async () => (await webQuantity()) > 1);
    const scaledAfterMs = Date.now() - started;
    const summary = await done;
    expect(scaledUp, "web was not scaled above 1 within 60 s").toBe(true);
    expect(scaledAfterMs).toBeLessThan(60_000);
    // More than one instance answered before the load ended (the scale-up reached the router).
    expect(await within(5_000, () => inRotation() > 1)).toBe(true);
    expect(summary.errors, failures.join("\n")).toBe(0);
    expect(summary.timeouts).toBe(0);
    expect(summary.non2xx, `${failures.slice(0, 5).join("\n")}\nscaled after ${scaledAfterMs} ms`).toBe(0);
    // autocannon stops at the 3,000th request sent; the last few in flight (at most two per connection) go uncounted.
    expect(summary["2xx"]).toBeGreaterThanOrEqual(3000 - 8);
    expect(failures).toEqual([]);
    expect(answered).toBeGreaterThanOrEqual(3000 - 8);

    // No traffic: after the 10 s stabilization window it goes back to its minimum.
    expect(await within(45_000, async () => (await webQuantity()) === 1)).toBe(true);

    const events = (await t.rest("GET", "/api/apps/surge/autoscale/events?limit=50", { token })).body.events as {
      kind: string;
      fromQuantity: number;
      toQuantity: number;
      reason: string;
      at: string;
    }[];
    const scales = events.filter((e) => e.kind === "scale_up" || e.kind === "scale_down");
    // Newest first: the last word is the way back down to 1, the first a scale-up from 1.
    expect(scales[0]).toMatchObject({ kind: "scale_down", toQuantity: 1 });
    expect(scales.at(-1)).toMatchObject({ kind: "scale_up", fromQuantity: 1 });
    for (const e of scales) expect(e.reason).toMatch(/requests\/s per instance .* vs target 40\/s: \d+ → \d+/);
    // Each recorded decision chains from the one before: no change went unrecorded.
    const chain = [...scales].reverse();
    for (let i = 1; i < chain.length; i++) expect(chain[i]?.fromQuantity).toBe(chain[i - 1]?.toQuantity);
    // The app's activity says it too.
    const activity = await t.engine.audit.forApp(ops, "surge", { limit: 50 });
    expect(activity.filter((a) => a.action === "autoscale.scale_up").length).toBeGreaterThan(0);
  });
});
