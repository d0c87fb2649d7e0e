// End to end, on PGlite: a latency alert about an app made slow on purpose. Requests go through a
// real Caddy (Debian's caddy) to a test instance whose /slow/<ms> endpoint sleeps; the real request
// collector turns Caddy's access log into router rows every second; the engine's own evaluation
// loop fires the rule and tells a real SMTP server (npm's smtp-server, the platform's
// SKYPANEL_SMTP_URL) and a real webhook receiver that checks the HMAC signature, both on loopback.
// When the requests are fast again, the alert resolves and both get the resolved notice.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase, type TestDatabase } from "@skypanel/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../actor.ts";
import { createEngine, type Engine } from "../engine.ts";
import { createRequestCollector, type RequestCollector } from "../metrics/index.ts";
import { loopbackOutboundPolicy } from "../net/index.ts";
import { caddyPaths, createRouter, type Router } from "../router/index.ts";
import { freePort, httpGet, type TestUpstreams, tempHome, testUpstreams, waitFor } from "../router/testing.ts";
import { type SmtpReceiver, startSmtpReceiver, startWebhookReceiver, type WebhookReceiver } from "./testing.ts";

describe("a latency alert on an app made slow through a real Caddy, told by email (real SMTP server) and a signed webhook", () => {
  const routerHome = tempHome();
  const home = mkdtempSync(join(tmpdir(), "skypanel-alerts-"));
  const upstreams: TestUpstreams = testUpstreams();
  let db: TestDatabase;
  let engine: Engine;
  let router: Router;
  let collector: RequestCollector;
  let smtp: SmtpReceiver;
  let hook: WebhookReceiver;
  let port: number;
  let owner: Actor;

  beforeAll(async () => {
    smtp = await startSmtpReceiver();
    hook = await startWebhookReceiver();
    db = await createTestDatabase("pglite");
    engine = await createEngine({
      db: db.db,
      sql: db.sql,
      home,
      domains: { dnsServers: ["127.0.0.1:9"], timeoutMs: 200 },
      heroku: { apiUrl: "http://127.0.0.1:9", dataApiUrl: "http://127.0.0.1:9" },
      // The webhook and SMTP receivers listen on loopback, which the platform refuses unless allowed.
      outbound: loopbackOutboundPolicy(),
      alerts: {
        intervalMs: 1000,
        smtp: { url: smtp.url, from: "alerts@skypanel.test" },
        delivery: { attempts: 2, retryDelayMs: 200, timeoutMs: 5000 },
      },
    });
    const admin = await engine.users.createFirstAdmin({ email: "ops@example.com", password: "correct horse battery" });
    if (!admin) throw new Error("the first admin was not made");
    owner = { userId: admin.id, isAdmin: true };
    await engine.apps.create(owner, { name: "slowapp" });

    port = await freePort();
    const instance = await upstreams.start("slowapp-web");
    const logPath = join(caddyPaths(routerHome.home).dir, "access.log");
    router = createRouter({ home: routerHome.home, settings: { httpPort: port, httpHost: "127.0.0.1", accessLogFile: logPath } });
    collector = createRequestCollector({ db: db.db, logPath, intervalMs: 1000, routedHosts: () => router.routedHosts() });
    await collector.start();
    await router.apply([{ appName: "slowapp", hostnames: [], upstreams: [{ dial: instance.dial }], policy: "round_robin" }]);
    // Only the alerts' loop: builds, logs and the rest have no part here.
    engine.alerts.start();
  });

  afterAll(async () => {
    await engine?.stop();
    await collector?.stop();
    await router?.stop();
    await upstreams.stopAll();
    await smtp?.close();
    await hook?.close();
    await db?.drop();
    routerHome.remove();
    rmSync(home, { recursive: true, force: true });
  });

  it("fires while /slow answers in 400 ms, emails and POSTs once; resolves once requests are fast, and both are told", async () => {
    const { teamId } = await engine.apps.get(owner, "slowapp");
    const mail = await engine.alerts.createChannel(owner, teamId, { name: "on-call mail", type: "email", to: ["oncall@example.com"] });
    const webhook = await engine.alerts.createChannel(owner, teamId, { name: "pager", type: "webhook", url: hook.url });
    hook.secret = webhook.signingSecret ?? "";
    const rule = await engine.alerts.createRule(owner, "slowapp", {
      kind: "latency_p95",
      threshold: 200,
      durationSeconds: 2,
      channelIds: [mail.id, webhook.id],
    });

    const statuses: number[] = [];
    const request = async (path: string) => statuses.push((await httpGet({ port, host: `slowapp.localhost:${port}`, path })).status);
    const stateOf = async () => (await engine.alerts.history(owner, "slowapp")).map((e) => e.state);

    // Slow: each request takes 400 ms; at most 40 (16 s) until the alert fires.
    for (let i = 0; i < 40 && !(await stateOf()).includes("firing"); i++) await request("/slow/400");
    expect(await stateOf()).toEqual(["firing"]);
    await waitFor("the firing notices", async () => (smtp.received.length >= 1 && hook.received.length >= 1 ? true : undefined), 15_000);

    // Fast again: at most 40 quick requests (with a pause so intervals close) until it resolves.
    for (let i = 0; i < 40 && !(await stateOf()).includes("resolved"); i++) {
      await request("/");
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(await stateOf()).toEqual(["resolved", "firing"]);
    await waitFor("the resolved notices", async () => (smtp.received.length >= 2 && hook.received.length >= 2 ? true : undefined), 15_000);
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);

    // Exactly one notice each way per channel (de-duplicated while it kept firing).
    expect(smtp.received.map((m) => m.subject)).toEqual([
      "[SkyPanel] FIRING: slowapp: Response time (p95) above 200 ms for 2 s",
      "[SkyPanel] RESOLVED: slowapp: Response time (p95) above 200 ms for 2 s",
    ]);
    expect(smtp.received[0]).toMatchObject({ from: "alerts@skypanel.test", to: ["oncall@example.com"] });
    expect(smtp.received[0]?.text).toMatch(
      /FIRING: slowapp\r?\nRule: Response time \(p95\) above 200 ms for 2 s \(latency_p95\)\r?\np95 response time is \d+(\.\d)? ms, above 200 ms\./,
    );
    expect(smtp.received[1]?.text).toMatch(/RESOLVED: slowapp/);

    expect(hook.received.map((r) => [r.signed, (r.json as { type: string }).type])).toEqual([
      [true, "alert.firing"],
      [true, "alert.resolved"],
    ]);
    const firing = hook.received[0]?.json as { app: { name: string }; rule: { id: string }; value: number };
    expect(firing.app.name).toBe("slowapp");
    expect(firing.rule.id).toBe(rule.id);
    expect(firing.value).toBeGreaterThan(200);
    // A body changed on the way, or replayed later, does not verify.
    const { verifySignature } = await import("./signature.ts");
    const got = hook.received[0];
    const headers = {
      signature: got?.headers["x-skypanel-signature"] as string,
      timestamp: got?.headers["x-skypanel-timestamp"] as string,
    };
    expect(verifySignature(hook.secret, `${got?.body} `, headers)).toBe(false);
    expect(verifySignature(hook.secret, got?.body ?? "", headers, Number(headers.timestamp) + 600)).toBe(false);

    // The history records what each channel answered.
    const history = await engine.alerts.history(owner, "slowapp");
    for (const event of history) {
      expect(event.deliveries.map((d) => [d.name, d.ok])).toEqual(
        expect.arrayContaining([
          ["on-call mail", true],
          ["pager", true],
        ]),
      );
    }
  });
});
