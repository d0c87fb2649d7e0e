import { describe, expect, it } from "vitest";
import { clientAddress, fromTrustedProxy } from "./client-address.ts";
import { ConfigError, loadConfig } from "./config.ts";

const xff = (value?: string) => new Headers(value === undefined ? {} : { "x-forwarded-for": value });

describe("client address", () => {
  const trusted = ["loopback", "10.0.0.0/8"];

  it("is the rightmost hop that is not a trusted proxy; entries to its left are the client's own words", () => {
    // Client 198.51.100.7 claims to be 6.6.6.6; proxies 10.1.1.1 and 127.0.0.1 appended what they saw.
    expect(clientAddress(xff("6.6.6.6, 198.51.100.7, 10.1.1.1"), "127.0.0.1", trusted)).toBe("198.51.100.7");
    expect(clientAddress(xff("6.6.6.6,198.51.100.7"), "::1", trusted)).toBe("198.51.100.7");
    expect(clientAddress(xff("6.6.6.6, 2001:db8::5"), "::ffff:127.0.0.1", trusted)).toBe("2001:db8::5");
  });

  it("ignores X-Forwarded-For entirely when the peer is not a trusted proxy", () => {
    expect(clientAddress(xff("10.9.9.9, 127.0.0.1"), "203.0.113.9", trusted)).toBe("203.0.113.9");
    expect(clientAddress(xff("6.6.6.6"), "127.0.0.1", [])).toBe("127.0.0.1");
    expect(fromTrustedProxy("203.0.113.9", trusted)).toBe(false);
    expect(fromTrustedProxy("10.2.3.4", trusted)).toBe(true);
  });

  it("stops at the proxy that passed on something that is not an address, and has none without a socket", () => {
    expect(clientAddress(xff("1.2.3.4, not-an-address"), "127.0.0.1", trusted)).toBe("127.0.0.1");
    expect(clientAddress(xff("not-an-address, 10.0.0.5"), "127.0.0.1", trusted)).toBe("10.0.0.5");
    // Every hop trusted: the furthest one a trusted proxy vouched for.
    expect(clientAddress(xff("10.0.0.7, 10.0.0.5"), "127.0.0.1", trusted)).toBe("10.0.0.7");
    expect(clientAddress(xff(), "127.0.0.1", trusted)).toBe("127.0.0.1");
    expect(clientAddress(xff("1.2.3.4"), null, trusted)).toBeNull();
  });

  it("is configured by SKYPANEL_TRUSTED_PROXIES; SKYPANEL_TRUST_PROXY=1 still means loopback", () => {
    expect(loadConfig({}).trustedProxies).toEqual([]);
    expect(loadConfig({ SKYPANEL_TRUST_PROXY: "1" }).trustedProxies).toEqual(["loopback"]);
    expect(loadConfig({ SKYPANEL_TRUSTED_PROXIES: "loopback, 10.0.0.0/8,192.0.2.1", SKYPANEL_TRUST_PROXY: "1" }).trustedProxies).toEqual([
      "loopback",
      "10.0.0.0/8",
      "192.0.2.1",
    ]);
    for (const bad of ["10.0.0.0/33", "proxy.example.com", "everything"]) {
      expect(() => loadConfig({ SKYPANEL_TRUSTED_PROXIES: bad })).toThrow(ConfigError);
      expect(() => loadConfig({ SKYPANEL_TRUSTED_PROXIES: bad })).toThrow(/SKYPANEL_TRUSTED_PROXIES must be addresses or CIDRs/);
    }
  });
});
