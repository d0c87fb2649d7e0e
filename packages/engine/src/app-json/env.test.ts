// The config vars an app created from app.json starts with.
import { describe, expect, it } from "vitest";
import { resolveAppJsonEnv } from "./env.ts";
import { parseAppJson } from "./manifest.ts";

const manifest = parseAppJson(
  JSON.stringify({
    env: {
      SECRET_TOKEN: { description: "Signs cookies.", generator: "secret" },
      SESSION_KEY: { generator: "secret" },
      WEB_CONCURRENCY: { value: "5" },
      RAILS_ENV: "production",
      SENTRY_DSN: { required: false },
      STRIPE_KEY: { description: "Your Stripe secret key." },
      ADMIN_EMAIL: { value: "" },
    },
  }),
);

describe("resolveAppJsonEnv", () => {
  it("generates a distinct 64-hex secret for each generated var, and every run", () => {
    const first = resolveAppJsonEnv(manifest, { STRIPE_KEY: "sk", ADMIN_EMAIL: "a@b.c" });
    const second = resolveAppJsonEnv(manifest, { STRIPE_KEY: "sk", ADMIN_EMAIL: "a@b.c" });
    expect(first.generated).toEqual(["SECRET_TOKEN", "SESSION_KEY"]);
    const secrets = [first, second].flatMap((r) => [r.values.SECRET_TOKEN, r.values.SESSION_KEY]);
    for (const s of secrets) expect(s).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(secrets).size).toBe(4);
  });

  it("takes app.json's values, and the user's over them and over generators", () => {
    const r = resolveAppJsonEnv(manifest, { WEB_CONCURRENCY: "2", SECRET_TOKEN: "mine", STRIPE_KEY: "sk_live", ADMIN_EMAIL: "a@b.c" });
    expect(r.values).toMatchObject({ WEB_CONCURRENCY: "2", SECRET_TOKEN: "mine", RAILS_ENV: "production", STRIPE_KEY: "sk_live" });
    expect(r.generated).toEqual(["SESSION_KEY"]);
    expect(r.fromManifest).toEqual(["RAILS_ENV"]);
    expect(r.missing).toEqual([]);
    // An optional var with no value is not set at all.
    expect(Object.keys(r.values)).not.toContain("SENTRY_DSN");
  });

  it("reports required vars without a value, an empty one included, and leaves them out", () => {
    const r = resolveAppJsonEnv(manifest, { RAILS_ENV: "" });
    expect(r.missing).toEqual(["RAILS_ENV", "STRIPE_KEY", "ADMIN_EMAIL"]);
    for (const key of r.missing) expect(Object.hasOwn(r.values, key)).toBe(false);
    expect(r.fromManifest).toEqual(["WEB_CONCURRENCY"]);
  });

  it("keeps the user's vars app.json does not declare, and refuses ones that break the config var rules", () => {
    const r = resolveAppJsonEnv({ env: [] }, { EXTRA: "1" });
    expect(r.values).toEqual({ EXTRA: "1" });
    expect(() => resolveAppJsonEnv({ env: [] }, { "BAD KEY": "1" })).toThrow(/"BAD KEY" is not a valid config var name/);
    expect(() => resolveAppJsonEnv({ env: [] }, { NUL: "a\0b" })).toThrow(/NUL byte/);
  });

  it("never takes a value from Object's prototype for a var named like one of its properties", () => {
    const odd = parseAppJson('{"env": {"constructor": {"description": "x"}, "toString": {"value": "t"}}}');
    const r = resolveAppJsonEnv(odd, {});
    expect(r.missing).toEqual(["constructor"]);
    expect(r.values).toEqual({ toString: "t" });
  });
});
