import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestBff, TEST_DRIVERS, type TestBff } from "../testing.ts";

const RULE = "An app name is 3 to 30 characters";

describe.each(TEST_DRIVERS)("REST face on %s", (driver) => {
  let t: TestBff;
  let admin: string;
  let alice: string;
  let bob: string;
  beforeAll(async () => {
    t = await createTestBff(driver);
    await t.engine.users.createFirstAdmin({ email: "admin@example.com", password: "correct horse battery" });
    admin = await t.login("admin@example.com");
    for (const email of ["alice@example.com", "bob@example.com"]) {
      expect((await t.rest("POST", "/api/users", { token: admin, body: { email, password: "correct horse battery" } })).status).toBe(201);
    }
    alice = await t.login("alice@example.com");
    bob = await t.login("bob@example.com");
  });
  afterAll(async () => {
    await t.close();
  });

  it("answers /healthz with 200", async () => {
    expect(await t.rest("GET", "/healthz")).toMatchObject({ status: 200, body: { status: "ok" } });
  });

  it("logs in with a token and an httpOnly session cookie; a wrong password is 401", async () => {
    const ok = await t.rest("POST", "/api/auth/login", { body: { email: "alice@example.com", password: "correct horse battery" } });
    expect(ok.status).toBe(200);
    expect(ok.body.token).toMatch(/^sps_/);
    const cookies = ok.headers.getSetCookie();
    expect(cookies.find((c) => c.startsWith("skypanel_session="))).toMatch(/HttpOnly/);
    expect(cookies.find((c) => c.startsWith("skypanel_csrf="))).not.toMatch(/HttpOnly/);
    const bad = await t.rest("POST", "/api/auth/login", {
      body: { email: "alice@example.com", password: "nope nope nope" },
      headers: { "x-forwarded-for": "192.0.2.50" },
    });
    expect(bad).toMatchObject({ status: 401, body: { error: { code: "UNAUTHORIZED", message: "Wrong email or password." } } });
  });

  it("lets only an admin add users; 201 with an id", async () => {
    const made = await t.rest("POST", "/api/users", {
      token: admin,
      body: { email: "carol@example.com", password: "correct horse battery" },
    });
    expect(made.status).toBe(201);
    expect(made.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(
      (await t.rest("POST", "/api/users", { token: alice, body: { email: "eve@example.com", password: "correct horse battery" } })).status,
    ).toBe(403);
    expect(
      (await t.rest("POST", "/api/users", { token: admin, body: { email: "carol@example.com", password: "correct horse battery" } }))
        .status,
    ).toBe(409);
    expect(
      (await t.rest("POST", "/api/users", { token: admin, body: { email: "not-an-email", password: "correct horse battery" } })).status,
    ).toBe(400);
    expect(
      (await t.rest("POST", "/api/users", { token: admin, body: { email: "dan@example.com", password: "short" } })).body.error.message,
    ).toMatch(/8 to 256 characters/);
  });

  it("creates, lists, gets, renames and deletes an app by id or name", async () => {
    const created = await t.rest("POST", "/api/apps", { token: alice, body: { name: "rest-app" } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.any(String), name: "rest-app", status: "idle" });
    const list = await t.rest("GET", "/api/apps?search=rest-&sort=name&order=asc&page=1&perPage=10", { token: alice });
    expect(list.body).toMatchObject({ total: 1, page: 1, perPage: 10, apps: [{ name: "rest-app" }] });
    // `url` is where it answers: null here, as this platform runs no apps.
    expect((await t.rest("GET", `/api/apps/${created.body.id}`, { token: alice })).body).toMatchObject({
      name: "rest-app",
      role: "owner",
      url: null,
    });
    const patched = await t.rest("PATCH", "/api/apps/rest-app", { token: alice, body: { name: "rest-app-2", description: "hi" } });
    expect(patched.body).toMatchObject({ name: "rest-app-2", description: "hi" });
    expect((await t.rest("DELETE", "/api/apps/rest-app-2", { token: alice })).status).toBe(200);
    expect((await t.rest("GET", `/api/apps/${created.body.id}`, { token: alice })).status).toBe(404);
  });

  it("rejects bad names (400 with the rule), taken names (409), and bad JSON, changing nothing", async () => {
    await t.rest("POST", "/api/apps", { token: alice, body: { name: "first-app" } });
    const before = (await t.rest("GET", "/api/apps", { token: alice })).body.total;
    const bad = await t.rest("POST", "/api/apps", { token: alice, body: { name: "Bad_Name" } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("BAD_REQUEST");
    expect(bad.body.error.message).toContain(RULE);
    expect((await t.rest("POST", "/api/apps", { token: bob, body: { name: "first-app" } })).status).toBe(409);
    for (const rawBody of ["{not json", "[1,2]", "", '"just a string"']) {
      const res = await t.rest("POST", "/api/apps", { token: alice, rawBody, headers: { "content-type": "application/json" } });
      expect(res.status, rawBody).toBe(400);
      expect(res.body.error.message).toMatch(/JSON/);
    }
    const noName = await t.rest("POST", "/api/apps", { token: alice, body: { nam: "x" } });
    expect(noName).toMatchObject({ status: 400, body: { error: { message: expect.stringMatching(/^Invalid input: name/) } } });
    expect((await t.rest("GET", "/api/apps?page=abc", { token: alice })).status).toBe(400);
    expect((await t.rest("GET", "/api/apps?sort=password", { token: alice })).status).toBe(400);
    expect((await t.rest("GET", "/api/apps", { token: alice })).body.total).toBe(before);
  });

  it("sets, reads and unsets config vars; bad keys and values change nothing", async () => {
    await t.rest("POST", "/api/apps", { token: alice, body: { name: "config-app" } });
    const set = await t.rest("POST", "/api/apps/config-app/config/vars", {
      token: alice,
      body: { vars: { DATABASE_URL: "postgres://x", PORT_X: "1" } },
    });
    expect(set).toMatchObject({ status: 200, body: { vars: { DATABASE_URL: "postgres://x", PORT_X: "1" } } });
    for (const vars of [{ "1BAD": "x" }, { "BAD-KEY": "x" }, { GOOD: "ok", "ALSO BAD": "x" }, { GOOD: 5 }, { GOOD: "nul\u0000byte" }]) {
      const res = await t.rest("POST", "/api/apps/config-app/config/vars", { token: alice, body: { vars } });
      expect(res.status, JSON.stringify(vars)).toBe(400);
    }
    expect(
      (await t.rest("POST", "/api/apps/config-app/config/vars", { token: alice, body: { vars: { "1BAD": "x" } } })).body.error.message,
    ).toMatch(/POSIX/);
    expect((await t.rest("POST", "/api/apps/config-app/config/vars", { token: alice, body: { notvars: {} } })).status).toBe(400);
    expect((await t.rest("GET", "/api/apps/config-app/config", { token: alice })).body).toEqual({
      vars: { DATABASE_URL: "postgres://x", PORT_X: "1" },
      secrets: [],
    });
    // Never deployed: the change is stored, and no release or deployment is named.
    expect((await t.rest("DELETE", "/api/apps/config-app/config/vars/PORT_X", { token: alice })).body).toEqual({
      vars: { DATABASE_URL: "postgres://x" },
      secrets: [],
    });
    expect((await t.rest("DELETE", "/api/apps/config-app/config/vars/NOPE", { token: alice })).status).toBe(404);
  });

  it("gives another user 404 for an app that is not theirs, and changes nothing", async () => {
    const mine = await t.rest("POST", "/api/apps", { token: alice, body: { name: "alices-app", description: "orig" } });
    await t.rest("POST", "/api/apps/alices-app/config/vars", { token: alice, body: { vars: { KEY: "v" } } });
    for (const [method, path, body] of [
      ["GET", "/api/apps/alices-app", undefined],
      ["GET", `/api/apps/${mine.body.id}`, undefined],
      ["PATCH", "/api/apps/alices-app", { description: "pwned" }],
      ["DELETE", "/api/apps/alices-app", undefined],
      ["GET", "/api/apps/alices-app/config", undefined],
      ["POST", "/api/apps/alices-app/config/vars", { vars: { KEY: "pwned" } }],
      ["DELETE", "/api/apps/alices-app/config/vars/KEY", undefined],
    ] as const) {
      const res = await t.rest(method, path, { token: bob, body });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.error.code).toBe("NOT_FOUND");
    }
    expect((await t.rest("GET", "/api/apps/alices-app", { token: alice })).body.description).toBe("orig");
    expect((await t.rest("GET", "/api/apps/alices-app/config", { token: alice })).body).toEqual({ vars: { KEY: "v" }, secrets: [] });
  });

  it("replaces the whole config with PUT and keeps secrets' values back unless revealed; viewers never get a value", async () => {
    const admin_ = await t.caller(admin);
    const team = await admin_.teams.create({ name: "cfg-team" });
    await admin_.teams.addMember({ teamId: team.id, email: "alice@example.com", role: "member" });
    await admin_.teams.addMember({ teamId: team.id, email: "bob@example.com", role: "viewer" });
    await t.rest("POST", "/api/apps", { token: admin, body: { name: "cfg-put", teamId: team.id } });
    const path = "/api/apps/cfg-put/config";
    await t.rest("POST", `${path}/vars`, { token: alice, body: { vars: { OLD: "1", KEEP: "a" } } });
    const secret = await t.rest("POST", `${path}/secrets`, { token: alice, body: { secrets: { API_KEY: "s3cret" } } });
    expect(secret).toMatchObject({ status: 200, body: { vars: { OLD: "1", KEEP: "a", API_KEY: null }, secrets: ["API_KEY"] } });
    expect(JSON.stringify(secret.body)).not.toContain("s3cret");

    for (const body of [{ vars: { "1BAD": "x" } }, { vars: { A: "1" }, secrets: { A: "2" } }, { vars: { A: 1 } }]) {
      expect((await t.rest("PUT", path, { token: alice, body })).status, JSON.stringify(body)).toBe(400);
    }
    expect((await t.rest("PUT", path, { token: bob, body: { vars: {} } })).status).toBe(403);
    const put = await t.rest("PUT", path, { token: alice, body: { vars: { KEEP: "b", NEW: "n" }, secrets: { API_KEY: "s3cret2" } } });
    expect(put).toMatchObject({ status: 200, body: { vars: { API_KEY: null, KEEP: "b", NEW: "n" }, secrets: ["API_KEY"] } });
    expect(Object.keys(put.body.vars)).toEqual(["API_KEY", "KEEP", "NEW"]);
    expect((await t.rest("GET", `${path}?reveal=secrets`, { token: alice })).body.vars).toEqual({
      API_KEY: "s3cret2",
      KEEP: "b",
      NEW: "n",
    });
    expect((await t.rest("GET", `${path}?reveal=secrets`, { token: bob })).body).toEqual({
      vars: { API_KEY: null, KEEP: null, NEW: null },
      secrets: ["API_KEY"],
    });
  });

  it("rotates the master key for a platform admin only; values still read", async () => {
    await t.rest("POST", "/api/apps", { token: alice, body: { name: "rotated" } });
    await t.rest("POST", "/api/apps/rotated/config/vars", { token: alice, body: { vars: { K: "v" } } });
    expect((await t.rest("POST", "/api/admin/keys/rotate", { token: alice })).status).toBe(403);
    const res = await t.rest("POST", "/api/admin/keys/rotate", { token: admin });
    expect(res.status).toBe(200);
    expect(res.body.keyId).toBe(t.engine.deps.keyring.currentId);
    expect(res.body.retired).toHaveLength(1);
    expect((await t.rest("GET", "/api/apps/rotated/config", { token: alice })).body.vars).toEqual({ K: "v" });
  });

  it("requires authentication, and answers unknown routes and huge bodies with JSON errors", async () => {
    expect(await t.rest("GET", "/api/apps")).toMatchObject({ status: 401, body: { error: { code: "UNAUTHORIZED" } } });
    expect((await t.rest("GET", "/api/apps", { token: "sps_not-a-real-token" })).status).toBe(401);
    expect((await t.rest("GET", "/api/apps", { headers: { authorization: "Basic abc" } })).status).toBe(401);
    expect(await t.rest("GET", "/api/nope", { token: alice })).toMatchObject({ status: 404, body: { error: { code: "NOT_FOUND" } } });
    const huge = await t.rest("POST", "/api/apps", { token: alice, body: { name: "x".repeat(2 * 1024 * 1024) } });
    expect(huge).toMatchObject({ status: 413, body: { error: { code: "PAYLOAD_TOO_LARGE" } } });
  });

  it("needs the CSRF header for changes made with the session cookie, not for reads", async () => {
    const login = await t.rest("POST", "/api/auth/login", { body: { email: "alice@example.com", password: "correct horse battery" } });
    const cookies = login.headers.getSetCookie().map((c) => c.split(";")[0]);
    const cookie = cookies.join("; ");
    const csrf = cookies.find((c) => c?.startsWith("skypanel_csrf="))?.split("=")[1] ?? "";
    expect((await t.rest("GET", "/api/apps", { headers: { cookie } })).status).toBe(200);
    const forged = await t.rest("POST", "/api/apps", { headers: { cookie }, body: { name: "csrf-app" } });
    expect(forged).toMatchObject({ status: 403, body: { error: { message: expect.stringMatching(/csrf/i) } } });
    const wrong = await t.rest("POST", "/api/apps", { headers: { cookie, "x-csrf-token": "guess" }, body: { name: "csrf-app" } });
    expect(wrong.status).toBe(403);
    expect((await t.rest("GET", "/api/apps/csrf-app", { token: alice })).status).toBe(404);
    const ok = await t.rest("POST", "/api/apps", { headers: { cookie, "x-csrf-token": csrf }, body: { name: "csrf-app" } });
    expect(ok.status).toBe(201);
  });

  it("rate-limits failed logins per account and address, even for the right password", async () => {
    const headers = { "x-forwarded-for": "198.51.100.7" };
    for (let i = 0; i < 5; i++) {
      const res = await t.rest("POST", "/api/auth/login", { headers, body: { email: "bob@example.com", password: `wrong-${i}-xxxx` } });
      expect(res.status).toBe(401);
    }
    const blocked = await t.rest("POST", "/api/auth/login", {
      headers,
      body: { email: "bob@example.com", password: "correct horse battery" },
    });
    expect(blocked).toMatchObject({ status: 429, body: { error: { code: "TOO_MANY_REQUESTS" } } });
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    // The account's limit holds whatever address the next try claims.
    const elsewhere = await t.rest("POST", "/api/auth/login", {
      headers: { "x-forwarded-for": "198.51.100.8" },
      body: { email: "bob@example.com", password: "correct horse battery" },
    });
    expect(elsewhere.status).toBe(429);
  });

  it("logs out (the session token stops working) and issues revocable API tokens", async () => {
    const session = await t.login("alice@example.com");
    expect((await t.rest("POST", "/api/auth/logout", { token: session })).status).toBe(200);
    expect((await t.rest("GET", "/api/apps", { token: session })).status).toBe(401);

    const made = await t.rest("POST", "/api/tokens", { token: alice, body: { name: "ci" } });
    expect(made.status).toBe(201);
    expect(made.body.token).toMatch(/^spt_/);
    expect((await t.rest("GET", "/api/apps", { token: made.body.token })).status).toBe(200);
    const listed = await t.rest("GET", "/api/tokens", { token: alice });
    expect(listed.body.tokens).toEqual([expect.objectContaining({ name: "ci", prefix: made.body.token.slice(0, 10) })]);
    expect(JSON.stringify(listed.body)).not.toContain(made.body.token);
    expect((await t.rest("DELETE", `/api/tokens/${made.body.id}`, { token: alice })).status).toBe(200);
    expect((await t.rest("GET", "/api/apps", { token: made.body.token })).status).toBe(401);
  });
});
