import { describe, expect, it } from "vitest";
import { logQuery, parseSize, retentionChanges } from "./commands/logs.js";
import { runCli, stubServer } from "./testing/io.ts";

describe("logs --search and logs:retention", () => {
  it("reads sizes and retention flags, refusing what is not one", () => {
    expect(parseSize("100MB")).toBe(100_000_000);
    expect(parseSize("1.5 GiB")).toBe(1.5 * 1024 ** 3);
    expect(parseSize("1048576")).toBe(1048576);
    for (const bad of ["lots", "-5MB", "1TB", "5 MB extra"]) expect(() => parseSize(bad)).toThrow(/--size takes a size/);
    expect(retentionChanges({ days: "14", size: "1GiB" })).toEqual({ days: 14, maxBytes: 1024 ** 3 });
    expect(retentionChanges({})).toEqual({});
    expect(() => retentionChanges({ days: "0" })).toThrow(/--days must be a whole number from 1 to 365/);
    expect(() => retentionChanges({ reset: true, days: "3" })).toThrow(/--reset goes alone/);
    expect(logQuery({ search: 'timeout "db pool" -retry' })).toMatchObject({ q: 'timeout "db pool" -retry' });
    expect(logQuery({ search: "   " }).q).toBeUndefined();
    expect(() => logQuery({ search: "x".repeat(501) })).toThrow(/at most 500/);
  });

  it("sends the search as q and the limits as the body, and prints the platform's answer (recording HTTP stub, not the platform)", async () => {
    const limits = { days: 14, maxBytes: 524288000, custom: true, defaults: { days: 7, maxBytes: 104857600 } };
    const stub = await stubServer((req) =>
      req.url?.startsWith("/api/apps/app1/logs?")
        ? { body: { lines: [{ id: 1, loggedAt: "2026-01-02T03:04:05.000Z", source: "app", processType: "web", line: "job timeout" }] } }
        : { body: limits },
    );
    const env = { SKYPANEL_URL: stub.url, SKYPANEL_API_KEY: "spt_x" };
    try {
      const found = await runCli(["logs", "-a", "app1", "--search", "timeout status:5xx"], { env });
      expect(found.code).toBe(0);
      expect(found.stdout).toBe("2026-01-02T03:04:05.000Z app[web]: job timeout\n");
      const set = await runCli(["logs:retention", "-a", "app1", "--days", "14", "--size", "500MiB"], { env });
      expect(set.stdout).toMatch(/app1 keeps its log lines for 14 days and up to 500.0 MiB of text\./);
      await runCli(["logs:retention", "-a", "app1"], { env });
      await runCli(["logs:retention", "-a", "app1", "--reset"], { env });
      expect(stub.requests.map((r) => `${r.method} ${decodeURIComponent(r.url)} ${r.body}`)).toEqual([
        "GET /api/apps/app1/logs?tail=100&q=timeout+status:5xx ",
        'PUT /api/apps/app1/log-retention {"days":14,"maxBytes":524288000}',
        "GET /api/apps/app1/log-retention ",
        "DELETE /api/apps/app1/log-retention ",
      ]);
    } finally {
      await stub.close();
    }
  });
});
