// Plans for Heroku apps served by the STAND-IN for Heroku's APIs (Heroku is not reachable from
// the test machines).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ImportPlan } from "../types.ts";
import { analyzeHerokuApp } from "./analyze.ts";
import { createHerokuClient, type HerokuClient } from "./client.ts";
import { type HerokuStandIn, type HerokuStandInModel, type StandInApp, startHerokuStandIn } from "./stand-in.ts";
import { SHOP_CONFIG, shopApp, shopModel, TOKEN } from "./test-fixtures.ts";

let dir: string;
let standIn: HerokuStandIn | null = null;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "heroku-analyze-"));
});

afterEach(async () => {
  await standIn?.close();
  standIn = null;
  rmSync(dir, { recursive: true, force: true });
});

async function serve(model: HerokuStandInModel = shopModel(dir)): Promise<HerokuClient> {
  standIn = await startHerokuStandIn(model);
  return createHerokuClient({ apiUrl: standIn.url, dataApiUrl: standIn.dataUrl, token: TOKEN });
}

/** The shop, changed by `edit`, as the only app. */
async function serveShop(edit: (app: StandInApp) => void): Promise<HerokuClient> {
  const app = shopApp(dir);
  edit(app);
  return serve({ token: TOKEN, apps: [app], pageSize: 2 });
}

const plan = (client: HerokuClient, opts: Partial<Parameters<typeof analyzeHerokuApp>[2]> = {}, app = "shop") =>
  analyzeHerokuApp(client, app, { baseDomain: "apps.example.net", ...opts });

async function refusal(p: Promise<ImportPlan>): Promise<Error & { code?: string }> {
  const err = await p.then(
    () => null,
    (e: Error) => e,
  );
  if (err === null) throw new Error("expected no plan");
  return err;
}

