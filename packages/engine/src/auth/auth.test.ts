import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine, type Engine } from "../engine.ts";
import { InvalidCredentialsError, RateLimitedError } from "../errors.ts";
import { createTestEngine, TEST_DRIVERS, type TestEngine } from "../testing.ts";
import { AUTH_CACHE_TTL_MS } from "./auth-cache.ts";
import type { MfaChallenge } from "./mfa-login.ts";
import { memoryRateLimiter } from "./rate-limit.ts";
import { type LoginResult, SESSION_TTL_MS } from "./service.ts";

/** These users have no MFA, so a right password is a session. */
function sessionOf(result: LoginResult | MfaChallenge): LoginResult {
  if (result.mfaRequired) throw new Error("expected a session, got an MFA challenge");
  return result;
}

describe("memory rate limiter", () => {
  it("blocks at the limit and opens again when the window ends", async () => {
    let clock = 1_000_000;
    const limiter = memoryRateLimiter(() => clock);
    for (let i = 0; i < 3; i++) await limiter.record("k", 60_000);
    expect(await limiter.check("k", 3, 60_000)).toEqual({ blocked: true, retryAfterSeconds: 60 });
    expect((await limiter.check("other", 3, 60_000)).blocked).toBe(false);
    clock += 59_000;
    expect(await limiter.check("k", 3, 60_000)).toEqual({ blocked: true, retryAfterSeconds: 1 });
    clock += 1_000;
    expect((await limiter.check("k", 3, 60_000)).blocked).toBe(false);
  });
});

