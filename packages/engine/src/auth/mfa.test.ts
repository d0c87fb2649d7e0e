import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine, type Engine } from "../engine.ts";
import { RateLimitedError } from "../errors.ts";
import { createTestEngine, TEST_DRIVERS, type TestEngine } from "../testing.ts";
import { MFA_GUESSES_PER_CHALLENGE, type MfaChallenge } from "./mfa-login.ts";
import type { LoginResult } from "./service.ts";
import { matchTotp, newTotpSecret, TOTP_PERIOD_SECONDS, totpCodeAt } from "./totp.ts";

const STEP_MS = TOTP_PERIOD_SECONDS * 1000;
const PASSWORD = "correct horse battery";

function challengeOf(result: LoginResult | MfaChallenge): string {
  if (!result.mfaRequired) throw new Error("expected an MFA challenge, got a session");
  return result.challenge;
}

describe("TOTP codes", () => {
  it("accepts one step either side and refuses two", () => {
    const secret = newTotpSecret();
    const at = 1_800_000_000_000;
    const step = Math.floor(at / STEP_MS);
    expect(matchTotp(secret, totpCodeAt(secret, at), at)).toBe(step);
    expect(matchTotp(secret, totpCodeAt(secret, at - STEP_MS), at)).toBe(step - 1);
    expect(matchTotp(secret, totpCodeAt(secret, at + STEP_MS), at)).toBe(step + 1);
    expect(matchTotp(secret, totpCodeAt(secret, at - 2 * STEP_MS), at)).toBeNull();
    expect(matchTotp(secret, totpCodeAt(secret, at + 2 * STEP_MS), at)).toBeNull();
    expect(matchTotp(secret, "12345", at)).toBeNull();
    expect(matchTotp(secret, "abcdef", at)).toBeNull();
  });
});

