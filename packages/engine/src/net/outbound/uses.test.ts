// Each place that reaches out for a user goes through the guard with the platform's default
// policy: alert webhooks and SMTP servers, log drains (HTTPS and syslog over TLS), Heroku downloads.
// A loopback server counts what reaches it, so "refused" means nothing connected.
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliver } from "../../alerts/deliver.ts";
import { createHerokuClient } from "../../imports/heroku/client.ts";
import { createSender } from "../../logs/drains/senders.ts";
import { checkDrainUrl } from "../../logs/drains/url.ts";
import { outboundPolicy, type Resolver } from "./index.ts";

describe("requests made for users, under the default policy", () => {
  let server: Server;
  let port: number;
  let connections = 0;
  const dir = mkdtempSync(join(tmpdir(), "skypanel-outbound-uses-"));

  beforeAll(async () => {
    server = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const policy = outboundPolicy();
  const notice = {
    state: "test" as const,
    app: { id: "", name: "shop" },
    rule: null,
    value: null,
    message: "hi",
    at: new Date(),
    eventId: null,
  };

  it("alert webhooks, Slack webhooks and a channel's own SMTP server on loopback are refused, not retried", async () => {
    const webhook = await deliver({ type: "webhook", url: `http://127.0.0.1:${port}/hook/s3cret`, secret: "x" }, notice, {
      outbound: policy,
      attempts: 3,
    });
    expect(webhook).toEqual({
      ok: false,
      attempts: 1,
      error: `Refused: alert webhook 127.0.0.1:${port} resolves to 127.0.0.1, a loopback address; an operator can allow it with SKYPANEL_OUTBOUND_ALLOW.`,
    });
    const slack = await deliver({ type: "slack", url: `http://[::ffff:127.0.0.1]:${port}/services/T/B/X` }, notice, {
      outbound: policy,
      attempts: 1,
    });
    expect(slack.error).toMatch(/^Refused: Slack webhook .* a loopback address/);
    const mail = await deliver({ type: "email", to: ["a@example.com"], smtpUrl: `smtp://127.0.0.1:${port}`, from: null }, notice, {
      outbound: policy,
      attempts: 1,
    });
    expect(mail.error).toMatch(/^Refused: SMTP server smtp:\/\/127\.0\.0\.1:\d+ resolves to 127\.0\.0\.1, a loopback address/);
    expect(connections).toBe(0);
  });

  it("log drains to a private address, or to a name that resolves to one, are refused (resolver faked)", async () => {
    const resolve: Resolver = async () => [{ address: "10.20.30.40", family: 4 }];
    const faked = outboundPolicy({ resolve });
    const options = { ca: [], timeoutMs: 2000, hostname: "test" };
    const line = {
      id: 1,
      app: "shop",
      processType: "web",
      instance: "web.1",
      source: "app",
      stream: "stdout" as const,
      level: "info" as const,
      line: "x",
      loggedAt: new Date(),
    };
    const https = createSender(checkDrainUrl(`https://127.0.0.1:${port}/logs?token=s3cret`), { ...options, outbound: policy });
    await expect(https.send([line])).rejects.toThrow(
      /^Refused: log drain https:\/\/127\.0\.0\.1:\d+\/\*\*\*\?\*\*\* resolves to 127\.0\.0\.1/,
    );
    https.close();
    const syslog = createSender(checkDrainUrl("syslog+tls://logs.example.test:6514"), { ...options, outbound: faked });
    await expect(syslog.send([line])).rejects.toThrow(
      "Refused: log drain syslog+tls://logs.example.test:6514 resolves to 10.20.30.40, a private address",
    );
    syslog.close();
    expect(connections).toBe(0);
  });

  it("a Heroku slug URL on loopback is refused when downloading", async () => {
    const client = createHerokuClient({ apiUrl: "http://127.0.0.1:9", token: "t0ken" });
    const err = await client
      .download(`http://127.0.0.1:${port}/slugs/x.tgz?X-Amz-Signature=s3cret`, join(dir, "slug"), { maxBytes: 1000 })
      .catch((e: Error) => e);
    expect((err as Error).message).toMatch(
      /Refused: Heroku download http:\/\/127\.0\.0\.1:\d+\/slugs\/x\.tgz resolves to 127\.0\.0\.1, a loopback address/,
    );
    expect((err as Error).message).not.toContain("s3cret");
    expect(connections).toBe(0);
  });
});