describe.each(TEST_DRIVERS)("sessions and API tokens on %s", (driver) => {
  let t: TestEngine;
  let clock: Date;
  let engine: Engine;
  beforeAll(async () => {
    t = await createTestEngine(driver);
    await t.user("sam@example.com");
    clock = new Date();
    // A second engine over the same database with a clock the test moves.
    engine = await createEngine({ db: t.database.db, sql: t.database.sql, home: t.home, now: () => clock });
  });
  afterAll(async () => {
    await t.close();
  });

  it("logs in, authenticates the session token with its CSRF token, and expires it after the TTL", async () => {
    const login = sessionOf(await engine.auth.login("SAM@example.com", "correct horse battery", { ip: "10.0.0.1" }));
    const found = await engine.auth.authenticate(login.token);
    expect(found).toMatchObject({ via: "session", csrfToken: login.csrfToken, user: { email: "sam@example.com" } });
    clock = new Date(clock.getTime() + SESSION_TTL_MS + 1000);
    expect(await engine.auth.authenticate(login.token)).toBeNull();
  });

  it("stores only hashes of tokens", async () => {
    const login = sessionOf(await engine.auth.login("sam@example.com", "correct horse battery", {}));
    const made = await engine.auth.tokens.create({ userId: login.user.id, isAdmin: false }, { name: "deploy" });
    const rows = await t.database.sql.query<{ row: string }>(
      "SELECT s::text AS row FROM sessions s UNION ALL SELECT a::text FROM api_tokens a UNION ALL SELECT l::text FROM audit_log l",
    );
    expect(rows.length).toBeGreaterThan(2);
    for (const { row } of rows) {
      expect(row).not.toContain(login.token.slice(4));
      expect(row).not.toContain(made.token.slice(4));
    }
  });

  it("honours API token expiry and revocation", async () => {
    const login = sessionOf(await engine.auth.login("sam@example.com", "correct horse battery", {}));
    const actor = { userId: login.user.id, isAdmin: false };
    const shortLived = await engine.auth.tokens.create(actor, { name: "short", expiresInDays: 1 });
    expect(await engine.auth.authenticate(shortLived.token)).toMatchObject({ via: "api_token" });
    clock = new Date(clock.getTime() + 2 * 86_400_000);
    expect(await engine.auth.authenticate(shortLived.token)).toBeNull();
    const revoked = await engine.auth.tokens.create(actor, { name: "revoked" });
    await engine.auth.tokens.revoke(actor, revoked.id);
    expect(await engine.auth.authenticate(revoked.token)).toBeNull();
    await expect(engine.auth.tokens.revoke(actor, "not-a-uuid")).rejects.toThrow(/no API token/);
    await expect(engine.auth.tokens.create(actor, { name: "x", expiresInDays: 0 })).rejects.toThrow(/expiresInDays/);
  });

  it("remembers a token for a few seconds, forgets it at once on this plane's logout, revocation or a team's MFA rule", async () => {
    const login = sessionOf(await engine.auth.login("sam@example.com", "correct horse battery", {}));
    const actor = { userId: login.user.id, isAdmin: false };
    expect(await engine.auth.authenticate(login.token)).toMatchObject({ via: "session" });
    // Another control plane ends the session (its row is gone): this plane answers from memory until the TTL.
    await t.database.sql.query("DELETE FROM sessions WHERE user_id = $1 AND csrf_token = $2", [actor.userId, login.csrfToken]);
    expect(await engine.auth.authenticate(login.token)).toMatchObject({ via: "session" });
    clock = new Date(clock.getTime() + AUTH_CACHE_TTL_MS);
    expect(await engine.auth.authenticate(login.token)).toBeNull();

    // On this plane, a logout and a revocation take effect on the next request.
    const second = sessionOf(await engine.auth.login("sam@example.com", "correct horse battery", {}));
    expect(await engine.auth.authenticate(second.token)).not.toBeNull();
    await engine.auth.logout(second.token);
    expect(await engine.auth.authenticate(second.token)).toBeNull();
    const token = await engine.auth.tokens.create(actor, { name: "remembered" });
    expect(await engine.auth.authenticate(token.token)).toMatchObject({ via: "api_token" });
    await engine.auth.tokens.revoke(actor, token.id);
    expect(await engine.auth.authenticate(token.token)).toBeNull();

    // A team starting to require MFA sends its members to enrol on their very next request.
    const third = sessionOf(await engine.auth.login("sam@example.com", "correct horse battery", {}));
    expect((await engine.auth.authenticate(third.token))?.mfaEnrolmentRequiredBy).toBeNull();
    const team = await engine.teams.create(actor, { name: "mfa-crew" });
    await engine.teams.setMfaRequired(actor, { teamId: team.id, required: true });
    expect((await engine.auth.authenticate(third.token))?.mfaEnrolmentRequiredBy).toBe("mfa-crew");
    await engine.teams.setMfaRequired(actor, { teamId: team.id, required: false });
    expect((await engine.auth.authenticate(third.token))?.mfaEnrolmentRequiredBy).toBeNull();
  });

  it("answers a wrong password and an unknown email alike, and records the failure", async () => {
    const wrong = await engine.auth.login("sam@example.com", "wrong password!", { ip: "10.9.9.9" }).catch((e) => e);
    const unknown = await engine.auth.login("nobody@example.com", "wrong password!", { ip: "10.9.9.9" }).catch((e) => e);
    expect(wrong).toBeInstanceOf(InvalidCredentialsError);
    expect(unknown).toBeInstanceOf(InvalidCredentialsError);
    expect(wrong.message).toBe(unknown.message);
    const failures = await t.database.sql.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM audit_log WHERE action = 'auth.login_failed' AND ip = '10.9.9.9'",
    );
    expect(failures[0]?.n).toBe(2);
  });

  it("blocks an account after five failures, from whichever address the next try comes", async () => {
    // The earlier test's two failures count too; a success forgets them.
    await engine.auth.login("sam@example.com", "correct horse battery", { ip: "10.1.1.9" });
    for (let i = 0; i < 5; i++) await engine.auth.login("sam@example.com", "bad password", { ip: `10.1.1.${i}` }).catch(() => {});
    await expect(engine.auth.login("sam@example.com", "correct horse battery", { ip: "10.1.1.1" })).rejects.toBeInstanceOf(
      RateLimitedError,
    );
    await expect(engine.auth.login("sam@example.com", "correct horse battery", { ip: "10.1.2.2" })).rejects.toBeInstanceOf(
      RateLimitedError,
    );
  });
});
