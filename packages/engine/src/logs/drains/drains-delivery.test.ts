// Drains end to end: lines written through the real log store reach real receivers on loopback
// (a syslog server over TLS, HTTPS endpoints) with certificates made by openssl for the test.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../actor.ts";
import { createTestEngine, TEST_DRIVERS, type TestEngine } from "../../testing.ts";
import {
  type HttpsReceiver,
  makeCertificates,
  type SyslogReceiver,
  startHttpsReceiver,
  startSyslogReceiver,
  type TestCertificates,
  until,
} from "./testing.ts";

// <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID - MSG
const RFC5424 = /^<(\d{1,3})>1 (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) (\S{1,255}) (\S{1,48}) (\S{1,128}) (\S{1,32}) - (.*)$/s;

describe.each(TEST_DRIVERS)("log drains on %s", (driver) => {
  let certs: TestCertificates;
  let t: TestEngine;
  let alice: Actor;
  const receivers: { close(): Promise<void> }[] = [];

  beforeAll(async () => {
    certs = makeCertificates();
    t = await createTestEngine(driver, {
      drains: {
        caFile: certs.caFile,
        // Small bounds so retries and give-ups happen within the test.
        delivery: { batchLines: 100, batchMs: 30, attempts: 3, backoffMs: 20, maxBackoffMs: 80 },
        timeoutMs: 3000,
      },
    });
    await t.engine.logStore.ensurePartitions();
    alice = await t.user("alice@example.com");
  });
  afterAll(async () => {
    for (const r of receivers) await r.close();
    await t?.close();
    certs?.remove();
  });

  async function app(name: string) {
    return t.engine.apps.create(alice, { name });
  }
  async function write(appId: string, lines: { line: string; processType?: string; instanceId?: string; stream?: "stdout" | "stderr" }[]) {
    t.engine.logStore.append(lines.map((l) => ({ appId, processType: "web", ...l })));
    await t.engine.logStore.flush();
  }
  const drainOf = async (appName: string, id: string) => (await t.engine.drains.list(alice, appName)).find((d) => d.id === id);

  it("sends RFC 5424 messages, octet-counted over verified TLS, every line in order, and reconnects", async () => {
    const receiver: SyslogReceiver = await startSyslogReceiver(certs);
    receivers.push(receiver);
    const a = await app("syslog-app");
    const [instance] = await t.database.sql.query<{ id: string }>(
      "INSERT INTO instances (app_id, process_type, status) VALUES ($1, 'web', 'running') RETURNING id",
      [a.id],
    );
    const drain = await t.engine.drains.add(alice, a.name, `syslog+tls://127.0.0.1:${receiver.port}`);
    expect(drain).toMatchObject({ kind: "syslog-tls", url: `syslog+tls://127.0.0.1:${receiver.port}` });

    const sent = Array.from({ length: 250 }, (_, i) => (i % 50 === 7 ? `Error: job ${i} failed — ünïcode` : `GET /item/${i} 200`));
    await write(
      a.id,
      sent.map((line) => ({ line, instanceId: instance?.id })),
    );
    await until(() => receiver.messages.length >= sent.length);
    const parsed = receiver.messages.map((m) => RFC5424.exec(m));
    expect(
      parsed.every(Boolean),
      receiver.messages.find((m) => !RFC5424.test(m)),
    ).toBe(true);
    expect(parsed.map((p) => p?.[7])).toEqual(sent);
    for (const [i, p] of parsed.entries()) {
      // user facility (1): error lines severity 3, the rest informational (6).
      expect(Number(p?.[1])).toBe(sent[i]?.startsWith("Error") ? 8 + 3 : 8 + 6);
      expect([p?.[4], p?.[5], p?.[6]]).toEqual(["syslog-app", "web.1", "stdout"]);
    }
    expect(receiver.connections()).toBe(1);

    // The receiver drops the connection: the next lines go over a new one, none lost.
    await receiver.dropConnections();
    await until(() => t.engine.drains.connected(a.id, drain.id) === false);
    const more = Array.from({ length: 40 }, (_, i) => `after reconnect ${i}`);
    await write(
      a.id,
      more.map((line) => ({ line, instanceId: instance?.id })),
    );
    await until(() => receiver.messages.length >= sent.length + more.length);
    expect(receiver.messages.slice(sent.length).map((m) => RFC5424.exec(m)?.[7])).toEqual(more);
    expect(receiver.connections()).toBe(2);
    expect(await drainOf(a.name, drain.id)).toMatchObject({ deliveredCount: 290, deadLetterCount: 0, droppedCount: 0 });
  });

  it("POSTs NDJSON batches over HTTPS, shows the URL only redacted, and keeps its token out of the audit log", async () => {
    const receiver: HttpsReceiver = await startHttpsReceiver(certs);
    receivers.push(receiver);
    const a = await app("https-app");
    const url = `https://drainuser:hunter2pass@127.0.0.1:${receiver.url.split(":")[2]}/ingest/tok3n-in-path?token=s3cret-token`;
    const drain = await t.engine.drains.add(alice, a.name, url);
    expect(drain.url).toBe(`https://***@${receiver.url.slice("https://".length)}/***?***`);
    await expect(t.engine.drains.add(alice, a.name, url)).rejects.toMatchObject({ code: "CONFLICT" });

    const sent = Array.from({ length: 350 }, (_, i) => `line ${i} {"json": "inside"}`);
    await write(
      a.id,
      sent.map((line, i) => ({ line, stream: i % 2 ? "stderr" : "stdout", processType: "worker" })),
    );
    await until(() => receiver.accepted.reduce((n, r) => n + r.lines.length, 0) >= sent.length);
    const lines = receiver.accepted.flatMap((r) => r.lines);
    expect(lines.map((l) => l.message)).toEqual(sent);
    expect(lines[1]).toMatchObject({ app: "https-app", process: "worker", instance: null, stream: "stderr", level: "warn" });
    expect(new Date(String(lines[0]?.time)).getTime()).not.toBeNaN();
    for (const r of receiver.accepted) {
      expect(r.contentType).toBe("application/x-ndjson");
      expect(r.path).toBe("/ingest/tok3n-in-path?token=s3cret-token");
      expect(r.lines.length).toBeLessThanOrEqual(100);
    }

    const listed = JSON.stringify(await t.engine.drains.list(alice, a.name));
    const audit = JSON.stringify(await t.database.sql.query("SELECT action, details FROM audit_log WHERE target_type = 'log_drains'"));
    for (const secret of ["hunter2pass", "tok3n-in-path", "s3cret-token", "drainuser"]) {
      expect(listed).not.toContain(secret);
      expect(audit).not.toContain(secret);
    }
    expect(audit).toContain("log_drains.insert");
    expect(audit).toContain("127.0.0.1");

    // A master key rotation seals the URL again (the old key may then be removed); it still opens.
    const admin = await t.user("root@example.com", { isAdmin: true });
    const { keyId } = await t.engine.keys.rotate(admin);
    const [sealed] = await t.database.sql.query<{ url_key_id: string }>("SELECT url_key_id FROM log_drains WHERE id = $1", [drain.id]);
    expect(sealed?.url_key_id).toBe(keyId);

    // Removing by URL (as `drains:remove URL` does, opening each sealed URL) stops the sending.
    await expect(t.engine.drains.remove(alice, a.name, url)).resolves.toEqual({ id: drain.id, url: drain.url });
    expect(await t.engine.drains.list(alice, a.name)).toEqual([]);
  });

  it("retries a receiver that fails, then delivers everything; one that always fails ends dead-lettered without holding up the others", async () => {
    const flaky = await startHttpsReceiver(certs, (n) => (n <= 2 ? 500 : 200));
    const dead = await startHttpsReceiver(certs, () => 503);
    const healthy = await startHttpsReceiver(certs);
    receivers.push(flaky, dead, healthy);
    const a = await app("retry-app");
    const flakyDrain = await t.engine.drains.add(alice, a.name, `${flaky.url}/logs`);
    const deadDrain = await t.engine.drains.add(alice, a.name, `${dead.url}/logs`);
    const healthyDrain = await t.engine.drains.add(alice, a.name, `${healthy.url}/logs`);

    const sent = Array.from({ length: 60 }, (_, i) => `retry line ${i}`);
    await write(
      a.id,
      sent.map((line) => ({ line })),
    );
    await until(async () => (await drainOf(a.name, deadDrain.id))?.deadLetterCount === sent.length);
    await until(() => flaky.accepted.flatMap((r) => r.lines).length >= sent.length);
    await until(() => healthy.accepted.flatMap((r) => r.lines).length >= sent.length);

    expect(flaky.accepted.flatMap((r) => r.lines).map((l) => l.message)).toEqual(sent);
    expect(healthy.accepted.flatMap((r) => r.lines).map((l) => l.message)).toEqual(sent);
    expect(dead.accepted).toEqual([]);
    // Every batch was tried `attempts` times.
    expect(dead.requests() % 3).toBe(0);

    await t.engine.drains.saveProgress();
    const rows = await t.database.sql.query<{ id: string; delivered_count: number; dead_letter_count: number; last_error: string | null }>(
      "SELECT id, delivered_count::int, dead_letter_count::int, last_error FROM log_drains WHERE app_id = $1",
      [a.id],
    );
    const row = (id: string) => rows.find((r) => r.id === id);
    expect(row(flakyDrain.id)).toMatchObject({ delivered_count: sent.length, dead_letter_count: 0 });
    expect(row(flakyDrain.id)?.last_error).toMatch(/HTTP 500/);
    expect(row(healthyDrain.id)).toMatchObject({ delivered_count: sent.length, dead_letter_count: 0, last_error: null });
    expect(row(deadDrain.id)).toMatchObject({ delivered_count: 0, dead_letter_count: sent.length });
    expect(row(deadDrain.id)?.last_error).toMatch(/HTTP 503: receiver refused/);
  });

  it("refuses a syslog server whose certificate it does not trust: counted as failed, nothing delivered", async () => {
    const stranger = await startSyslogReceiver(certs.untrusted);
    receivers.push(stranger);
    const a = await app("untrusted-app");
    const drain = await t.engine.drains.add(alice, a.name, `syslog+tls://127.0.0.1:${stranger.port}`);
    await write(a.id, [{ line: "secret-bearing line 1" }, { line: "secret-bearing line 2" }]);
    await until(async () => (await drainOf(a.name, drain.id))?.deadLetterCount === 2);
    const shown = await drainOf(a.name, drain.id);
    expect(shown).toMatchObject({ deliveredCount: 0, deadLetterCount: 2 });
    expect(shown?.lastError).toMatch(/certificate/i);
    expect(stranger.messages).toEqual([]);
    expect(stranger.connections()).toBe(0);
  });
});
