// OpenTelemetry end to end: a real BFF over a real engine exports its spans over OTLP/HTTP to a
// receiver this test starts on loopback. Requests, tRPC calls, a real Nix build and a real
// deployment (process runtime, Caddy) arrive as spans; with no endpoint set nothing is sent.
import { BUILD_STAGE_NAMES } from "@skypanel/db";
import { tracingSettingsFromEnv } from "@skypanel/engine";
import { copyFixture, uploadDir, waitForBuild } from "@skypanel/engine/build-testing";
import { freePort } from "@skypanel/engine/router-testing";
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from "@skypanel/engine/tracing-testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestBff, type TestBff } from "./testing.ts";

const SERVER = 2; // OTLP's SPAN_KIND_SERVER
const ERROR = 2; // OTLP's STATUS_CODE_ERROR

describe("OpenTelemetry spans over OTLP/HTTP (process runtime, Caddy, real Nix; PGlite)", { timeout: 300_000 }, () => {
  let receiver: OtlpReceiver;
  let t: TestBff;
  let token: string;

  const trpcGet = (path: string, input: unknown) =>
    t.app.request(`/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`, {
      headers: { authorization: `Bearer ${token}` },
    });
  /** Sends what is batched, then reads what the receiver holds. */
  const received = async () => {
    await t.engine.tracing.flush();
    return receiver.spans;
  };
  const childrenOf = (spans: ReceivedSpan[], parent: ReceivedSpan | undefined) =>
    spans.filter((s) => parent && s.parentSpanId === parent.spanId && s.traceId === parent.traceId);

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    t = await createTestBff("pglite", {
      builds: { concurrency: 1 },
      runtime: { mode: "process", router: { httpPort: await freePort(), baseDomain: "localhost" }, reconcileIntervalMs: 1000 },
      tracing: tracingSettingsFromEnv({
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_HEADERS: "x-collector-token=s3cret%21",
      }),
    });
    await t.engine.start();
    await t.engine.users.createFirstAdmin({ email: "ops@example.com", password: "correct horse battery" });
    token = await t.login("ops@example.com");
  });
  afterAll(async () => {
    await t.engine.running?.shutdown();
    await t.close();
    await receiver.close();
  });

  it("sends one SERVER span per request, named by route template, with each tRPC call as its child", async () => {
    const calls = [
      await t.rest("POST", "/api/apps", { token, body: { name: "traced-app" } }),
      await t.rest("GET", "/api/apps/traced-app", { token }),
      await t.rest("GET", "/api/apps/no-such-app", { token }),
      await t.rest("POST", "/api/apps", { token, body: { name: "Not A Valid Name!" } }),
    ];
    expect(calls.map((c) => c.status)).toEqual([201, 200, 404, 400]);
    const trpc = await trpcGet("apps.get", { app: "traced-app" });
    expect(trpc.status).toBe(200);

    const spans = await received();
    const requests = spans.filter((s) => s.kind === SERVER);
    const names = requests.map((s) => `${s.name} ${s.attributes["http.response.status_code"]}`);
    // Counted, not waited for: the login, the four REST calls and the tRPC call, each exactly once.
    expect(names.sort()).toEqual(
      [
        "POST /api/auth/login 200",
        "POST /api/apps 201",
        "GET /api/apps/:app 200",
        "GET /api/apps/:app 404",
        "POST /api/apps 400",
        "GET /api/trpc/* 200",
      ].sort(),
    );
    for (const r of requests) {
      expect(r.resource["service.name"]).toBe("skypanel");
      expect(r.parentSpanId).toBeNull();
      expect(r.attributes["http.route"]).toBe(r.name.split(" ")[1]);
      expect(r.attributes["http.request.method"]).toBe(r.name.split(" ")[0]);
    }
    // A REST call runs the same procedure the dashboard does: it is the request's child, in its trace.
    const get200 = requests.find((s) => s.name === "GET /api/apps/:app" && s.attributes["http.response.status_code"] === 200);
    const procedures = childrenOf(spans, get200);
    expect(procedures.map((s) => [s.name, s.attributes["rpc.method"], s.status.code])).toContainEqual(["trpc apps.get", "apps.get", 0]);
    expect(procedures.every((s) => s.name.startsWith("trpc ") && s.status.code === 0)).toBe(true);
    const get404 = requests.find((s) => s.attributes["http.response.status_code"] === 404);
    expect(childrenOf(spans, get404).map((s) => [s.name, s.status.code])).toContainEqual(["trpc apps.get", ERROR]);
    expect(childrenOf(spans, get404).find((s) => s.name === "trpc apps.get")?.status.message).toMatch(/NOT_FOUND/);
    const viaTrpc = requests.find((s) => s.name === "GET /api/trpc/*");
    expect(viaTrpc?.attributes).toMatchObject({ "rpc.system": "trpc", "rpc.method": "apps.get", "url.path": "/api/trpc/apps.get" });
    expect(childrenOf(spans, viaTrpc).map((s) => s.name)).toEqual(["trpc apps.get"]);
    // The export is JSON at /v1/traces with the configured header.
    expect(receiver.requests.length).toBeGreaterThan(0);
    for (const r of receiver.requests) {
      expect(r.path).toBe("/v1/traces");
      expect(r.contentType).toMatch(/^application\/json/);
      expect(r.headers["x-collector-token"]).toBe("s3cret!");
    }
  });

  it("sends a real build's stages and a real deployment's steps, and keeps them for the waterfall", async () => {
    const actor = { userId: (await t.engine.auth.authenticate(token))?.user.id ?? "", isAdmin: true };
    const created = await t.engine.builds.create(actor, "traced-app", uploadDir(t.home, copyFixture("node-greeting")));
    const build = await waitForBuild(t.engine, actor, "traced-app", created.id);
    expect(build.status, build.error ?? "").toBe("succeeded");
    const started = await t.rest("POST", "/api/apps/traced-app/deployments", { token, body: { buildId: build.id } });
    expect(started.status).toBe(202);
    const deadline = Date.now() + 120_000;
    let dep = started.body;
    while (["queued", "running"].includes(dep.status) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      dep = (await t.rest("GET", `/api/apps/traced-app/deployments/${started.body.id}`, { token })).body;
    }
    expect(dep.status, dep.error ?? JSON.stringify(dep.steps)).toBe("succeeded");

    // The build's root span ends just after the build is marked succeeded (CI once flushed in
    // between, and the late span then reached the next test's count): wait for it, bounded.
    let spans = await received();
    for (const deadline = Date.now() + 15_000; Date.now() < deadline; spans = await received()) {
      if (spans.some((s) => s.name === "build pipeline" && s.attributes["skypanel.build.id"] === build.id)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const buildRoot = spans.find((s) => s.name === "build pipeline" && s.attributes["skypanel.build.id"] === build.id);
    expect(buildRoot?.parentSpanId).toBeNull();
    expect(buildRoot?.attributes).toMatchObject({ "skypanel.app.name": "traced-app", "skypanel.build.number": 1 });
    const stages = childrenOf(spans, buildRoot);
    const stageNames = stages.map((s) => s.name);
    expect(stageNames).toEqual(expect.arrayContaining(["fetch", "detect", "dependencies", "build", "artifact", "optimise"]));
    expect(stageNames.every((n) => (BUILD_STAGE_NAMES as readonly string[]).includes(n))).toBe(true);
    for (const s of stages) {
      expect(s.attributes["skypanel.build.id"]).toBe(build.id);
      expect(s.status.code).toBe(0);
      expect(s.startMs).toBeGreaterThanOrEqual(buildRoot?.startMs ?? Infinity);
      expect(s.endMs).toBeLessThanOrEqual(buildRoot?.endMs ?? 0);
    }

    const depRoot = spans.find((s) => s.name === "deployment" && s.attributes["skypanel.deployment.id"] === dep.id);
    expect(depRoot?.attributes).toMatchObject({ "skypanel.app.name": "traced-app", "skypanel.deployment.strategy": "rolling" });
    const steps = childrenOf(spans, depRoot);
    expect(steps.map((s) => s.name)).toEqual(["build", "release", "web: roll out 1 instance(s)", "switch"]);
    const rollout = steps.find((s) => s.name.startsWith("web: roll out"));
    expect(childrenOf(spans, rollout).map((s) => s.name)).toEqual(["start instance", "wait for health"]);
    expect(childrenOf(spans, rollout)[0]?.attributes).toMatchObject({ "skypanel.deployment.id": dep.id, "skypanel.process.type": "web" });

    // The dashboard's waterfall reads the same spans from the database.
    const buildTrace = await t.rest("GET", `/api/apps/traced-app/builds/${build.id}/trace`, { token });
    expect(buildTrace.status).toBe(200);
    expect(buildTrace.body.traceId).toBe(buildRoot?.traceId);
    expect(buildTrace.body.spans.map((s: { spanId: string }) => s.spanId).sort()).toEqual(
      [buildRoot, ...stages].map((s) => s?.spanId).sort(),
    );
    const depTrace = await t.rest("GET", `/api/apps/traced-app/deployments/${dep.id}/trace`, { token });
    expect(depTrace.status).toBe(200);
    expect(depTrace.body.spans).toHaveLength(spans.filter((s) => s.traceId === depRoot?.traceId).length);
    expect(depTrace.body.spans.every((s: { status: string; endedAt: string | null }) => s.status === "ok" && s.endedAt)).toBe(true);
  });

  it("answers a trace only to who may read the app, and refuses bad ids", async () => {
    await t.rest("POST", "/api/users", { token, body: { email: "eve@example.com", password: "correct horse battery" } });
    const eve = await t.login("eve@example.com");
    const [build] = (await t.rest("GET", "/api/apps/traced-app/builds", { token })).body.builds;
    expect((await t.rest("GET", `/api/apps/traced-app/builds/${build.id}/trace`, { token: eve })).status).toBe(404);
    expect((await t.rest("GET", `/api/apps/traced-app/builds/${build.id}/trace`)).status).toBe(401);
    for (const id of ["not-a-uuid", "00000000-0000-0000-0000-000000000000", "x".repeat(65)]) {
      const res = await t.rest("GET", `/api/apps/traced-app/deployments/${id}/trace`, { token });
      expect([400, 404], `${id}: ${JSON.stringify(res.body)}`).toContain(res.status);
      expect(res.body.error.message).toBeTruthy();
    }
  });

  it("sends nothing and makes no request spans when no OTLP endpoint is set", async () => {
    // The exporting platform's spans from the tests before (batched, sent on a timer) go out
    // first, so any request counted from here on could only come from the quiet platform.
    await t.engine.tracing.flush();
    const before = receiver.requests.length;
    const quiet = await createTestBff("pglite", { tracing: tracingSettingsFromEnv({}) });
    try {
      expect(quiet.engine.tracing.exporting).toBe(false);
      await quiet.engine.users.createFirstAdmin({ email: "quiet@example.com", password: "correct horse battery" });
      const quietToken = await quiet.login("quiet@example.com");
      const answers = [];
      for (let i = 0; i < 5; i++) answers.push((await quiet.rest("GET", "/api/apps", { token: quietToken })).status);
      expect(answers).toEqual([200, 200, 200, 200, 200]);
      await quiet.engine.tracing.flush();
    } finally {
      await quiet.close();
    }
    expect(receiver.requests.length).toBe(before);
  });
});
