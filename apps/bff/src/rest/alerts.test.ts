// Alerts over REST: rules and history on an app, notification channels on its team, a test send to
// real receivers on loopback; hostile input refused with the rule, strangers told "not found".
import { startWebhookReceiver, type WebhookReceiver } from "@skypanel/engine/alerts-testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestBff, TEST_DRIVERS, type TestBff } from "../testing.ts";

describe.each(TEST_DRIVERS)("alerts over REST on %s", (driver) => {
  let t: TestBff;
  let hook: WebhookReceiver;
  let token: string;
  let strangerToken: string;
  let teamId: string;
  let strangerTeamId: string;
  let adminId: string;
  beforeAll(async () => {
    t = await createTestBff(driver);
    hook = await startWebhookReceiver();
    adminId = (await t.engine.users.createFirstAdmin({ email: "ops@example.com", password: "correct horse battery" }))?.id ?? "";
    token = await t.login("ops@example.com");
    await t.rest("POST", "/api/users", { token, body: { email: "eve@example.com", password: "correct horse battery" } });
    strangerToken = await t.login("eve@example.com");
    teamId = (await t.rest("POST", "/api/apps", { token, body: { name: "alerted" } })).body.teamId;
    strangerTeamId = (await t.rest("POST", "/api/apps", { token: strangerToken, body: { name: "eves-app" } })).body.teamId;
  });
  afterAll(async () => {
    await hook?.close();
    await t?.close();
  });
  const channels = (team = teamId) => `/api/teams/${team}/alert-channels`;

  it("makes a webhook channel whose secret is shown once and sealed at rest; a test send arrives signed", async () => {
    const made = await t.rest("POST", channels(), { token, body: { type: "webhook", name: "pager", url: hook.url } });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ name: "pager", type: "webhook", summary: new URL(hook.url).host, teamId });
    expect(made.body.signingSecret).toMatch(/^[0-9a-f]{64}$/);
    hook.secret = made.body.signingSecret;

    const listed = await t.rest("GET", channels(), { token });
    expect(listed.body.channels).toEqual([expect.objectContaining({ id: made.body.id, name: "pager" })]);
    expect(JSON.stringify(listed.body)).not.toContain(hook.secret);
    expect(JSON.stringify(listed.body)).not.toContain("/hooks/alerts");
    const [row] = await t.database.sql.query<{ config: Uint8Array }>("SELECT config FROM alert_channels WHERE id = $1", [made.body.id]);
    expect(Buffer.from(row?.config ?? []).toString("latin1")).not.toContain("hooks/alerts");
    const audit = await t.database.sql.query<{ details: unknown }>("SELECT details FROM audit_log WHERE target_id = $1", [made.body.id]);
    expect(audit.length).toBe(1);
    const audited = Object.keys((audit[0]?.details as { row?: object } | undefined)?.row ?? {});
    expect(audited).toContain("config_key_id");
    expect(audited).not.toContain("config");
    expect(audited).not.toContain("config_nonce");

    const tested = await t.rest("POST", `${channels()}/${made.body.id}/test`, { token });
    expect(tested).toMatchObject({ status: 200, body: { ok: true, attempts: 1 } });
    expect(hook.received).toHaveLength(1);
    expect(hook.received[0]).toMatchObject({ signed: true, json: { type: "alert.test", state: "test", rule: null } });

    // A new secret: the old one no longer verifies.
    const rotated = await t.rest("PATCH", `${channels()}/${made.body.id}`, { token, body: { rotateSecret: true } });
    expect(rotated.body.signingSecret).toMatch(/^[0-9a-f]{64}$/);
    expect(rotated.body.signingSecret).not.toBe(hook.secret);
    await t.rest("POST", `${channels()}/${made.body.id}/test`, { token });
    expect(hook.received[1]?.signed).toBe(false);
    hook.secret = rotated.body.signingSecret;

    // The master key's rotation seals the channel again under the new key; it still sends.
    const keyOf = async () =>
      (await t.database.sql.query<{ k: string }>("SELECT config_key_id AS k FROM alert_channels WHERE id = $1", [made.body.id]))[0]?.k;
    const before = await keyOf();
    const { keyId } = await t.engine.keys.rotate({ userId: adminId, isAdmin: true });
    expect(keyId).not.toBe(before);
    expect(await keyOf()).toBe(keyId);
    expect((await t.rest("POST", `${channels()}/${made.body.id}/test`, { token })).body).toEqual({ ok: true, attempts: 1 });
    expect(hook.received[2]?.signed).toBe(true);
  });

  it("sends a Slack-compatible channel's test as {text, blocks}; an email channel with no SMTP server says so", async () => {
    const slack = await t.rest("POST", channels(), { token, body: { type: "slack", name: "chat", url: `${hook.url}?slack=1` } });
    expect(slack.status).toBe(201);
    expect(slack.body.signingSecret).toBeUndefined();
    const before = hook.received.length;
    expect((await t.rest("POST", `${channels()}/${slack.body.id}/test`, { token })).body).toEqual({ ok: true, attempts: 1 });
    expect(hook.received[before]?.json).toEqual({
      text: expect.stringContaining("TEST"),
      blocks: [expect.objectContaining({ type: "section" })],
    });

    const mail = await t.rest("POST", channels(), { token, body: { type: "email", name: "mail", to: ["oncall@example.com"] } });
    expect(mail.body.summary).toBe("oncall@example.com");
    const sent = await t.rest("POST", `${channels()}/${mail.body.id}/test`, { token });
    expect(sent.body).toEqual({ ok: false, attempts: 1, error: expect.stringMatching(/no SMTP server: set SKYPANEL_SMTP_URL/) });
  });

  it("refuses bad channels with the rule (400), a taken name (409), and another team's channels (404)", async () => {
    const bad: unknown[] = [
      { type: "pager", name: "x", url: hook.url },
      { type: "webhook", name: "x" },
      { type: "webhook", name: "x", url: "ftp://example.com/hook" },
      { type: "webhook", name: "x", url: "http://user:pw@example.com/" },
      { type: "webhook", name: "x", url: "not a url" },
      { type: "webhook", name: "x", url: hook.url, secret: "short" },
      { type: "webhook", name: "x", url: hook.url, to: ["a@example.com"] },
      { type: "slack", name: "x", url: hook.url, secret: "0123456789abcdef0" },
      { type: "email", name: "x", to: [] },
      { type: "email", name: "x", to: ["not-an-address"] },
      { type: "email", name: "x", to: Array.from({ length: 11 }, (_, i) => `a${i}@example.com`) },
      { type: "email", name: "x", to: ["a@example.com"], smtpUrl: "http://mail.example.com" },
      { type: "email", name: "", to: ["a@example.com"] },
      { type: "email", name: "<script>", to: ["a@example.com"] },
      { type: "webhook", name: 5, url: hook.url },
    ];
    for (const body of bad) {
      const res = await t.rest("POST", channels(), { token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.message.length).toBeGreaterThan(10);
    }
    expect((await t.rest("POST", channels(), { token, rawBody: "{not json" })).status).toBe(400);
    const taken = await t.rest("POST", channels(), { token, body: { type: "webhook", name: "PAGER", url: hook.url } });
    expect(taken.status).toBe(409);

    const [pager] = (await t.rest("GET", channels(), { token })).body.channels;
    for (const [method, path] of [
      ["GET", channels()],
      ["PATCH", `${channels()}/${pager.id}`],
      ["DELETE", `${channels()}/${pager.id}`],
      ["POST", `${channels()}/${pager.id}/test`],
    ] as const) {
      const res = await t.rest(method, path, { token: strangerToken, ...(method === "GET" ? {} : { body: {} }) });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    expect((await t.rest("GET", channels("not-a-team"), { token })).status).toBe(400);
    expect((await t.rest("DELETE", `${channels()}/00000000-0000-4000-8000-000000000000`, { token })).status).toBe(404);
    expect((await t.rest("GET", channels(), { token })).body.channels.map((c: { name: string }) => c.name)).toEqual([
      "chat",
      "mail",
      "pager",
    ]);
  });

  it("adds, changes, lists and removes rules; refuses bad ones and another team's channels; history is newest first", async () => {
    const [pager] = (await t.rest("GET", channels(), { token })).body.channels;
    const [foreign] = [
      (await t.rest("POST", channels(strangerTeamId), { token: strangerToken, body: { type: "slack", name: "eve", url: hook.url } })).body,
    ];
    const rules = "/api/apps/alerted/alerts/rules";
    const added = await t.rest("POST", rules, {
      token,
      body: { kind: "latency_p95", threshold: 500, durationSeconds: 300, channelIds: [pager.id] },
    });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({
      kind: "latency_p95",
      threshold: 500,
      durationSeconds: 300,
      enabled: true,
      channelIds: [pager.id],
      description: "Response time (p95) above 500 ms for 5 min",
      state: "ok",
      stateSince: null,
    });
    const cert = await t.rest("POST", rules, { token, body: { kind: "certificate" } });
    expect(cert.body).toMatchObject({ threshold: 14, durationSeconds: 0, channelIds: [] });

    for (const body of [
      { kind: "cpu", threshold: 5 },
      { kind: "latency_p95" },
      { kind: "latency_p95", threshold: 0 },
      { kind: "latency_p95", threshold: 500, durationSeconds: 1.5 },
      { kind: "latency_p95", threshold: 500, durationSeconds: 90_000 },
      { kind: "error_rate_5xx", threshold: 101 },
      { kind: "error_rate_5xx", threshold: 5, durationSeconds: 0 },
      { kind: "memory", threshold: -1 },
      { kind: "crash_loop", threshold: 3 },
      { kind: "deploy_failed", durationSeconds: 60 },
      { kind: "latency_p95", threshold: 500, channelIds: [foreign.id] },
      { kind: "latency_p95", threshold: 500, channelIds: ["nope"] },
      { kind: "latency_p95", threshold: "500" },
    ]) {
      const res = await t.rest("POST", rules, { token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect((await t.rest("POST", rules, { token: strangerToken, body: { kind: "crash_loop" } })).status).toBe(404);
    expect((await t.rest("GET", rules, { token: strangerToken })).status).toBe(404);

    const changed = await t.rest("PATCH", `${rules}/${added.body.id}`, { token, body: { threshold: 800, channelIds: [] } });
    expect(changed.body).toMatchObject({ threshold: 800, durationSeconds: 300, channelIds: [] });
    expect((await t.rest("PATCH", `${rules}/${added.body.id}`, { token, body: { threshold: null } })).status).toBe(400);
    expect((await t.rest("PATCH", `${rules}/${added.body.id}`, { token: strangerToken, body: { enabled: false } })).status).toBe(404);
    expect((await t.rest("GET", rules, { token })).body.rules.map((r: { kind: string }) => r.kind)).toEqual(["latency_p95", "certificate"]);

    // The history as the evaluator writes it.
    const appId = (await t.rest("GET", "/api/apps/alerted", { token })).body.id;
    for (const state of ["firing", "resolved", "firing"]) {
      await t.database.sql.query(
        "INSERT INTO alert_events (app_id, rule_id, kind, state, message) VALUES ($1, $2, 'latency_p95', $3, $3)",
        [appId, added.body.id, state],
      );
    }
    const history = await t.rest("GET", "/api/apps/alerted/alerts?limit=2", { token });
    expect(history.body.alerts.map((e: { state: string }) => e.state)).toEqual(["firing", "resolved"]);
    const older = await t.rest("GET", `/api/apps/alerted/alerts?before=${history.body.alerts[1].id}`, { token });
    expect(older.body.alerts.map((e: { state: string }) => e.state)).toEqual(["firing"]);
    expect((await t.rest("GET", rules, { token })).body.rules[0]).toMatchObject({ state: "firing" });
    expect((await t.rest("GET", "/api/apps/alerted/alerts?limit=500", { token })).status).toBe(400);
    expect((await t.rest("GET", "/api/apps/alerted/alerts", { token: strangerToken })).status).toBe(404);

    expect((await t.rest("DELETE", `${rules}/${added.body.id}`, { token })).body).toEqual({ id: added.body.id });
    expect((await t.rest("DELETE", `${rules}/${added.body.id}`, { token })).status).toBe(404);
    // The history stays, no longer tied to a rule.
    expect((await t.rest("GET", "/api/apps/alerted/alerts", { token })).body.alerts).toHaveLength(3);
    // A channel removed drops out of the rules that told it.
    const withPager = await t.rest("POST", rules, { token, body: { kind: "crash_loop", channelIds: [pager.id] } });
    await t.rest("DELETE", `${channels()}/${pager.id}`, { token });
    const after = (await t.rest("GET", rules, { token })).body.rules.find((r: { id: string }) => r.id === withPager.body.id);
    expect(after.channelIds).toEqual([]);
  });
});
