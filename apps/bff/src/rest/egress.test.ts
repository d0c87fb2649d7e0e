// An app's egress policy over REST and tRPC, down to the nftables rules of its running instance
// (nspawn; PGlite only: the policy does not depend on the database driver, and one platform with a
// runtime is what the CI budget allows; the artifact is added to the Nix store, not built).
import { spawnSync } from "node:child_process";
import type { Actor } from "@skypanel/engine";
import { addProbeApp } from "@skypanel/engine/runtime-testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestBff, type TestBff } from "../testing.ts";

describe("an app's egress policy over REST and tRPC (nspawn; PGlite)", { timeout: 120_000 }, () => {
  let t: TestBff;
  let token: string;
  let strangerToken: string;
  let appId: string;
  let ops: Actor;
  const artifact = addProbeApp();

  beforeAll(async () => {
    t = await createTestBff("pglite", {
      runtime: { mode: "nspawn", router: false, cgroupParent: `spbffegress${process.pid}`, reconcileIntervalMs: 60_000 },
    });
    await t.engine.start();
    ops = await t.user("ops@example.com");
    await t.user("eve@example.com");
    token = await t.login("ops@example.com");
    strangerToken = await t.login("eve@example.com");
    appId = (await t.rest("POST", "/api/apps", { token, body: { name: "egress-app" } })).body.id;
  });
  afterAll(async () => {
    await t.engine.running?.shutdown();
    await t.close();
    artifact.remove();
  });

  const path = "/api/apps/egress-app/egress";

  it("is deny until set; an allow-list in the CLI's text form comes back as networks and ports, and is audited", async () => {
    expect(await t.rest("GET", path, { token })).toMatchObject({ status: 200, body: { mode: "deny", rules: [] } });
    const set = await t.rest("PUT", path, {
      token,
      body: {
        mode: "allowlist",
        rules: ["198.18.0.2", "10.9.8.7/16:5432", { cidr: "203.0.113.0/24", ports: { from: 8000, to: 8100 } }, "198.18.0.2/32"],
      },
    });
    const rules = [
      { cidr: "198.18.0.2/32", ports: null },
      { cidr: "10.9.0.0/16", ports: { from: 5432, to: 5432 } },
      { cidr: "203.0.113.0/24", ports: { from: 8000, to: 8100 } },
    ];
    // Nothing of the app runs yet: no instance had rules to rewrite.
    expect(set).toEqual(expect.objectContaining({ status: 200, body: { mode: "allowlist", rules, appliedTo: 0 } }));
    expect((await t.rest("GET", path, { token })).body).toEqual({ mode: "allowlist", rules });
    const caller = await t.caller(token);
    expect(await caller.egress.set({ app: "egress-app", mode: "allow", rules: [] })).toMatchObject({ mode: "allow", rules: [] });
    expect(await caller.egress.get({ app: "egress-app" })).toEqual({ mode: "allow", rules: [] });
    const audit = await t.database.sql.query<{ action: string }>(
      "SELECT action FROM audit_log WHERE app_id = $1 AND target_type = 'app_egress' ORDER BY seq",
      [appId],
    );
    expect(audit.map((r) => r.action)).toEqual(["app_egress.insert", "app_egress.update"]);
  });

  it("answers 400 with what is wrong for bad policies and rules, and 404 to a stranger", async () => {
    const refused: [unknown, RegExp][] = [
      [{ mode: "allowlist", rules: ["0.0.0.0/0"] }, /every address.*"allow"/],
      [{ mode: "allowlist", rules: [] }, /at least one rule/],
      [{ mode: "allowlist", rules: ["2001:db8::/32"] }, /IPv4 networks only/],
      [{ mode: "allowlist", rules: ["10.1/8"] }, /IPv4 networks only|CIDR/],
      [{ mode: "allowlist", rules: ["300.1.2.3/32"] }, /CIDR form/],
      [{ mode: "allowlist", rules: ["10.0.0.0/33"] }, /CIDR form/],
      [{ mode: "allowlist", rules: ["10.0.0.0/8:0"] }, /not 1–65535/],
      [{ mode: "allowlist", rules: ["10.0.0.0/8:9000-80"] }, /backwards/],
      [{ mode: "allowlist", rules: ["10.0.0.0/8:http"] }, /not an egress rule/],
      [{ mode: "allowlist", rules: [{ cidr: "10.0.0.0/8", ports: { from: 1, to: 70000 } }] }, /.+/],
      [{ mode: "allowlist", rules: Array.from({ length: 65 }, (_, i) => `10.0.${i}.0/24`) }, /.+/],
      [{ mode: "open" }, /.+/],
      [{ rules: [] }, /.+/],
    ];
    for (const [body, message] of refused) {
      const res = await t.rest("PUT", path, { token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.message, JSON.stringify(body)).toMatch(message);
    }
    expect((await t.rest("PUT", path, { token, rawBody: "{not json" })).status).toBe(400);
    expect((await t.rest("GET", path, { token: strangerToken })).status).toBe(404);
    expect((await t.rest("PUT", path, { token: strangerToken, body: { mode: "allow" } })).status).toBe(404);
    // Nothing refused was saved.
    expect((await t.rest("GET", path, { token })).body.mode).toBe("allow");
  });

  it("is in the OpenAPI document", async () => {
    const doc = (await t.rest("GET", "/api/openapi.json")).body;
    expect(doc.paths["/api/apps/{app}/egress"].get.operationId).toBe("getEgress");
    expect(doc.paths["/api/apps/{app}/egress"].put.operationId).toBe("setEgress");
    expect(JSON.stringify(doc.paths["/api/apps/{app}/egress"].put.requestBody)).toContain("allowlist");
  });

  /** The app's one running instance's network, once the reconciler has started it (bounded wait). */
  async function runningInstance() {
    for (let i = 0; i < 200; i++) {
      const network = t.engine.running?.supervisor.forApp(appId).find((m) => m.handle?.network)?.handle?.network;
      if (network) return network;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error("the app's instance never started");
  }
  const rulesOf = (hostInterface: string) =>
    spawnSync("/usr/sbin/nft", ["list", "table", "inet", `skypanel_${hostInterface}`], { encoding: "utf8" }).stdout;
  const defaultRoute = (namespace: string) =>
    spawnSync("/usr/sbin/ip", ["-n", namespace, "route", "show", "default"], { encoding: "utf8" }).stdout.trim();

  it("an instance starts with the stored allow-list, and a change rewrites its rules while it runs", async () => {
    await t.rest("PUT", path, { token, body: { mode: "allowlist", rules: ["198.18.0.2:8080"] } });
    await t.release(ops, appId, { web: "node server.js" }, artifact.storePath);
    await t.engine.formation.scale(ops, "egress-app", { web: 1 });
    const net = await runningInstance();
    expect(rulesOf(net.hostInterface)).toContain("ip daddr 198.18.0.2 tcp dport 8080 accept");
    expect(defaultRoute(net.namespace)).toContain(`default via ${net.hostAddress}`);

    const denied = await t.rest("PUT", path, { token, body: { mode: "deny" } });
    expect(denied.body).toEqual({ mode: "deny", rules: [], appliedTo: 1 });
    expect(rulesOf(net.hostInterface)).not.toContain("198.18.0.2");
    expect(rulesOf(net.hostInterface)).not.toContain("masquerade");
    expect(defaultRoute(net.namespace)).toBe("");
  });
});
