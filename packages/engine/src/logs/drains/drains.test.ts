import { describe, expect, it } from "vitest";
import { createDrainWorker, DEFAULT_DELIVERY } from "./delivery.ts";
import { type DrainLine, ndjsonLine, octetCounted, syslogMessage } from "./format.ts";
import type { DrainSender } from "./senders.ts";
import { checkDrainUrl, redactDrainUrl } from "./url.ts";

describe("drain URLs", () => {
  it.each([
    ["syslog+tls://logs.example.com:6514", { kind: "syslog-tls", url: "syslog+tls://logs.example.com:6514", port: 6514 }],
    ["syslog+tls://LOGS.Example.com:6514/", { kind: "syslog-tls", url: "syslog+tls://logs.example.com:6514" }],
    ["syslog+tls://[::1]:6514", { kind: "syslog-tls", host: "::1", url: "syslog+tls://[::1]:6514" }],
    ["https://logs.example.com/ingest?token=abc", { kind: "https", port: 443, host: "logs.example.com" }],
    ["  https://127.0.0.1:8443/x  ", { kind: "https", port: 8443, url: "https://127.0.0.1:8443/x" }],
  ])("takes %s", (url, expected) => {
    expect(checkDrainUrl(url)).toMatchObject(expected);
  });

  it.each([
    ["http://logs.example.com/", /Plain http:\/\/ drains are refused/],
    ["syslog://logs.example.com:514", /without TLS are refused/],
    ["syslog+udp://logs.example.com:514", /without TLS are refused/],
    ["ftp://logs.example.com/", /"ftp:" is not taken/],
    ["syslog+tls://logs.example.com", /needs its port/],
    ["syslog+tls://logs.example.com:0", /port is from 1 to 65535/],
    ["syslog+tls://logs.example.com:99999", /not a URL/],
    ["syslog+tls://u:p@logs.example.com:6514", /only syslog\+tls:\/\/host:port/],
    ["syslog+tls://logs.example.com:6514/path", /only syslog\+tls:\/\/host:port/],
    ["syslog+tls://bad_host!:6514", /not a host name/],
    ["https://-bad-.example.com/", /not a host name/],
    ["https://logs.example.com/#frag", /#fragment/],
    ["https://logs.example.com/a b", /spaces or control characters/],
    ["https://logs.example.com/\u0000", /spaces or control characters/],
    [`https://logs.example.com/${"a".repeat(2000)}`, /at most 2000 characters/],
    ["", /A drain's URL is/],
    ["not-a-url", /not a URL/],
  ])("refuses %s", (url, message) => {
    expect(() => checkDrainUrl(url)).toThrow(message);
  });

  it("refuses what is not a string", () => {
    for (const bad of [null, 42, { url: "https://x.example" }, ["https://x.example"]])
      expect(() => checkDrainUrl(bad)).toThrow(/A drain's URL is/);
  });

  it("shows scheme, host and port only: credentials, path and query are masked", () => {
    expect(redactDrainUrl("https://user:pw@logs.example.com:8443/v1/t0ken?key=abc")).toBe("https://***@logs.example.com:8443/***?***");
    expect(redactDrainUrl("https://logs.example.com/")).toBe("https://logs.example.com");
    expect(redactDrainUrl("syslog+tls://logs.example.com:6514")).toBe("syslog+tls://logs.example.com:6514");
  });
});

const line = (over: Partial<DrainLine> = {}): DrainLine => ({
  id: 7,
  app: "shop",
  processType: "web",
  instance: "web.1",
  source: "app",
  stream: "stdout",
  level: "info",
  line: "GET / 200",
  loggedAt: new Date("2026-12-06T05:00:00.123Z"),
  ...over,
});

describe("drain message formats", () => {
  it("writes RFC 5424 with the app, the instance, severity from the level and the right facility", () => {
    expect(syslogMessage(line(), "cp1")).toBe("<14>1 2026-12-06T05:00:00.123Z cp1 shop web.1 stdout - GET / 200");
    expect(syslogMessage(line({ level: "error", stream: "stderr" }), "cp1")).toMatch(/^<11>1 .* shop web\.1 stderr - /);
    // The platform's own lines about the app: local0, named by their process type or source.
    expect(syslogMessage(line({ source: "platform", instance: null, processType: null, level: "warn", stream: "system" }), "cp 1")).toBe(
      "<132>1 2026-12-06T05:00:00.123Z cp_1 shop platform system - GET / 200",
    );
  });

  it("counts octets in bytes, not characters", () => {
    expect(octetCounted("héllo")).toBe("6 héllo");
  });

  it("writes one JSON object per line with an id a receiver can deduplicate on", () => {
    const text = ndjsonLine(line({ line: 'say "hi"\nthere' }));
    expect(text.endsWith("\n")).toBe(true);
    expect(text.slice(0, -1)).not.toContain("\n");
    expect(JSON.parse(text)).toEqual({
      id: 7,
      time: "2026-12-06T05:00:00.123Z",
      app: "shop",
      process: "web",
      instance: "web.1",
      level: "info",
      stream: "stdout",
      source: "app",
      message: 'say "hi"\nthere',
    });
  });
});

describe("a drain's queue (with an in-memory sender that can be held)", () => {
  function heldSender() {
    const batches: string[][] = [];
    let release: () => void = () => {};
    let held = new Promise<void>((r) => (release = r));
    const sender: DrainSender = {
      async send(lines) {
        await held;
        batches.push(lines.map((l) => l.line));
      },
      connected: () => null,
      close: () => release(),
    };
    return {
      sender,
      batches,
      release: () => {
        release();
        held = Promise.resolve();
      },
    };
  }

  it("drops the oldest lines when full, counts them, and sends the newest in order", async () => {
    const s = heldSender();
    const worker = createDrainWorker(s.sender, { ...DEFAULT_DELIVERY, queueLimit: 5, batchLines: 3, batchMs: 0 });
    worker.push(line({ line: "first" }));
    // The first batch is taken and held at the sender; the queue then fills past its limit.
    await new Promise((r) => setTimeout(r, 20));
    for (let i = 1; i <= 8; i++) worker.push(line({ line: `n${i}` }));
    expect(worker.queued()).toBe(5);
    expect(worker.peekProgress().dropped).toBe(3);
    s.release();
    for (let i = 0; i < 100 && s.batches.flat().length < 6; i++) await new Promise((r) => setTimeout(r, 10));
    expect(s.batches.flat()).toEqual(["first", "n4", "n5", "n6", "n7", "n8"]);
    expect(s.batches.every((b) => b.length <= 3)).toBe(true);
    const p = worker.takeProgress();
    expect(p).toMatchObject({ delivered: 6, dropped: 3, deadLettered: 0 });
    expect(worker.peekProgress().delivered).toBe(0);
    await worker.stop();
  });

  it("counts lines still waiting at stop as dropped", async () => {
    const s = heldSender();
    const worker = createDrainWorker(s.sender, { ...DEFAULT_DELIVERY, batchMs: 60_000 });
    for (let i = 0; i < 4; i++) worker.push(line());
    await worker.stop();
    expect(worker.peekProgress()).toMatchObject({ delivered: 0, dropped: 4 });
    worker.push(line());
    expect(worker.queued()).toBe(0);
  });
});
