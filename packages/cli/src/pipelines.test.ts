// pipelines:*: what the CLI sends and prints, against a recording stub server (not the platform:
// apps/bff/src/rest/pipelines.test.ts and engine/pipelines/*.test.ts check the platform).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, type Stub, stubServer } from "./testing/io.ts";

const release = (version: number, buildNumber: number) => ({
  id: `r${version}`,
  version,
  kind: "build",
  storePath: "/nix/store/x",
  buildNumber,
  commit: "0123456789abcdef",
  promotedFrom: null,
});
const view = {
  id: "p1",
  name: "shop",
  stages: [
    { stage: "development", apps: [] },
    {
      stage: "staging",
      apps: [{ id: "a1", name: "shop-staging", status: "running", url: null, release: release(5, 3), configKeys: ["A"] }],
    },
    { stage: "production", apps: [{ id: "a2", name: "shop-prod", status: "running", url: null, release: null, configKeys: ["B"] }] },
  ],
  reviewApps: [],
};
const preview = {
  from: { app: { id: "a1", name: "shop-staging" }, release: release(5, 3) },
  nextStage: "production",
  targets: [
    {
      app: { id: "a2", name: "shop-prod" },
      release: null,
      strategy: "rolling",
      configKeys: { onlyInSource: ["A"], onlyInTarget: ["B"], inBoth: [] },
    },
  ],
};

describe("skypanel pipelines:* (recording stub server, not the platform)", () => {
  let stub: Stub;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    stub = await stubServer((req) => {
      const url = req.url ?? "";
      if (url === "/api/pipelines") return { body: { pipelines: [{ id: "p1", name: "shop", appCount: 2, reviewAppCount: 0 }] } };
      if (url === "/api/pipelines/shop") return { body: view };
      if (url.startsWith("/api/pipelines/shop/promotions/preview")) return { body: preview };
      if (url === "/api/pipelines/shop/promotions")
        return { body: { promotions: [{ app: { id: "a2", name: "shop-prod" }, releaseVersion: 2, deploymentId: "d1" }] } };
      return { status: 404, body: { error: { code: "NOT_FOUND", message: "no" } } };
    });
    env = { SKYPANEL_URL: stub.url, SKYPANEL_API_KEY: "t0ken" };
  });
  afterAll(async () => {
    await stub.close();
  });

  it("diff finds the app's pipeline and prints the config keys each side lacks", async () => {
    const out = await runCli(["pipelines:diff", "-a", "shop-staging"], { env });
    expect(out).toMatchObject({ code: 0 });
    expect(out.stdout).toBe(
      [
        "shop-staging runs v5 build #3 0123456; the production stage has:",
        "  shop-prod: now (no release), deploys rolling",
        "    only in shop-staging: A",
        "    only in shop-prod: B",
        "",
      ].join("\n"),
    );
  });

  it("promote needs --confirm off a terminal (nothing sent), then posts the targets named", async () => {
    stub.requests.length = 0;
    expect(await runCli(["pipelines:promote", "-a", "shop-staging"], { env })).toMatchObject({ code: 2 });
    expect(await runCli(["pipelines:promote", "-a", "shop-staging", "-p", "shop", "--confirm", "shop-prod"], { env })).toMatchObject({
      code: 1,
      stderr: expect.stringContaining("nothing was promoted"),
    });
    expect(stub.requests.filter((r) => r.method === "POST")).toEqual([]);
    const ok = await runCli(["pipelines:promote", "-a", "shop-staging", "-p", "shop", "--to", "shop-prod", "--confirm", "shop-staging"], {
      env,
    });
    expect(ok).toMatchObject({ code: 0, stdout: "shop-prod: v2 deploying (skypanel releases -a shop-prod; deployment d1)\n" });
    expect(stub.requests.filter((r) => r.method === "POST").map((r) => [r.url, JSON.parse(r.body)])).toEqual([
      ["/api/pipelines/shop/promotions", { from: "shop-staging", to: ["shop-prod"] }],
    ]);
  });

  it("destroy refuses a confirmation that does not match before sending anything; add needs a stage", async () => {
    stub.requests.length = 0;
    expect(await runCli(["pipelines:destroy", "shop", "--confirm", "shoe"], { env })).toMatchObject({ code: 1 });
    expect(await runCli(["pipelines:add", "shop-prod", "-p", "shop", "--stage", "review"], { env })).toMatchObject({ code: 2 });
    expect(stub.requests).toEqual([]);
  });
});
