// Pipelines over REST (no runtime): create, stages, the view, the promotion preview and its
// refusals, delete with confirmation; hostile input answers 4xx and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestBff, type TestBff } from "../testing.ts";

describe("pipelines over REST (no runtime; PGlite)", () => {
  let t: TestBff;
  let token: string;
  let bobToken: string;
  let alice: Awaited<ReturnType<TestBff["user"]>>;
  const count = async () => (await t.database.sql.query<{ n: number }>("SELECT count(*)::int AS n FROM pipelines"))[0]?.n;

  beforeAll(async () => {
    t = await createTestBff("pglite");
    alice = await t.user("alice@example.com");
    await t.user("bob@example.com");
    token = await t.login("alice@example.com");
    bobToken = await t.login("bob@example.com");
    const { teamId, id } = await t.engine.apps.create(alice, { name: "api-staging" });
    await t.engine.apps.create(alice, { name: "api-prod", teamId });
    await t.engine.config.set(alice, "api-staging", { A: "1", B: "2" });
    await t.engine.config.set(alice, "api-prod", { B: "3", C: "4" });
    await t.release(alice, id, { web: "node server.js" });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("creates a pipeline, refusing hostile names with 400 and a taken one with 409", async () => {
    expect(await t.rest("POST", "/api/pipelines", { token, body: { name: "svc" } })).toMatchObject({ status: 201, body: { name: "svc" } });
    for (const name of ["", "A", "../../etc", "a".repeat(101), "x\u0000y", "drop table"])
      expect((await t.rest("POST", "/api/pipelines", { token, body: { name } })).status).toBe(400);
    expect(await t.rest("POST", "/api/pipelines", { token, body: { name: 7 } })).toMatchObject({ status: 400 });
    expect(await t.rest("POST", "/api/pipelines", { token, body: { name: "svc" } })).toMatchObject({ status: 409 });
    expect(
      await t.rest("POST", "/api/pipelines", { token, body: { name: "other", teamId: "00000000-0000-0000-0000-000000000001" } }),
    ).toMatchObject({
      status: 404,
    });
    expect(await t.rest("POST", "/api/pipelines", { body: { name: "anon" } })).toMatchObject({ status: 401 });
    expect(await count()).toBe(1);
  });

  it("puts apps at stages and shows them side by side; strangers see nothing", async () => {
    expect(await t.rest("PUT", "/api/pipelines/svc/apps/api-staging", { token, body: { stage: "staging" } })).toMatchObject({
      status: 200,
      body: { stage: "staging" },
    });
    expect(await t.rest("PUT", "/api/pipelines/svc/apps/api-prod", { token, body: { stage: "production" } })).toMatchObject({
      status: 200,
    });
    expect(await t.rest("PUT", "/api/pipelines/svc/apps/api-prod", { token, body: { stage: "review" } })).toMatchObject({ status: 400 });
    expect(await t.rest("PUT", "/api/pipelines/svc/apps/api-prod", { token, body: {} })).toMatchObject({ status: 400 });
    const view = await t.rest("GET", "/api/pipelines/svc", { token });
    expect(view.status).toBe(200);
    expect(view.body.stages.map((s: { stage: string; apps: { name: string }[] }) => [s.stage, s.apps.map((a) => a.name)])).toEqual([
      ["development", []],
      ["staging", ["api-staging"]],
      ["production", ["api-prod"]],
    ]);
    expect(view.body.stages[1].apps[0]).toMatchObject({ configKeys: ["A", "B"], release: { version: 1, kind: "build", buildNumber: 1 } });
    expect(await t.rest("GET", "/api/pipelines", { token })).toMatchObject({
      status: 200,
      body: { pipelines: [{ name: "svc", appCount: 2 }] },
    });
    expect(await t.rest("GET", "/api/pipelines/svc", { token: bobToken })).toMatchObject({ status: 404 });
    expect(await t.rest("GET", "/api/pipelines", { token: bobToken })).toMatchObject({ status: 200, body: { pipelines: [] } });
  });

  it("previews a promotion's config key diff, and refuses promotions that cannot be with 4xx", async () => {
    const preview = await t.rest("GET", "/api/pipelines/svc/promotions/preview?from=api-staging", { token });
    expect(preview).toMatchObject({
      status: 200,
      body: {
        from: { app: { name: "api-staging" }, release: { version: 1 } },
        nextStage: "production",
        targets: [
          {
            app: { name: "api-prod" },
            release: null,
            strategy: "rolling",
            configKeys: { onlyInSource: ["A"], onlyInTarget: ["C"], inBoth: ["B"] },
          },
        ],
      },
    });
    expect(await t.rest("GET", "/api/pipelines/svc/promotions/preview?from=api-prod", { token })).toMatchObject({ status: 400 });
    expect(await t.rest("GET", "/api/pipelines/svc/promotions/preview", { token })).toMatchObject({ status: 400 });
    expect(await t.rest("GET", "/api/pipelines/svc/promotions/preview?from=nope", { token })).toMatchObject({ status: 404 });
    // This platform runs no apps: nothing to deploy a promotion with.
    expect(await t.rest("POST", "/api/pipelines/svc/promotions", { token, body: { from: "api-staging" } })).toMatchObject({ status: 412 });
    expect(await t.rest("POST", "/api/pipelines/svc/promotions", { token, body: { from: "api-staging", to: [] } })).toMatchObject({
      status: 400,
    });
    expect(await t.rest("POST", "/api/pipelines/svc/promotions", { token, body: { from: "api-staging", to: "api-prod" } })).toMatchObject({
      status: 400,
    });
    expect(await t.rest("POST", "/api/pipelines/svc/promotions", { token: bobToken, body: { from: "api-staging" } })).toMatchObject({
      status: 404,
    });
    expect(await t.engine.releases.list(alice, "api-prod")).toEqual([]);
  });

  it("deletes a pipeline only with its name, keeping its apps", async () => {
    expect(await t.rest("DELETE", "/api/pipelines/svc", { token })).toMatchObject({ status: 400 });
    expect(await t.rest("DELETE", "/api/pipelines/svc?confirm=SVC", { token })).toMatchObject({ status: 400 });
    expect(await t.rest("DELETE", "/api/pipelines/svc", { token: bobToken, body: { confirm: "svc" } })).toMatchObject({ status: 404 });
    expect(await t.rest("DELETE", "/api/pipelines/svc/apps/api-prod", { token })).toMatchObject({ status: 200 });
    expect(await t.rest("DELETE", "/api/pipelines/svc?confirm=svc", { token })).toMatchObject({ status: 200, body: { name: "svc" } });
    expect(await count()).toBe(0);
    expect(await t.rest("GET", "/api/apps/api-staging", { token })).toMatchObject({ status: 200 });
  });
});
