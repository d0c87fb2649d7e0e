import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readObtainFailure } from "./certificates.ts";

describe("reading Caddy's failed certificate orders from its log", () => {
  const dir = mkdtempSync(join(tmpdir(), "skypanel-caddy-log-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const line = (ts: number, identifier: string, error: string) =>
    JSON.stringify({ level: "error", ts, logger: "tls.obtain", msg: "could not get certificate from issuer", identifier, error });

  it("finds the newest failure for the hostname, ignoring other hosts, other messages, broken lines and older ones", () => {
    const log = join(dir, "caddy.log");
    writeFileSync(
      log,
      [
        '{"level":"error","ts":1700000000,"logger":"tls.obtain","msg":"will retry","error":"www.a.example"}',
        line(1700000001, "www.a.example", "first: connection refused"),
        line(1700000002, "www.b.example", "not this host"),
        "not json www.a.example could not get certificate from issuer",
        line(1700000003, "www.a.example", "second: connection refused"),
        "",
      ].join("\n"),
    );
    expect(readObtainFailure(log, "www.a.example")).toEqual({ at: new Date(1700000003_000), error: "second: connection refused" });
    expect(readObtainFailure(log, "www.c.example")).toBeNull();
    // A certificate issued after the last failure makes it history.
    expect(readObtainFailure(log, "www.a.example", new Date(1700000004_000))).toBeNull();
    expect(readObtainFailure(join(dir, "missing.log"), "www.a.example")).toBeNull();
  });
});
