// Pipelines' rules without running anything: stages, team roles, refusals, the view, the
// promotion preview, and promotion's releases and queued deployments (a runtime is configured
// but never started, so the deployments stay queued).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../actor.ts";
import { createTestEngine, TEST_DRIVERS, type TestEngine } from "../testing.ts";

const STORE = "/nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-shop";

describe.each(TEST_DRIVERS)("pipelines on %s", (driver) => {
  let t: TestEngine;
  let alice: Actor;
  let bob: Actor;
  let vera: Actor;
  let teamId: string;
  const ids: Record<string, string> = {};
  const p = () => t.engine.pipelines;

  beforeAll(async () => {
    t = await createTestEngine(driver, { runtime: { mode: "process", router: false } });
    alice = await t.user("alice@pipes.example");
    bob = await t.user("bob@pipes.example");
    vera = await t.user("vera@pipes.example");
    teamId = (await t.engine.teams.create(alice, { name: "shop" })).id;
    await t.engine.teams.addMember(alice, { teamId, email: "vera@pipes.example", role: "viewer" });
    for (const name of ["shop-dev", "shop-staging", "shop-prod", "shop-prod-eu"])
      ids[name] = (await t.engine.apps.create(alice, { name, teamId })).id;
    ids["alice-own"] = (await t.engine.apps.create(alice, { name: "alice-own" })).id;
    ids["bob-app"] = (await t.engine.apps.create(bob, { name: "bob-app" })).id;
    await t.engine.config.set(alice, "shop-staging", { GREETING: "staging", DEBUG: "1" });
    await t.engine.config.set(alice, "shop-prod", { GREETING: "production", SENTRY_DSN: "https://x" });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("creates pipelines by the app name rule, unique, in the personal team or a given one", async () => {
    expect(await p().create(alice, { name: "shop", teamId })).toMatchObject({ name: "shop" });
    expect(await p().create(alice, { name: "solo" })).toMatchObject({ name: "solo" });
    await p().create(alice, { name: "shop-two", teamId });
    for (const bad of ["A", "x", "../etc", "shop_1", "a".repeat(200), "www", "a--b", "ünïcode", "'; drop table pipelines; --"])
      await expect(p().create(alice, { name: bad, teamId })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(p().create(alice, { name: "shop", teamId })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(p().create(alice, { name: "x-team", teamId: "not-a-uuid" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    // Bob is not in the team: its existence is not revealed. Vera only views it.
    await expect(p().create(bob, { name: "bob-pipe", teamId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(p().create(vera, { name: "vera-pipe", teamId })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await p().list(alice)).map((x) => x.name)).toEqual(["shop", "shop-two", "solo"]);
    expect(await p().list(bob)).toEqual([]);
    expect((await p().list(vera)).map((x) => x.name)).toEqual(["shop", "shop-two"]);
  });

  it("puts apps at stages, moves them, and keeps an app in one pipeline of its own team", async () => {
    await p().addApp(alice, "shop", "shop-dev", "development");
    await p().addApp(alice, "shop", "shop-staging", "development");
    // In this pipeline already: moved.
    await p().addApp(alice, "shop", "shop-staging", "staging");
    await p().addApp(alice, "shop", "shop-prod", "production");
    await p().addApp(alice, "shop", "shop-prod-eu", "production");
    await expect(p().addApp(alice, "shop-two", "shop-dev", "staging")).rejects.toThrow(/in the pipeline shop already/);
    // Alice's personal app is in another team than "shop".
    await expect(p().addApp(alice, "shop", "alice-own", "staging")).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(p().addApp(alice, "shop", "bob-app", "staging")).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(p().addApp(alice, "shop", "shop-dev", "review" as never)).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(p().addApp(bob, "shop", "bob-app", "staging")).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(p().addApp(vera, "shop", "shop-dev", "staging")).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(p().removeApp(alice, "shop-two", "shop-dev")).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const view = await p().get(vera, "shop");
    expect(view.stages.map((s) => [s.stage, s.apps.map((a) => a.name)])).toEqual([
      ["development", ["shop-dev"]],
      ["staging", ["shop-staging"]],
      ["production", ["shop-prod", "shop-prod-eu"]],
    ]);
    expect(view.stages[1]?.apps[0]).toMatchObject({ release: null, configKeys: ["DEBUG", "GREETING"], url: null });
    expect(view.review).toMatchObject({ enabled: false, parentApp: null, maxApps: 5, webhook: false });
    expect((await p().list(alice)).find((x) => x.name === "shop")).toMatchObject({ appCount: 4, reviewAppCount: 0 });
    await expect(p().get(bob, "shop")).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(p().get(alice, "x".repeat(500))).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("refuses promotions that cannot be: no release, last stage, wrong target, itself, outsiders", async () => {
    await expect(p().promote(alice, "shop", "shop-staging")).rejects.toThrow(/shop-staging has no release to promote/);
    await t.release(alice, ids["shop-staging"] ?? "", { web: "node server.js" }, STORE);
    await expect(p().promote(alice, "shop", "shop-prod")).rejects.toThrow(/production stage, the last one/);
    await expect(p().promote(alice, "shop", "shop-staging", { to: ["shop-dev"] })).rejects.toThrow(/not at the production stage/);
    await expect(p().promote(alice, "shop", "shop-staging", { to: ["shop-staging"] })).rejects.toThrow(/to itself/);
    await expect(p().promote(alice, "shop", "alice-own")).rejects.toThrow(/not in the pipeline shop/);
    await expect(p().promote(alice, "shop", "shop-staging", { to: ["bob-app"] })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(p().promote(vera, "shop", "shop-staging")).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(p().promote(bob, "shop", "shop-staging")).rejects.toMatchObject({ code: "NOT_FOUND" });
    // The development app has nothing to promote to when staging is empty.
    await t.release(alice, ids["shop-dev"] ?? "", { web: "node server.js" }, STORE);
    await p().removeApp(alice, "shop", "shop-staging");
    await expect(p().promote(alice, "shop", "shop-dev")).rejects.toThrow(/no app at the staging stage/);
    await p().addApp(alice, "shop", "shop-staging", "staging");
    // Nothing was released by any refusal.
    expect(await t.engine.releases.list(alice, "shop-prod")).toEqual([]);
  });

  it("previews the config keys each target has and lacks, and the strategy it deploys with", async () => {
    // The production app was deployed blue-green before: its promotion keeps that strategy.
    await t.release(alice, ids["shop-prod"] ?? "", { web: "node old.js" });
    const [old] = await t.database.sql.query<{ id: string }>("SELECT id FROM releases WHERE app_id = $1", [ids["shop-prod"]]);
    await t.database.sql.query(
      "INSERT INTO deployments (app_id, release_id, strategy, status) VALUES ($1, $2, 'blue_green', 'succeeded')",
      [ids["shop-prod"], old?.id],
    );
    const preview = await p().promotionPreview(vera, "shop", "shop-staging");
    expect(preview.from).toMatchObject({ app: { name: "shop-staging" }, release: { version: 1, storePath: STORE, buildNumber: 1 } });
    expect(preview.nextStage).toBe("production");
    expect(preview.targets).toEqual([
      {
        app: { id: ids["shop-prod"], name: "shop-prod" },
        release: expect.objectContaining({ version: 1, kind: "build" }),
        strategy: "blue_green",
        configKeys: { onlyInSource: ["DEBUG"], onlyInTarget: ["SENTRY_DSN"], inBoth: ["GREETING"] },
      },
      {
        app: { id: ids["shop-prod-eu"], name: "shop-prod-eu" },
        release: null,
        strategy: "rolling",
        configKeys: { onlyInSource: ["DEBUG", "GREETING"], onlyInTarget: [], inBoth: [] },
      },
    ]);
  });

  it("promotes the same store path with each target's own config, as a promotion release, without a build", async () => {
    const staging = (await t.engine.releases.list(alice, "shop-staging"))[0];
    const result = await p().promote(alice, "shop", "shop-staging", { to: ["shop-prod", "shop-prod"] });
    expect(result.promotions).toEqual([
      { app: { id: ids["shop-prod"], name: "shop-prod" }, releaseVersion: 2, deploymentId: expect.any(String) },
    ]);
    const [release] = await t.engine.releases.list(alice, "shop-prod");
    expect(release).toMatchObject({
      version: 2,
      kind: "promotion",
      storePath: STORE,
      buildId: staging?.buildId,
      promotedFromReleaseId: staging?.id,
      processes: { web: "node server.js" },
      description: "Promote v1 of shop-staging (build #1)",
    });
    expect(t.engine.releases.environment(release as never)).toEqual({ GREETING: "production", SENTRY_DSN: "https://x" });
    const deployment = await t.engine.deployments.get(alice, "shop-prod", result.promotions[0]?.deploymentId ?? "");
    expect(deployment).toMatchObject({ status: "queued", strategy: "blue_green", options: { releaseId: release?.id } });
    // Production made no build of its own (the test release made one, for v1).
    const [{ n } = { n: -1 }] = await t.database.sql.query<{ n: number }>("SELECT count(*)::int AS n FROM builds WHERE app_id = $1", [
      ids["shop-prod"],
    ]);
    expect(n).toBe(1);
    // The other production app was not named: untouched.
    expect(await t.engine.releases.list(alice, "shop-prod-eu")).toEqual([]);
    // Default: every app of the next stage.
    const all = await p().promote(alice, "shop", "shop-staging");
    expect(all.promotions.map((x) => [x.app.name, x.releaseVersion])).toEqual([
      ["shop-prod", 3],
      ["shop-prod-eu", 1],
    ]);
    // The view shows what runs: v1 until the deployment switches (done here by hand: nothing runs).
    expect((await p().get(alice, "shop")).stages[2]?.apps[0]?.release).toMatchObject({ version: 1, kind: "build" });
    await t.database.sql.query(
      "UPDATE applications SET current_release_id = (SELECT id FROM releases WHERE app_id = $1 AND version = 3) WHERE id = $1",
      [ids["shop-prod"]],
    );
    const view = await p().get(alice, "shop");
    expect(view.stages[2]?.apps[0]?.release).toMatchObject({
      version: 3,
      kind: "promotion",
      storePath: STORE,
      buildNumber: 1,
      promotedFrom: { appName: "shop-staging", version: 1 },
    });
    // The audit log says who promoted: the release rows' triggers ran under alice.
    const audited = await t.database.sql.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM audit_log WHERE actor_id = $1 AND target_type = 'releases' AND app_id = $2",
      [alice.userId, ids["shop-prod"]],
    );
    expect(audited[0]?.n).toBeGreaterThanOrEqual(2);
  });

  it("deletes a pipeline only with its name, never while review apps live, and keeps its apps", async () => {
    await t.database.sql.query(
      "INSERT INTO review_apps (pipeline_id, branch, origin) SELECT id, 'feature-x', 'api' FROM pipelines WHERE name = 'shop'",
    );
    await expect(p().delete(alice, "shop", "shop ")).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(p().delete(vera, "shop", "shop")).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(p().delete(bob, "shop", "shop")).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(p().delete(alice, "shop", "shop")).rejects.toThrow(/1 review app \(feature-x\); destroy it first/);
    expect((await p().list(alice)).find((x) => x.name === "shop")).toMatchObject({ reviewAppCount: 1 });
    await t.database.sql.query("UPDATE review_apps SET status = 'destroyed'");
    expect(await p().delete(alice, "shop", "shop")).toMatchObject({ name: "shop" });
    expect((await p().list(alice)).map((x) => x.name)).toEqual(["shop-two", "solo"]);
    expect((await t.engine.apps.get(alice, "shop-prod")).name).toBe("shop-prod");
    // Out of any pipeline now: it can join another.
    await p().addApp(alice, "solo", "alice-own", "staging");
  });

  it("drops an app transferred to another team from the pipeline's view; its new team may put it in a pipeline", async () => {
    await p().addApp(alice, "shop-two", "shop-dev", "development");
    const personal = (await t.engine.teams.list(alice)).find((team) => team.personal)?.id ?? "";
    await t.engine.apps.transfer(alice, "shop-dev", personal);
    expect((await p().get(vera, "shop-two")).stages[0]?.apps).toEqual([]);
    await expect(p().promote(alice, "shop-two", "shop-dev")).rejects.toThrow(/not in the pipeline shop-two/);
    expect(await p().addApp(alice, "solo", "shop-dev", "development")).toMatchObject({ stage: "development" });
  });
});
