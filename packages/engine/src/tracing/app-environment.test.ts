// SKYPANEL_APP_OTLP_ENDPOINT: what an app's instances get so their own OTel SDK reports to the
// operator's collector. Checked on the instance plan the runtime starts (nothing is started).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../actor.ts";
import { createTestEngine, type TestEngine } from "../testing.ts";
import { createTracing } from "./tracing.ts";

describe("the OTLP endpoint passed to apps (PGlite)", () => {
  let withEndpoint: TestEngine;
  const env = async (t: TestEngine, actor: Actor, app: string) => {
    const appRow = await t.engine.apps.get(actor, app);
    const release = await t.engine.running?.findRelease(appRow.currentReleaseId ?? "");
    if (!t.engine.running || !release) throw new Error("no runtime or no release");
    const plan = await t.engine.running.manager.planFor(appRow, release, { processType: "web", memoryMb: 256, cpuQuota: 1, maxProcs: 64 });
    return plan.env;
  };
  const deployed = async (t: TestEngine, name: string, vars: Record<string, string> = {}) => {
    const actor = await t.user(`${name}@example.com`);
    const app = await t.engine.apps.create(actor, { name });
    if (Object.keys(vars).length > 0) await t.engine.config.set(actor, name, vars);
    await t.release(actor, app.id, { web: "node server.js" });
    return actor;
  };

  beforeAll(async () => {
    withEndpoint = await createTestEngine("pglite", {
      runtime: { mode: "process", router: false },
      tracing: { appEndpoint: "http://10.0.0.5:4318" },
    });
  });
  afterAll(async () => {
    await withEndpoint.close();
  });

  it("sets OTEL_EXPORTER_OTLP_ENDPOINT and OTEL_SERVICE_NAME (the app's name) beneath the app's config", async () => {
    const actor = await deployed(withEndpoint, "shop", { DATABASE_URL: "postgres://db/shop" });
    expect(await env(withEndpoint, actor, "shop")).toEqual({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://10.0.0.5:4318",
      OTEL_SERVICE_NAME: "shop",
      DATABASE_URL: "postgres://db/shop",
    });
  });

  it("lets the app's own config vars win", async () => {
    const actor = await deployed(withEndpoint, "own-otel", {
      OTEL_SERVICE_NAME: "checkout",
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://mine:4318",
    });
    expect(await env(withEndpoint, actor, "own-otel")).toEqual({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://mine:4318",
      OTEL_SERVICE_NAME: "checkout",
    });
  });

  it("sets nothing when the operator set no endpoint", () => {
    const tracing = createTracing({ db: withEndpoint.database.db });
    expect(tracing.appEnvironment("plain")).toEqual({});
  });
});
