import { TRPCError } from "@trpc/server";
import { Secret, TOTP } from "otpauth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestBff, type TestBff } from "./testing.ts";

const codeFor = (secret: string, atMs: number) => new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: atMs });

describe("API token scopes and a team's MFA requirement (pglite)", () => {
  let t: TestBff;
  let session: string;
  const app = "scoped-app";
  const tokenOf = async (scope: string) => (await t.rest("POST", "/api/tokens", { token: session, body: { name: scope, scope } })).body;

  beforeAll(async () => {
    t = await createTestBff("pglite");
    await t.user("alice@example.com");
    await t.user("bob@example.com");
    session = await t.login("alice@example.com");
    expect((await t.rest("POST", "/api/apps", { token: session, body: { name: app } })).status).toBe(201);
  });
  afterAll(async () => {
    await t.close();
  });

  it("lets a read token read, and refuses it a build over REST and tRPC, and a git push, with 403", async () => {
    const read = await tokenOf("read");
    expect(read.scope).toBe("read");
    expect((await t.rest("GET", `/api/apps/${app}`, { token: read.token })).status).toBe(200);
    const build = await t.rest("POST", `/api/apps/${app}/builds`, {
      token: read.token,
      body: { source: { type: "git", url: "https://example.com/x.git", ref: "main" } },
    });
    expect(build.status).toBe(403);
    expect(build.body.error.message).toMatch(/scope is "read".*builds\.create.*"deploy" scope/);

    const caller = await t.caller(read.token);
    await expect(caller.apps.get({ app })).resolves.toMatchObject({ name: app });
    const refused = await caller.builds
      .create({ app, source: { type: "git", url: "https://example.com/x.git", ref: "main" } })
      .catch((e) => e);
    expect(refused).toBeInstanceOf(TRPCError);
    expect(refused.code).toBe("FORBIDDEN");

    const basic = `Basic ${Buffer.from(`x:${read.token}`).toString("base64")}`;
    const push = await t.app.request(`/git/${app}.git/info/refs?service=git-receive-pack`, { headers: { authorization: basic } });
    expect(push.status).toBe(403);
    expect(await push.text()).toMatch(/"deploy" scope/);
  });

  it("lets a deploy token set config but not delete the app; a token made without a scope reads only", async () => {
    const deploy = await tokenOf("deploy");
    const set = await t.rest("POST", `/api/apps/${app}/config/vars`, { token: deploy.token, body: { vars: { GREETING: "hi" } } });
    expect(set.status).toBe(200);
    const del = await t.rest("DELETE", `/api/apps/${app}`, { token: deploy.token, body: { confirm: app } });
    expect(del.status).toBe(403);
    expect(del.body.error.message).toMatch(/"admin" scope/);

    const unscoped = await t.rest("POST", "/api/tokens", { token: session, body: { name: "plain" } });
    expect(unscoped.body.scope).toBe("read");
    const bad = await t.rest("POST", "/api/tokens", { token: session, body: { name: "bad", scope: "root" } });
    expect(bad.status).toBe(400);
    const listed = (await t.rest("GET", "/api/tokens", { token: session })).body.tokens.map((x: { scope: string }) => x.scope).sort();
    expect(listed).toEqual(["deploy", "read", "read"]);
  });

  it("serves /metrics to a platform admin's token with the admin scope, not a read one", async () => {
    await t.user("root@example.com", { isAdmin: true });
    const root = await t.login("root@example.com");
    const made = async (scope: string) => (await t.rest("POST", "/api/tokens", { token: root, body: { name: scope, scope } })).body.token;
    const refused = await t.rest("GET", "/metrics", { token: await made("read") });
    expect(refused.status).toBe(403);
    expect((await t.rest("GET", "/metrics", { token: await made("admin") })).status).toBe(200);
  });

  it("sends a member of a team that requires MFA to enrol first, then signs them in with a code", async () => {
    const alice = await t.caller(session);
    const team = await alice.teams.create({ name: "Ops" });
    await alice.teams.addMember({ teamId: team.id, email: "bob@example.com", role: "member" });
    const bobSession = await t.login("bob@example.com");
    // Only owners and admins may set it.
    expect((await t.rest("PUT", `/api/teams/${team.id}/mfa`, { token: bobSession, body: { required: true } })).status).toBe(403);
    expect((await t.rest("PUT", `/api/teams/${team.id}/mfa`, { token: session, body: { required: "yes" } })).status).toBe(400);
    expect((await t.rest("PUT", `/api/teams/${team.id}/mfa`, { token: session, body: { required: true } })).body).toEqual({
      teamId: team.id,
      mfaRequired: true,
    });

    // Bob still signs in, but is refused everything except enrolling.
    const bob = await t.login("bob@example.com");
    const apps = await t.rest("GET", "/api/apps", { token: bob });
    expect(apps.status).toBe(403);
    expect(apps.body.error.message).toMatch(/team "Ops" requires multi-factor sign-in: enrol in MFA first/);
    expect((await t.rest("GET", "/api/auth/session", { token: bob })).body.mfaEnrolmentRequiredBy).toBe("Ops");

    const enrolment = (await t.rest("POST", "/api/account/mfa/enrol", { token: bob })).body;
    expect((await t.rest("POST", "/api/account/mfa/confirm", { token: bob, body: { code: "12" } })).status).toBe(400);
    const confirmed = await t.rest("POST", "/api/account/mfa/confirm", {
      token: bob,
      body: { code: codeFor(enrolment.secret, Date.now()) },
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.recoveryCodes).toHaveLength(10);
    expect((await t.rest("GET", "/api/apps", { token: bob })).status).toBe(200);

    // Now the password alone is not a session.
    const first = await t.rest("POST", "/api/auth/login", { body: { email: "bob@example.com", password: "correct horse battery" } });
    expect(first.body).toEqual({ mfaRequired: true, challenge: expect.stringMatching(/^spm_/), expiresAt: expect.any(String) });
    expect((await t.rest("GET", "/api/apps", { token: first.body.challenge })).status).toBe(401);
    const wrong = await t.rest("POST", "/api/auth/login/mfa", { body: { challenge: first.body.challenge, code: "000000" } });
    expect(wrong.status).toBe(401);
    // The next step's code: the current one was used to confirm, and would be a replay.
    const second = await t.rest("POST", "/api/auth/login/mfa", {
      body: { challenge: first.body.challenge, code: codeFor(enrolment.secret, Date.now() + 30_000) },
    });
    expect(second.status).toBe(200);
    expect((await t.rest("GET", "/api/apps", { token: second.body.token })).status).toBe(200);
  });
});
