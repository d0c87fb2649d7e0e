// Review apps over REST (no runtime: a review app's making stays queued): settings, the webhook
// secret shown once, create/list/destroy, and the webhook route, which must verify the exact bytes
// it was sent, answer hostile deliveries with 4xx, and make nothing for them.
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestBff, type TestBff } from "../testing.ts";

/** What GitHub sends as X-Hub-Signature-256. */
const sign = (secret: string, body: string) => `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

describe("review apps over REST and the GitHub webhook route (no runtime; PGlite)", () => {
  let t: TestBff;
  let token: string;
  let secret = "";
  const base = "/api/pipelines/web/review-apps";
  const hook = "/api/pipelines/web/webhooks/github";

  const deliver = (rawBody: string, headers: Record<string, string>) =>
    t.rest("POST", hook, { rawBody, headers: { "content-type": "application/json", ...headers } });
  const liveRows = async () =>
    (await t.database.sql.query<{ n: number }>("SELECT count(*)::int AS n FROM review_apps WHERE status <> 'destroyed'"))[0]?.n;

  beforeAll(async () => {
    t = await createTestBff("pglite", { builds: { allowLocalGit: true } });
    const alice = await t.user("alice@example.com");
    token = await t.login("alice@example.com");
    const { teamId } = await t.engine.apps.create(alice, { name: "web-dev" });
    await t.engine.pipelines.create(alice, { name: "web", teamId });
    await t.engine.pipelines.addApp(alice, "web", "web-dev", "development");
  });
  afterAll(async () => {
    await t?.close();
  });

  it("changes settings, refusing a parent outside the pipeline with 400", async () => {
    expect(await t.rest("PATCH", `${base}/settings`, { token, body: { enabled: true, parentApp: "nope" } })).toMatchObject({ status: 400 });
    const ok = await t.rest("PATCH", `${base}/settings`, { token, body: { enabled: true, parentApp: "web-dev", maxApps: 1 } });
    expect(ok).toMatchObject({ status: 200, body: { enabled: true, parentApp: { name: "web-dev" }, maxApps: 1, webhook: false } });
    expect(await t.rest("GET", `${base}/settings`, { token })).toMatchObject({ status: 200, body: { enabled: true } });
    expect(await t.rest("GET", `${base}/settings`)).toMatchObject({ status: 401 });
  });

  it("shows a new webhook secret once; the route verifies the raw bytes and refuses the rest with 401, making nothing", async () => {
    const rotated = await t.rest("POST", `${base}/webhook`, { token });
    expect(rotated).toMatchObject({ status: 200, body: { url: hook } });
    secret = rotated.body.secret;
    const body = `{"zen": "Keep it logically awesome.",  "hook_id": 1}`;
    expect(await deliver(body, { "x-github-event": "ping", "x-hub-signature-256": sign(secret, body) })).toMatchObject({ status: 200 });
    // The same JSON re-serialised is other bytes: the signature of the original no longer matches.
    const reserialised = JSON.stringify(JSON.parse(body));
    expect(await deliver(reserialised, { "x-github-event": "ping", "x-hub-signature-256": sign(secret, body) })).toMatchObject({
      status: 401,
    });
    expect(await deliver(body, { "x-github-event": "ping" })).toMatchObject({ status: 401 });
    expect(await deliver(body, { "x-github-event": "ping", "x-hub-signature-256": sign("wrong", body) })).toMatchObject({ status: 401 });
    expect(
      await deliver("{not json", { "x-github-event": "pull_request", "x-hub-signature-256": sign(secret, "{not json") }),
    ).toMatchObject({
      status: 400,
      body: { error: { message: expect.stringMatching(/not JSON/) } },
    });
    const huge = `{"x":"${"a".repeat(1024 * 1024)}"}`;
    expect(await deliver(huge, { "x-github-event": "pull_request", "x-hub-signature-256": sign(secret, huge) })).toMatchObject({
      status: 413,
    });
    expect(await liveRows()).toBe(0);
  });

  it("a signed pull_request opened makes the review app; past the maximum the webhook answers 409 with the reason", async () => {
    const pr = (n: number) =>
      JSON.stringify({
        action: "opened",
        number: n,
        pull_request: { number: n, head: { ref: `b${n}`, sha: "c".repeat(40), repo: { clone_url: t.home } } },
      });
    const first = pr(3);
    const made = await deliver(first, { "x-github-event": "pull_request", "x-hub-signature-256": sign(secret, first) });
    expect(made).toMatchObject({ status: 200, body: { reviewApp: { app: "web-pr-3", status: "creating" } } });
    const second = pr(4);
    const full = await deliver(second, { "x-github-event": "pull_request", "x-hub-signature-256": sign(secret, second) });
    expect(full).toMatchObject({ status: 409, body: { error: { message: expect.stringMatching(/its maximum \(1\)/) } } });
    const listed = await t.rest("GET", base, { token });
    expect(listed.body.reviewApps.map((r: { app: { name: string } }) => r.app.name)).toEqual(["web-pr-3"]);
  });

  it("creates and destroys over REST; a wrong confirmation is 400 and destroys nothing", async () => {
    await t.rest("PATCH", `${base}/settings`, { token, body: { maxApps: 5 } });
    const made = await t.rest("POST", base, { token, body: { branch: "feature/x", source: { url: t.home } } });
    expect(made).toMatchObject({ status: 202, body: { app: { name: "web-feature-x" }, origin: "api", status: "creating" } });
    expect(await t.rest("POST", base, { token, body: { branch: "a..b", source: { url: t.home } } })).toMatchObject({ status: 400 });
    expect(await t.rest("DELETE", `${base}/feature%2Fx`, { token, body: { confirm: "nope" } })).toMatchObject({ status: 400 });
    expect(await t.rest("DELETE", `${base}/feature%2Fx?confirm=web-feature-x`, { token })).toMatchObject({
      status: 200,
      body: { app: "web-feature-x" },
    });
    expect(await t.rest("GET", "/api/apps/web-feature-x", { token })).toMatchObject({ status: 404 });
  });
});
