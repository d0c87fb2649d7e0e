// Login limits through the real HTTP server (client addresses from real sockets on 127.0.0.x),
// sessions listed and ended, and refused requests in the audit log.
import { request } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { LOGIN_LIMITS, REFUSALS_KEPT_PER_MINUTE } from "@skypanel/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "./server.ts";
import { createTestBff, TEST_DRIVERS, type TestBff, testConfig } from "./testing.ts";

/** POSTs a login from local address `from`, with an X-Forwarded-For the client chose. */
function login(port: number, from: string, forwardedFor: string | null, email: string) {
  const body = JSON.stringify({ email, password: "not the password" });
  return new Promise<{ status: number; retryAfter: string | undefined }>((resolve, reject) => {
    const headers: Record<string, string> = { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) };
    if (forwardedFor) headers["x-forwarded-for"] = forwardedFor;
    const req = request(
      { host: "127.0.0.1", port, localAddress: from, path: "/api/auth/login", method: "POST", headers, agent: false },
      (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers["retry-after"] }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

function tally(results: { status: number }[]) {
  const counts: Record<number, number> = {};
  for (const r of results) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
}

// One driver keeps this lean: PostgreSQL where tests have it, for truly parallel upserts (login-guard.test.ts runs both).
const driver = TEST_DRIVERS.includes("postgres") ? "postgres" : "pglite";

describe(`login limits, sessions and refusals on ${driver}`, () => {
  let t: TestBff;
  let port: number;
  let close: () => void;
  beforeAll(async () => {
    t = await createTestBff(driver);
    await t.user("victim@example.com");
    // Only 127.0.0.1 is a trusted proxy: 127.0.0.2 and up are clients talking to us directly.
    const app = createApp(t.engine, { ...testConfig(t.home), trustedProxies: ["127.0.0.1"] });
    await new Promise<void>((resolve) => {
      const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info: AddressInfo) => {
        port = info.port;
        resolve();
      });
      close = () => server.close();
    });
  });
  afterAll(async () => {
    close();
    await t.close();
  });

  const auditRows = (action: string, where = "true", params: unknown[] = []) =>
    t.database.sql.query<{ ip: string | null; actor_id: string | null; details: Record<string, unknown> }>(
      `SELECT ip, actor_id, details FROM audit_log WHERE action = $1 AND ${where} ORDER BY id`,
      [action, ...params],
    );

  it("verifies at most the account's limit of 50 parallel wrong passwords, whatever addresses they come from or claim", async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => {
        // A fifth through the trusted proxy (claiming a different client each time), the rest straight from four addresses.
        const from = `127.0.0.${(i % 5) + 1}`;
        const forwardedFor = i % 3 === 0 ? null : `6.6.6.${i}, 198.51.100.${i}`;
        return login(port, from, forwardedFor, i % 2 ? "victim@example.com" : "VICTIM@example.com ");
      }),
    );
    // Every wrong password that was verified is one 401 and one auth.login_failed row; the rest were refused before.
    expect(tally(results)).toEqual({ 401: LOGIN_LIMITS.perAccount, 429: 50 - LOGIN_LIMITS.perAccount });
    for (const r of results.filter((r) => r.status === 429)) expect(Number(r.retryAfter)).toBeGreaterThan(0);
    const failed = await auditRows("auth.login_failed", "lower(trim(details->>'email')) = $2", ["victim@example.com"]);
    expect(failed.length).toBe(LOGIN_LIMITS.perAccount);
    // Addresses recorded are the real ones: the socket's, or the hop the trusted proxy saw; never a spoofed 6.6.6.x.
    for (const row of failed) expect(row.ip).toMatch(/^(127\.0\.0\.[1-5]|198\.51\.100\.\d+)$/);
  });

  it("limits one address across accounts", async () => {
    const tries = LOGIN_LIMITS.perAddress + 6;
    const results = await Promise.all(
      Array.from({ length: tries }, (_, i) => login(port, "127.0.0.9", `203.0.113.${i}`, `nobody${i}@example.com`)),
    );
    expect(tally(results)).toEqual({ 401: LOGIN_LIMITS.perAddress, 429: 6 });
  });

  it("lists the user's sessions, marks the current one, and ends one or all the others (their tokens then get 401)", async () => {
    await t.user("sessions@example.com");
    const loginAs = async (agent: string) => {
      const res = await t.rest("POST", "/api/auth/login", {
        headers: { "user-agent": agent, "x-forwarded-for": "192.0.2.33" },
        body: { email: "sessions@example.com", password: "correct horse battery" },
      });
      expect(res.status).toBe(200);
      return res.body.token as string;
    };
    const laptop = await loginAs("Laptop browser");
    const phone = await loginAs("Phone browser");
    const listed = await t.rest("GET", "/api/sessions", { token: laptop });
    expect(listed.status).toBe(200);
    expect(listed.body.sessions).toHaveLength(2);
    const mine = listed.body.sessions.find((s: { current: boolean }) => s.current);
    expect(mine).toMatchObject({ userAgent: "Laptop browser", ip: "192.0.2.33" });
    const phoneSession = listed.body.sessions.find((s: { current: boolean }) => !s.current);
    expect(phoneSession).toMatchObject({ userAgent: "Phone browser", current: false });

    // Nobody else can end it, and a made-up id is a clear 404.
    await t.user("someone-else@example.com");
    const other = await t.login("someone-else@example.com");
    expect((await t.rest("DELETE", `/api/sessions/${phoneSession.id}`, { token: other })).status).toBe(404);
    expect(await t.rest("DELETE", "/api/sessions/not-a-uuid", { token: laptop })).toMatchObject({
      status: 404,
      body: { error: { message: 'You have no session with id "not-a-uuid".' } },
    });
    expect((await t.rest("GET", "/api/apps", { token: phone })).status).toBe(200);
    expect(await t.rest("DELETE", `/api/sessions/${phoneSession.id}`, { token: laptop })).toMatchObject({
      status: 200,
      body: { id: phoneSession.id },
    });
    expect((await t.rest("GET", "/api/apps", { token: phone })).status).toBe(401);

    const tablet = await loginAs("Tablet browser");
    expect(await t.rest("DELETE", "/api/sessions", { token: laptop })).toMatchObject({ status: 200, body: { revoked: 1 } });
    expect((await t.rest("GET", "/api/apps", { token: tablet })).status).toBe(401);
    expect((await t.rest("GET", "/api/sessions", { token: laptop })).body.sessions).toHaveLength(1);
    expect((await auditRows("auth.session_revoked")).length).toBe(1);
    expect((await auditRows("auth.sessions_revoked")).map((r) => r.details)).toEqual([{ count: 1 }]);
  });

  it("audits refused requests (401, 403, a stranger's 404) with method, path, status and address, and caps them per address", async () => {
    await t.user("owner@example.com");
    await t.user("stranger@example.com");
    const owner = await t.login("owner@example.com");
    const stranger = await t.login("stranger@example.com");
    expect((await t.rest("POST", "/api/apps", { token: owner, body: { name: "owned-app" } })).status).toBe(201);

    const at = (ip: string) => ({ "x-forwarded-for": ip });
    expect((await t.rest("GET", "/api/apps?page=1&token=sneaky", { token: "spt_made-up", headers: at("192.0.2.201") })).status).toBe(401);
    expect((await t.rest("GET", "/api/apps/owned-app", { token: stranger, headers: at("192.0.2.202") })).status).toBe(404);
    expect((await t.rest("GET", "/api/apps/no-such-app", { token: stranger, headers: at("192.0.2.202") })).status).toBe(404);
    // A change made with the session cookie but without the CSRF header.
    const cookie = `skypanel_session=${stranger}`;
    expect((await t.rest("POST", "/api/apps", { headers: { cookie, ...at("192.0.2.203") }, body: { name: "csrf-app" } })).status).toBe(403);

    const refused = await auditRows("auth.refused", "ip LIKE '192.0.2.20_'");
    const strangerId = (await t.database.sql.query<{ id: string }>("SELECT id FROM users WHERE email = 'stranger@example.com'"))[0]?.id;
    expect(refused).toEqual([
      { ip: "192.0.2.201", actor_id: null, details: expect.objectContaining({ method: "GET", path: "/api/apps", status: 401 }) },
      {
        ip: "192.0.2.202",
        actor_id: strangerId,
        details: expect.objectContaining({ method: "GET", path: "/api/apps/owned-app", status: 404, app: "owned-app" }),
      },
      { ip: "192.0.2.203", actor_id: strangerId, details: expect.objectContaining({ method: "POST", path: "/api/apps", status: 403 }) },
    ]);

    // A flood of bad tokens from one address: every request refused, only the cap's worth kept.
    const flood = await Promise.all(
      Array.from({ length: REFUSALS_KEPT_PER_MINUTE + 10 }, () =>
        t.rest("GET", "/api/apps", { token: "spt_x", headers: at("192.0.2.250") }),
      ),
    );
    expect(flood.every((r) => r.status === 401)).toBe(true);
    expect((await auditRows("auth.refused", "ip = '192.0.2.250'")).length).toBe(REFUSALS_KEPT_PER_MINUTE);
  });
});