describe("analyzeHerokuApp (against the Heroku stand-in)", () => {
  it("leaves out vars SkyPanel would refuse (a non-POSIX name, a value over 32 KiB) and says why, without their values", async () => {
    const big = "x".repeat(40 * 1024);
    const p = await plan(
      await serveShop((app) => {
        app.config["my.dotted-var"] = "dotted value";
        app.config.HUGE_CERT = big;
      }),
    );
    expect(p.config.map((c) => c.key)).not.toContain("my.dotted-var");
    expect(p.config.map((c) => c.key)).not.toContain("HUGE_CERT");
    const why = Object.fromEntries(p.unsupported.map((u) => [u.what, u.why]));
    expect(why["config var my.dotted-var"]).toMatch(/POSIX/);
    expect(why["config var HUGE_CERT"]).toMatch(/32 KiB/);
    expect(JSON.stringify(p)).not.toContain("dotted value");
    expect(JSON.stringify(p)).not.toContain(big.slice(0, 100));
  });

  it("marks the vars add-ons own as addon and copies the rest", async () => {
    const p = await plan(await serve());
    const action = Object.fromEntries(p.config.map((c) => [c.key, c.addon ?? c.action]));
    expect(action).toEqual({
      CACHE_TLS_URL: "redis-curly-67890",
      DATABASE_URL: "postgresql-shaped-12345",
      HEROKU_POSTGRESQL_RED_URL: "postgresql-shaped-12345",
      NODE_ENV: "copy",
      PAPERTRAIL_API_TOKEN: "papertrail-flat-11111",
      REDIS_TLS_URL: "redis-curly-67890",
      REDIS_URL: "redis-curly-67890",
      SECRET_KEY_BASE: "copy",
    });
  });

  it("puts no config value and no token anywhere in the plan", async () => {
    const text = JSON.stringify(await plan(await serve()));
    for (const value of Object.values(SHOP_CONFIG)) expect(text).not.toContain(value);
    expect(text).not.toContain("password");
    expect(text).not.toContain(TOKEN);
  });

  it("maps Postgres (with its backup), Redis (no data) and lists Papertrail as unsupported", async () => {
    const p = await plan(await serve());
    const byService = Object.fromEntries(p.addons.map((a) => [a.service, a]));
    expect(byService["heroku-postgresql"]).toMatchObject({
      becomes: "postgresql",
      data: "backup",
      plan: "heroku-postgresql:essential-0",
      as: ["DATABASE_URL", "HEROKU_POSTGRESQL_RED_URL"],
    });
    expect(byService["heroku-postgresql"]?.note).toMatch(/backup b001/);
    expect(byService["heroku-redis"]).toMatchObject({ becomes: "redis", data: "none" });
    expect(byService["heroku-redis"]?.note).toMatch(/Redis data is not migrated/);
    expect(byService.papertrail).toMatchObject({ becomes: null, as: ["PAPERTRAIL_API_TOKEN"] });
    expect(p.unsupported.map((u) => u.what)).toContain("add-on papertrail-flat-11111 (papertrail:choklad)");
    expect(p.unsupported.find((u) => u.what.startsWith("add-on"))?.why).toMatch(/SkyPanel has no papertrail add-on/);
  });

  it("says Postgres data is unavailable when Heroku has no finished backup, and none when not asked", async () => {
    const client = await serveShop((app) => {
      app.backups = app.backups.filter((b) => !b.succeeded);
    });
    const pg = (await plan(client)).addons.find((a) => a.becomes === "postgresql");
    expect(pg?.data).toBe("unavailable");
    expect(pg?.note).toMatch(/no finished backup.*heroku pg:backups:capture postgresql-shaped-12345 -a shop/);
    const notAsked = (await plan(client, { addonData: [] })).addons.find((a) => a.becomes === "postgresql");
    expect(notAsked?.data).toBe("none");
  });

  it("refuses add-on data asked for an add-on the app does not have", async () => {
    const err = await refusal(plan(await serve(), { addonData: ["postgresql-other-1"] }));
    expect(err.message).toMatch(/no add-on named "postgresql-other-1".*postgresql-shaped-12345/);
  });

  it("skips Heroku's own domain, adds the custom ones, and lists an uploaded certificate as unsupported", async () => {
    const p = await plan(await serve());
    expect(p.domains.map((d) => [d.hostname, d.action])).toEqual([
      ["api.shop.example", "add"],
      ["shop-0123456789ab.herokuapp.com", "skip"],
      ["www.shop.example", "add"],
    ]);
    expect(p.domains[1]?.note).toMatch(/shop\.apps\.example\.net instead/);
    expect(p.domains[2]?.note).toMatch(/DNS.*fathomless-1234\.herokudns\.com/);
    expect(p.unsupported.map((u) => u.what)).toContain("TLS certificate for api.shop.example");
  });

  it("reads processes, buildpacks and the slug, and says it all in execution order", async () => {
    const p = await plan(await serve());
    expect(p.heroku).toEqual({
      id: "01234567-89ab-cdef-0123-456789abcdef",
      name: "shop",
      stack: "heroku-24",
      region: "eu",
      buildpacks: ["heroku/nodejs", "https://github.com/heroku/heroku-buildpack-apt"],
      release: 7,
    });
    expect(p.processes).toEqual([
      { type: "web", quantity: 2, size: "standard-2x", command: "node server.js" },
      { type: "clock", quantity: 0, size: "basic", command: "npm run clock" },
      { type: "worker", quantity: 1, size: "standard-1x", command: "node worker.js" },
    ]);
    expect(p.unsupported.map((u) => u.what)).toContain("buildpack https://github.com/heroku/heroku-buildpack-apt");
    expect(p.source).toEqual({
      kind: "slug",
      slugId: "slug-7",
      bytes: expect.any(Number),
      commit: "abc1234",
      dropped: ["node_modules", ".heroku", ".profile.d", ".cache", "vendor/bundle", "vendor"],
    });
    expect(p.creates).toEqual([
      'Create the app "shop".',
      "Set 2 config vars copied from Heroku (NODE_ENV, SECRET_KEY_BASE); 6 more come from the new add-ons instead.",
      "Create a PostgreSQL add-on in place of postgresql-shaped-12345, attached as DATABASE_URL, HEROKU_POSTGRESQL_RED_URL.",
      "Create a Redis add-on in place of redis-curly-67890, attached as CACHE_TLS_URL, REDIS_TLS_URL, REDIS_URL.",
      "Restore postgresql-shaped-12345's data from Heroku backup b001.",
      "Add the domains api.shop.example, www.shop.example (then point their DNS here).",
      "Build from Heroku's slug of release v7 (build output such as node_modules, .heroku, .profile.d, .cache, vendor/bundle, vendor left out and rebuilt).",
      "Deploy the build.",
      "Scale web=2 worker=1.",
      "Verify the app answers at shop.apps.example.net.",
    ]);
  });

  it("builds from a git URL when given one, and refuses one that carries a token", async () => {
    const client = await serve();
    const p = await plan(client, { source: { kind: "git", url: "https://github.com/acme/shop.git", ref: "main" }, name: "shop-eu" });
    expect(p.source).toEqual({ kind: "git", url: "https://github.com/acme/shop.git", ref: "main" });
    expect(p.app.name).toBe("shop-eu");
    expect(p.creates).toContain("Build from https://github.com/acme/shop.git at main.");
    const err = await refusal(plan(client, { source: { kind: "git", url: "https://x:ghp_secret@github.com/acme/shop.git" } }));
    expect(err.message).toMatch(/without a user name or token/);
    expect(err.message).not.toContain("ghp_secret");
  });

  it("refuses an app with no slug when no git URL is given", async () => {
    const client = await serveShop((app) => {
      app.stack = "container";
      app.release = { version: 3, slugId: null };
      app.slug = null;
    });
    const err = await refusal(plan(client));
    expect(err.code).toBe("BAD_REQUEST");
    expect(err.message).toMatch(/"shop" has no slug to import: its current release v3 has none .*Give the URL of its git repository/);
    const p = await plan(client, { source: { kind: "git", url: "https://github.com/acme/shop.git" } });
    expect(p.source.kind).toBe("git");
  });

  it("says when the Heroku name is not a valid SkyPanel name, and takes a given one", async () => {
    const client = await serveShop((app) => {
      app.name = "api";
    });
    const err = await refusal(plan(client, {}, "api"));
    expect(err.message).toMatch(/The Heroku app's name "api" cannot be a SkyPanel app name: .*reserved.* Give the app another name/);
    expect((await plan(client, { name: "shop-api" }, "api")).app.name).toBe("shop-api");
    await expect(plan(client, { name: "Bad Name" }, "api")).rejects.toThrow(/not a valid app name/);
  });

  it("says when Heroku has no such app", async () => {
    const err = await refusal(plan(await serve(), {}, "nope"));
    expect(err.code).toBe("NOT_FOUND");
    expect(err.message).toBe('Heroku has no app named "nope" visible to this token.');
  });
});