describe.each(TEST_DRIVERS)("multi-factor sign-in on %s", (driver) => {
  let t: TestEngine;
  let engine: Engine;
  let clock: number;
  let secret: string;
  let recoveryCodes: string[];
  let mia: Awaited<ReturnType<TestEngine["user"]>>;
  const email = "mia@example.com";
  const at = (ms: number) => totpCodeAt(secret, ms);

  beforeAll(async () => {
    t = await createTestEngine(driver);
    mia = await t.user(email);
    // Midway through a step, so "one step earlier" and "later" are whole steps away.
    clock = Math.floor(Date.now() / STEP_MS) * STEP_MS + STEP_MS / 2;
    engine = await createEngine({ db: t.database.db, sql: t.database.sql, home: t.home, now: () => new Date(clock) });
    const enrolment = await engine.auth.mfa.enrol(mia);
    secret = enrolment.secret;
    expect(enrolment.uri).toMatch(/^otpauth:\/\/totp\/SkyPanel:mia%40example\.com\?.*secret=/);
    await expect(engine.auth.mfa.confirm(mia, "000000")).rejects.toThrow(/does not match/);
    recoveryCodes = (await engine.auth.mfa.confirm(mia, at(clock))).recoveryCodes;
    // Two steps on, so the step before the current one is not the one enrolment used.
    clock += 2 * STEP_MS;
  });
  afterAll(async () => {
    await t.close();
  });

  it("keeps the secret sealed and the recovery codes hashed", async () => {
    expect(recoveryCodes).toHaveLength(10);
    const rows = await t.database.sql.query<{ row: string }>(
      "SELECT encode(totp_secret, 'escape') AS row FROM user_mfa UNION ALL SELECT code_hash FROM mfa_recovery_codes",
    );
    expect(rows).toHaveLength(11);
    for (const { row } of rows) {
      expect(row).not.toContain(secret);
      for (const code of recoveryCodes) expect(row).not.toContain(code.replace(/-/g, ""));
    }
  });

  it("answers a challenge, not a session, to the password; a code one step late makes the session; the same code again is a replay", async () => {
    const first = await engine.auth.login(email, PASSWORD, {});
    expect(first).not.toHaveProperty("token");
    const lateCode = at(clock - STEP_MS);
    const session = await engine.auth.loginWithCode(challengeOf(first), lateCode, { ip: "10.2.0.1" });
    expect(await engine.auth.authenticate(session.token)).toMatchObject({ user: { email }, via: "session" });
    // The challenge is spent, and the code is spent with it even on a new challenge.
    await expect(engine.auth.loginWithCode(challengeOf(first), at(clock), {})).rejects.toThrow(/expired or had too many/);
    const second = challengeOf(await engine.auth.login(email, PASSWORD, {}));
    await expect(engine.auth.loginWithCode(second, lateCode, {})).rejects.toThrow(/not right \(or was already used\)/);
    // An earlier step than the last one used is refused too; the current one works.
    await expect(engine.auth.loginWithCode(second, at(clock - 2 * STEP_MS), {})).rejects.toThrow(/not right/);
    await expect(engine.auth.loginWithCode(second, at(clock), {})).resolves.toMatchObject({ user: { email } });
    clock += 2 * STEP_MS;
  });

  it("takes a recovery code once, in any case and spacing", async () => {
    const code = recoveryCodes[0] ?? "";
    const typed = code.toLowerCase().replace(/-/g, " ");
    const challenge = challengeOf(await engine.auth.login(email, PASSWORD, {}));
    await expect(engine.auth.loginWithCode(challenge, typed, {})).resolves.toMatchObject({ user: { email } });
    const again = challengeOf(await engine.auth.login(email, PASSWORD, {}));
    await expect(engine.auth.loginWithCode(again, code, {})).rejects.toThrow(/not right/);
    const [used] = await t.database.sql.query<{ n: number; remaining: number }>(
      "SELECT count(*)::int AS n, min((details->>'remaining')::int) AS remaining FROM audit_log WHERE action = 'auth.mfa_recovery_code_used'",
    );
    expect(used).toEqual({ n: 1, remaining: 9 });
  });

  it(`ends a challenge after ${MFA_GUESSES_PER_CHALLENGE} wrong codes, even for the right one next`, async () => {
    const challenge = challengeOf(await engine.auth.login(email, PASSWORD, {}));
    const outcomes = await Promise.all(
      Array.from({ length: MFA_GUESSES_PER_CHALLENGE + 3 }, () =>
        engine.auth.loginWithCode(challenge, "000001", {}).then(
          () => "ok",
          (e: Error) => (/expired or had too many/.test(e.message) ? "ended" : "wrong"),
        ),
      ),
    );
    // Parallel guesses cannot slip past the count.
    expect(outcomes.filter((o) => o === "wrong")).toHaveLength(MFA_GUESSES_PER_CHALLENGE);
    expect(outcomes.filter((o) => o === "ended")).toHaveLength(3);
    await expect(engine.auth.loginWithCode(challenge, at(clock), {})).rejects.toThrow(/expired or had too many/);
    const [failed] = await t.database.sql.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE action = 'auth.mfa_failed'");
    expect(failed?.n).toBeGreaterThanOrEqual(MFA_GUESSES_PER_CHALLENGE);
  });

  it("refuses codes, on new challenges and open ones alike, once the account has had too many wrong codes", async () => {
    // Opened before the limit is reached; its guesses count towards the account's limit too.
    const open = challengeOf(await engine.auth.login(email, PASSWORD, {}));
    // Six wrong codes are still counted (spent challenges go with their guesses); 14 more reach the limit of 20.
    for (let i = 0; i < 3; i++) {
      const c = challengeOf(await engine.auth.login(email, PASSWORD, {}));
      for (let g = 0; g < MFA_GUESSES_PER_CHALLENGE; g++) await engine.auth.loginWithCode(c, "000002", {}).catch(() => {});
    }
    await expect(engine.auth.login(email, PASSWORD, {})).rejects.toBeInstanceOf(RateLimitedError);
    await expect(engine.auth.loginWithCode(open, at(clock), {})).rejects.toThrow(/too many wrong codes/);
    const [guesses] = await t.database.sql.query<{ n: number }>("SELECT sum(attempts)::int AS n FROM mfa_challenges");
    expect(guesses?.n).toBe(20);
  });

  it("makes new recovery codes and turns off only with the password and a code; then a password is a session again", async () => {
    const fresh = (await engine.auth.mfa.regenerateRecoveryCodes(mia, at(clock))).recoveryCodes;
    expect(fresh).toHaveLength(10);
    expect(fresh).not.toContain(recoveryCodes[1]);
    await expect(engine.auth.mfa.disable(mia, { password: "not the password", code: fresh[0] ?? "" })).rejects.toThrow(/Wrong password/);
    await expect(engine.auth.mfa.disable(mia, { password: PASSWORD, code: recoveryCodes[1] ?? "" })).rejects.toThrow(/not right/);
    await expect(engine.auth.mfa.disable(mia, { password: PASSWORD, code: fresh[0] ?? "" })).resolves.toEqual({ enabled: false });
    expect(await engine.auth.mfa.status(mia)).toEqual({ enabled: false, enabledAt: null, recoveryCodesLeft: 0 });
    await expect(engine.auth.login(email, PASSWORD, {})).resolves.toMatchObject({ mfaRequired: false, user: { email } });
    const actions = await t.database.sql.query<{ action: string }>(
      "SELECT DISTINCT action FROM audit_log WHERE action LIKE 'auth.mfa%' ORDER BY action",
    );
    expect(actions.map((a) => a.action)).toEqual([
      "auth.mfa_disabled",
      "auth.mfa_enrolled",
      "auth.mfa_failed",
      "auth.mfa_recovery_code_used",
      "auth.mfa_recovery_codes_regenerated",
    ]);
  });
});
