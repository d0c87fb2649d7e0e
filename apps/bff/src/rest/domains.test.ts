import { spawnSync } from "node:child_process";
import { type MockDns, startMockDns } from "@skypanel/engine/domains-testing";
import { freePort, httpGet, waitFor } from "@skypanel/engine/router-testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestBff, releaseTinyApp, TEST_DRIVERS, type TestBff } from "../testing.ts";

describe.each(TEST_DRIVERS)("custom domains over REST on %s", (driver) => {
  let t: TestBff;
  let token: string;
  let strangerToken: string;
  beforeAll(async () => {
    t = await createTestBff(driver);
    await t.engine.users.createFirstAdmin({ email: "ops@example.com", password: "correct horse battery" });
    token = await t.login("ops@example.com");
    await t.rest("POST", "/api/users", { token, body: { email: "eve@example.com", password: "correct horse battery" } });
    strangerToken = await t.login("eve@example.com");
    await t.rest("POST", "/api/apps", { token, body: { name: "dom-app" } });
    await t.rest("POST", "/api/apps", { token, body: { name: "dom-other" } });
  });
  afterAll(async () => {
    await t.close();
  });

  const list = async () =>
    (await t.rest("GET", "/api/apps/dom-app/domains", { token })).body.domains.map((d: { hostname: string }) => d.hostname);

  it("adds (201), lists and removes a domain; the CNAME target is the app's platform hostname", async () => {
    const added = await t.rest("POST", "/api/apps/dom-app/domains", { token, body: { domain: "WWW.Dom-Example.com" } });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({
      hostname: "www.dom-example.com",
      dnsTarget: "dom-app.localhost",
      dnsStatus: "unchecked",
      tlsStatus: "none",
    });
    expect((await t.rest("POST", "/api/apps/dom-app/domains", { token, body: { domain: "Bücher.example" } })).body.hostname).toBe(
      "xn--bcher-kva.example",
    );
    expect(await list()).toEqual(["www.dom-example.com", "xn--bcher-kva.example"]);
    const removed = await t.rest("DELETE", `/api/apps/dom-app/domains/${encodeURIComponent("bücher.example")}`, { token });
    expect(removed).toMatchObject({ status: 200, body: { hostname: "xn--bcher-kva.example" } });
    expect(await list()).toEqual(["www.dom-example.com"]);
  });

  it("answers 400 with the rule for bad input, 404 to a stranger, 409 for a taken domain; nothing changes", async () => {
    for (const domain of ["*.example.com", "not a domain", "localhost", "dom-other.localhost", "x".repeat(300), 42]) {
      const res = await t.rest("POST", "/api/apps/dom-app/domains", { token, body: { domain } });
      expect(res.status, JSON.stringify(domain)).toBe(400);
      expect(res.body.error.message).toMatch(/domain|expected string/);
    }
    expect((await t.rest("POST", "/api/apps/dom-app/domains", { token, rawBody: "{not json" })).status).toBe(400);
    expect((await t.rest("POST", "/api/apps/dom-app/domains", { token })).status).toBe(400);

    const stranger = await t.rest("POST", "/api/apps/dom-app/domains", { token: strangerToken, body: { domain: "eve.example.com" } });
    expect(stranger.status).toBe(404);
    expect((await t.rest("GET", "/api/apps/dom-app/domains", { token: strangerToken })).status).toBe(404);
    expect((await t.rest("DELETE", "/api/apps/dom-app/domains/www.dom-example.com", { token: strangerToken })).status).toBe(404);

    const taken = await t.rest("POST", "/api/apps/dom-other/domains", { token, body: { domain: "www.dom-example.com" } });
    expect(taken.status).toBe(409);
    expect(taken.body.error.message).toMatch(/already used by another app/);
    expect((await t.rest("DELETE", "/api/apps/dom-app/domains/nope.example.com", { token })).status).toBe(404);
    expect(await list()).toEqual(["www.dom-example.com"]);
    expect((await t.rest("GET", "/api/apps/dom-other/domains", { token })).body.domains).toEqual([]);
  });
});

