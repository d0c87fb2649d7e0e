// The alerts commands against a real BFF (PGlite) on loopback, with a real webhook receiver for
// the test send: rules added, listed and removed; a channel made, tested and removed; bad flags
// refused before anything is sent.
import { startWebhookReceiver, type WebhookReceiver } from "@skypanel/engine/alerts-testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestBff, type TestBff } from "../../../apps/bff/src/testing.ts";
import { runCli } from "./testing/io.ts";

describe("skypanel alerts… against a real BFF (PGlite)", () => {
  let t: TestBff;
  let hook: WebhookReceiver;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    t = await createTestBff("pglite");
    hook = await startWebhookReceiver();
    const url = await t.listen();
    await t.engine.users.createFirstAdmin({ email: "ops@example.com", password: "correct horse battery" });
    const session = await t.login("ops@example.com");
    const token = (await t.rest("POST", "/api/tokens", { token: session, body: { name: "cli", scope: "admin" } })).body.token;
    await t.rest("POST", "/api/apps", { token, body: { name: "cli-alerts" } });
    env = { SKYPANEL_URL: url, SKYPANEL_API_KEY: token };
  });
  afterAll(async () => {
    await hook?.close();
    await t?.close();
  });
  const cli = (...argv: string[]) => runCli(argv, { env });

  it("adds a channel (showing its secret once), tests it, adds a rule telling it, lists and removes both", async () => {
    const made = await cli("alerts:channels:add", "pager", "-a", "cli-alerts", "--url", hook.url, "--json");
    expect(made.code, made.stderr).toBe(0);
    const channel = JSON.parse(made.stdout);
    hook.secret = channel.signingSecret;
    const tested = await cli("alerts:channels:test", channel.id, "-a", "cli-alerts");
    expect(tested).toMatchObject({ code: 0, stdout: "Delivered the test notification.\n" });
    expect(hook.received.map((r) => r.signed)).toEqual([true]);

    const added = await cli("alerts:add", "latency_p95", "-a", "cli-alerts", "--threshold", "750", "--for", "120", "--channel", channel.id);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toMatch(/^Added the alert "Response time \(p95\) above 750 ms for 2 min" to cli-alerts \(/);
    const rules = JSON.parse((await cli("alerts", "-a", "cli-alerts", "--json")).stdout);
    expect(rules).toEqual([
      expect.objectContaining({ kind: "latency_p95", threshold: 750, durationSeconds: 120, channelIds: [channel.id] }),
    ]);
    expect((await cli("alerts:history", "-a", "cli-alerts", "--json")).stdout.trim()).toBe("[]");
    expect((await cli("alerts:channels", "-a", "cli-alerts")).stdout).toContain("pager");

    expect((await cli("alerts:remove", rules[0].id, "-a", "cli-alerts")).code).toBe(0);
    expect(JSON.parse((await cli("alerts", "-a", "cli-alerts", "--json")).stdout)).toEqual([]);
    expect((await cli("alerts:channels:remove", channel.id, "-a", "cli-alerts")).stdout).toBe("Removed the channel pager.\n");
  });

  it("refuses bad input: a number flag that is no number (nothing sent), and the platform's rule for a bad kind or URL", async () => {
    const notNumber = await cli("alerts:add", "latency_p95", "-a", "cli-alerts", "--threshold", "fast");
    expect(notNumber).toMatchObject({ code: 2, stderr: expect.stringContaining('--threshold takes a number, not "fast"') });
    const kind = await cli("alerts:add", "cpu", "-a", "cli-alerts");
    expect(kind.code).toBe(1);
    expect(kind.stderr).toMatch(/kind/);
    const url = await cli("alerts:channels:add", "bad", "-a", "cli-alerts", "--url", "ftp://example.com");
    expect(url.code).toBe(1);
    expect(url.stderr).toMatch(/http:\/\/ or https:\/\/ URL/);
    expect((await cli("alerts:remove", "-a", "cli-alerts")).code).toBe(2);
  });
});
