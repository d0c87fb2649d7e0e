import { describe, expect, it } from "vitest";
import { hostOf, lineSplitter, parseAccessLine } from "./access-log.ts";

// A line as Caddy 2.6 sends it with the platform's filter encoder (headers and URI deleted).
const caddyLine = (host: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    level: "info",
    ts: 1795820672.357,
    logger: "http.log.access.skypanel_access",
    msg: "handled request",
    request: { remote_ip: "127.0.0.1", remote_port: "33550", proto: "HTTP/1.1", method: "GET", host },
    user_id: "",
    duration: 0.0123,
    size: 2,
    status: 200,
    ...extra,
  });

describe("parseAccessLine", () => {
  it("reads host, duration in ms and status from Caddy's line", () => {
    expect(parseAccessLine(caddyLine("shop.localhost:8080"))).toEqual({ host: "shop.localhost", durationMs: 12.3, status: 200 });
  });

  it.each([
    ["not JSON", "GET / HTTP/1.1"],
    ["truncated", caddyLine("shop.localhost").slice(0, 80)],
    ["an array", "[1,2,3]"],
    ["null", "null"],
    ["no request", JSON.stringify({ duration: 0.1, status: 200 })],
    ["a host that is not a string", caddyLine(42)],
    ["a negative duration", caddyLine("shop.localhost", { duration: -1 })],
    ["a duration as a string", caddyLine("shop.localhost", { duration: "0.1" })],
    ["no status", caddyLine("shop.localhost", { status: undefined })],
    ["a fractional status", caddyLine("shop.localhost", { status: 200.5 })],
    ["a host that is only a port", caddyLine(":8080")],
    ["a host with a bad port", caddyLine("shop.localhost:80:80")],
    ["an unclosed IPv6 host", caddyLine("[::1:8080")],
    ["a __proto__ trick", '{"__proto__":{"request":{"host":"shop.localhost"}},"duration":1,"status":200}'],
  ])("skips %s", (_, line) => {
    expect(parseAccessLine(line)).toBeNull();
  });
});

describe("hostOf", () => {
  it.each([
    ["Shop.LocalHost:8080", "shop.localhost"],
    ["shop.localhost", "shop.localhost"],
    ["shop.localhost:", "shop.localhost"],
    ["  shop.example.com  ", "shop.example.com"],
    ["[::1]:8080", "[::1]"],
    ["[::1]", "[::1]"],
    ["127.0.0.1:8080", "127.0.0.1"],
  ])("%s → %s", (header, host) => {
    expect(hostOf(header)).toBe(host);
  });

  it("refuses a host longer than a DNS name can be", () => {
    expect(hostOf(`${"a".repeat(254)}:80`)).toBeNull();
  });
});

describe("lineSplitter", () => {
  const split = (chunks: string[], max?: number) => {
    const lines: string[] = [];
    let tooLong = 0;
    const feed = lineSplitter(
      (l) => lines.push(l),
      () => tooLong++,
      max,
    );
    for (const c of chunks) feed(c);
    return { lines, tooLong };
  };

  it("joins lines split across chunks and keeps an unfinished one for later", () => {
    expect(split(["a", "b\nc", "d\n\ne\nf"])).toEqual({ lines: ["ab", "cd", "e"], tooLong: 0 });
  });

  it("drops a line longer than the limit, whether it arrives whole or in pieces, and goes on", () => {
    expect(split(["x".repeat(20), "\nok\n"], 10)).toEqual({ lines: ["ok"], tooLong: 1 });
    expect(split(["xxxxxxxx", "xxxxxxxx", "xxxxxxxx", "xx\nok\n"], 10)).toEqual({ lines: ["ok"], tooLong: 1 });
    expect(split([`${"y".repeat(11)}\nok\n`], 10)).toEqual({ lines: ["ok"], tooLong: 1 });
  });
});