describe("checking a custom domain's DNS over REST (mock DNS server on loopback; PGlite)", () => {
  let dns: MockDns;
  let t: TestBff;
  let token: string;
  beforeAll(async () => {
    dns = await startMockDns();
    t = await createTestBff("pglite", { domains: { dnsServers: [dns.server], timeoutMs: 500 } });
    await t.engine.users.createFirstAdmin({ email: "ops@example.com", password: "correct horse battery" });
    token = await t.login("ops@example.com");
    await t.rest("POST", "/api/apps", { token, body: { name: "dns-app" } });
    await t.rest("POST", "/api/apps/dns-app/domains", { token, body: { domain: "www.dns-example.com" } });
  });
  afterAll(async () => {
    await t?.close();
    await dns?.stop();
  });

  it("POST …/domains/:domain/check answers the domain with its DNS status and what to fix", async () => {
    const check = () => t.rest("POST", "/api/apps/dns-app/domains/www.dns-example.com/check", { token });
    const pending = await check();
    expect(pending.status).toBe(200);
    expect(pending.body).toMatchObject({ hostname: "www.dns-example.com", dnsStatus: "pending" });
    expect(pending.body.error).toMatch(/add a CNAME to dns-app\.localhost/);
    await dns.setCname("www.dns-example.com", "dns-app.localhost");
    expect((await check()).body).toMatchObject({ dnsStatus: "ok", error: null });
    expect((await t.rest("POST", "/api/apps/dns-app/domains/nope.example.com/check", { token })).status).toBe(404);
  });
});

describe("a custom domain routes through Caddy (process runtime; PGlite)", { timeout: 120_000 }, () => {
  let t: TestBff;
  let token: string;
  let httpPort: number;
  let storePath = "";

  beforeAll(async () => {
    httpPort = await freePort();
    t = await createTestBff("pglite", {
      runtime: { mode: "process", router: { httpPort, baseDomain: "localhost" }, reconcileIntervalMs: 500 },
    });
    await t.engine.start();
    await t.engine.users.createFirstAdmin({ email: "ops@example.com", password: "correct horse battery" });
    token = await t.login("ops@example.com");
    const appId = (await t.rest("POST", "/api/apps", { token, body: { name: "routed" } })).body.id;
    storePath = await releaseTinyApp(t, token, appId, "routed app");
  });
  afterAll(async () => {
    await t.engine.running?.shutdown();
    await t.close();
    if (storePath) spawnSync("nix-store", ["--delete", storePath], { encoding: "utf8" });
  });

  it("serves the app's 200 for Host: <custom domain> once added, and the unknown-host 404 once removed", async () => {
    const get = (host: string) => httpGet({ port: httpPort, host });
    // The reconciler starts the release's web instance and Caddy routes routed.localhost to it.
    await waitFor("the app behind Caddy", async () => ((await get("routed.localhost")).status === 200 ? true : undefined), 60_000);
    expect((await get("shop.custom-example.com")).status).toBe(404);

    const added = await t.rest("POST", "/api/apps/routed/domains", { token, body: { domain: "Shop.Custom-Example.com" } });
    expect(added.status).toBe(201);
    const page = await waitFor(
      "the custom domain's route",
      async () => {
        const res = await get("shop.custom-example.com");
        return res.status === 200 ? res : undefined;
      },
      10_000,
    );
    expect(page.body).toBe("routed app saw shop.custom-example.com");

    expect((await t.rest("DELETE", "/api/apps/routed/domains/shop.custom-example.com", { token })).status).toBe(200);
    await waitFor("the route to go", async () => ((await get("shop.custom-example.com")).status === 404 ? true : undefined), 10_000);
    expect((await get("routed.localhost")).status).toBe(200);
  });
});
