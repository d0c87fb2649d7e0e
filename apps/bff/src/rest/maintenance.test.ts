// Maintenance mode for real: a tiny app in the process runtime behind Caddy, turned on and off
// over REST. Visitors get the page with 503 and Retry-After on every hostname of the app, while
// the instance keeps running (same pid, same instance row), a one-off still runs, and nothing is
// deployed (PGlite; the artifact is added to the Nix store, not built).
import { spawnSync } from "node:child_process";
import { freePort, httpGet, type TestResponse, waitFor } from "@skypanel/engine/router-testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestBff, releaseNodeApp, type TestBff } from "../testing.ts";

const N = 12;
const HOSTS = ["calm.localhost", "www.calm-example.com"] as const;
// Braces Caddy would read as placeholders (the router's environment, the request), CSS, a
// backslash, and non-ASCII text: all must reach visitors byte for byte.
const PAGE = [
  '<!doctype html><html><head><meta charset="utf-8"><style>body { color: #333 } h1 { margin: 0 }</style></head>',
  "<body><h1>Back soon — Ünïcode ✓</h1><p>{env.HOME} {http.request.host} \\{kept\\} {unclosed</p></body></html>",
].join("");

describe("maintenance mode through Caddy (process runtime; PGlite)", { timeout: 120_000 }, () => {
  let t: TestBff;
  let token: string;
  let strangerToken: string;
  let httpPort: number;
  let appId = "";
  let storePath = "";
  const path = "/api/apps/calm/maintenance";

  /** N requests to each hostname, half asking for JSON (an API client gets the page too). */
  async function requestAll(): Promise<TestResponse[]> {
    const all: TestResponse[] = [];
    for (const host of HOSTS) {
      for (let i = 0; i < N; i++) {
        all.push(
          await httpGet({ port: httpPort, host, path: `/item/${i}`, headers: { Accept: i % 2 ? "application/json" : "text/html" } }),
        );
      }
    }
    return all;
  }
  const instances = () =>
    t.database.sql.query<{ id: string; pid: number | null }>("SELECT id, pid FROM instances WHERE app_id = $1 ORDER BY id", [appId]);
  const counts = async () => {
    const [row] = await t.database.sql.query<{ releases: number; deployments: number }>(
      `SELECT (SELECT count(*)::int FROM releases WHERE app_id = $1) AS releases,
              (SELECT count(*)::int FROM deployments WHERE app_id = $1) AS deployments`,
      [appId],
    );
    return row;
  };

  beforeAll(async () => {
    httpPort = await freePort();
    t = await createTestBff("pglite", {
      runtime: { mode: "process", router: { httpPort, baseDomain: "localhost" }, reconcileIntervalMs: 500 },
    });
    await t.engine.start();
    await t.engine.users.createFirstAdmin({ email: "ops@example.com", password: "correct horse battery" });
    token = await t.login("ops@example.com");
    await t.rest("POST", "/api/users", { token, body: { email: "eve@example.com", password: "correct horse battery" } });
    strangerToken = await t.login("eve@example.com");
    appId = (await t.rest("POST", "/api/apps", { token, body: { name: "calm" } })).body.id;
    expect((await t.rest("POST", "/api/apps/calm/domains", { token, body: { domain: HOSTS[1] } })).status).toBe(201);
    storePath = await releaseNodeApp(
      t,
      token,
      appId,
      `require("node:http").createServer((req, res) => res.end("pid " + process.pid)).listen(Number(process.env.PORT));`,
    );
    for (const host of HOSTS) {
      await waitFor(
        `${host} behind Caddy`,
        async () => ((await httpGet({ port: httpPort, host })).status === 200 ? true : undefined),
        60_000,
      );
    }
  });
  afterAll(async () => {
    await t?.engine.running?.shutdown();
    await t?.close();
    if (storePath) spawnSync("nix-store", ["--delete", storePath], { encoding: "utf8" });
  });

  it("200 → on: every request 503 with the page as-is and Retry-After → off: 200 again, from the same process, with nothing deployed", async () => {
    expect(await t.rest("GET", path, { token })).toMatchObject({
      status: 200,
      body: { enabled: false, page: null, retryAfterSeconds: 60, routed: true },
    });
    const before = await requestAll();
    expect(before.filter((r) => r.status === 200).length).toBe(2 * N);
    const pids = new Set(before.map((r) => r.body));
    expect(pids.size).toBe(1);
    const running = await instances();
    const deployed = await counts();

    const on = await t.rest("PUT", path, { token, body: { enabled: true, page: PAGE, retryAfterSeconds: 120 } });
    expect(on).toMatchObject({ status: 200, body: { enabled: true, page: PAGE, servedPage: PAGE, retryAfterSeconds: 120 } });
    // The PUT answers once Caddy serves the change: no waiting here.
    const during = await requestAll();
    expect(during.filter((r) => r.status === 503).length).toBe(2 * N);
    expect(during.filter((r) => r.body === PAGE).length).toBe(2 * N);
    expect(during.filter((r) => r.headers["retry-after"] === "120").length).toBe(2 * N);
    expect(during.filter((r) => r.headers["content-type"] === "text/html; charset=utf-8").length).toBe(2 * N);

    // A one-off of the current release still runs, to its end.
    const started = await t.rest("POST", "/api/apps/calm/one-offs", { token, body: { command: "echo still working", attach: false } });
    expect(started.status).toBe(201);
    const finished = await waitFor(
      "the one-off to finish",
      async () => {
        const res = await t.rest("GET", `/api/apps/calm/one-offs/${started.body.id}`, { token });
        return ["starting", "running"].includes(res.body.status) ? undefined : res.body;
      },
      30_000,
    );
    expect(finished).toMatchObject({ status: "succeeded", exitCode: 0 });

    // Back to the default page, which names the app; still in maintenance.
    const reset = await t.rest("PUT", path, { token, body: { page: null } });
    expect(reset.body).toMatchObject({ enabled: true, page: null, retryAfterSeconds: 120 });
    const defaultPage = await httpGet({ port: httpPort, host: HOSTS[0] });
    expect(defaultPage.status).toBe(503);
    expect(defaultPage.body).toBe(reset.body.servedPage);
    expect(defaultPage.body).toContain("Down for maintenance");
    expect(defaultPage.body).toContain("calm");

    expect((await t.rest("PUT", path, { token, body: { enabled: false } })).body).toMatchObject({ enabled: false });
    const after = await requestAll();
    expect(after.filter((r) => r.status === 200).length).toBe(2 * N);
    expect(new Set(after.map((r) => r.body))).toEqual(pids);
    expect(await instances()).toEqual(running);
    expect(await counts()).toEqual(deployed);

    // The audit trail says who turned it on and off; the page itself stays out of it.
    const audit = await t.database.sql.query<{ action: string; details: string }>(
      "SELECT action, details::text AS details FROM audit_log WHERE target_type = 'app_maintenance' ORDER BY id",
    );
    expect(audit.map((a) => a.action)).toEqual(["app_maintenance.insert", "app_maintenance.update", "app_maintenance.update"]);
    for (const a of audit) expect(a.details).not.toContain("Back soon");
  });

  it("hostile input is 400 (or 404 for an app one cannot see) and changes nothing", async () => {
    const before = (await t.rest("GET", path, { token })).body;
    const refusals: [unknown, RegExp][] = [
      [{ page: "x".repeat(64 * 1024 + 1) }, /page/],
      // Under the character limit, over the byte limit: the engine counts UTF-8.
      [{ enabled: true, page: "€".repeat(30_000) }, /90000 bytes; at most 65536/],
      [{ enabled: true, page: "" }, /page/],
      [{ enabled: true, page: "   " }, /empty/],
      [{ enabled: true, page: "<p>a\u0000b</p>" }, /NUL/],
      [{ enabled: true, page: "<p>\ud800</p>" }, /broken Unicode/],
      [{ enabled: true, retryAfterSeconds: 0 }, /retryAfterSeconds/],
      [{ enabled: true, retryAfterSeconds: 86_401 }, /retryAfterSeconds/],
      [{ enabled: true, retryAfterSeconds: 1.5 }, /retryAfterSeconds/],
      [{ enabled: true, retryAfterSeconds: "60" }, /retryAfterSeconds/],
      [{ enabled: "yes" }, /enabled/],
      [{ enabled: true, surprise: 1 }, /surprise/],
      [[true], /./],
    ];
    for (const [body, reason] of refusals) {
      const res = await t.rest("PUT", path, { token, body });
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(JSON.stringify(res.body.error), JSON.stringify(body).slice(0, 80)).toMatch(reason);
    }
    expect((await t.rest("PUT", path, { token, rawBody: "{not json" })).status).toBe(400);
    expect((await t.rest("PUT", path, { token: strangerToken, body: { enabled: true } })).status).toBe(404);
    expect((await t.rest("GET", path, { token: strangerToken })).status).toBe(404);
    expect((await t.rest("PUT", "/api/apps/no-such-app/maintenance", { token, body: { enabled: true } })).status).toBe(404);

    expect((await t.rest("GET", path, { token })).body).toEqual(before);
    const still = await httpGet({ port: httpPort, host: HOSTS[0] });
    expect(still.status).toBe(200);

    // Documented from the same schemas (the contract test fuzzes it from there).
    const doc = (await t.rest("GET", "/api/openapi.json")).body;
    expect(doc.paths["/api/apps/{app}/maintenance"].get.operationId).toBe("getMaintenance");
    expect(doc.paths["/api/apps/{app}/maintenance"].put.operationId).toBe("setMaintenance");
    expect(JSON.stringify(doc.paths["/api/apps/{app}/maintenance"].put.requestBody)).toContain("retryAfterSeconds");
  });
});
