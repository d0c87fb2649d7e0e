// The outbound guard: which addresses are refused, the operator's allow-list, and requests that
// stay within it across redirects, DNS answers, byte caps and deadlines. Servers are local.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAddress, refusedRange } from "./classify.ts";
import {
  checkOutbound,
  isOutboundAllowEntry,
  OutboundRefusedError,
  outboundPolicy,
  outboundRequest,
  parseOutboundAllow,
  type Resolver,
} from "./index.ts";

const range = (address: string) => {
  const parsed = parseAddress(address);
  if (!parsed) throw new Error(`${address} did not parse`);
  return refusedRange(parsed);
};

describe("refusedRange", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["127.255.0.9", "loopback"],
    ["10.255.255.1", "private"],
    ["172.16.0.1", "private"],
    ["192.168.1.1", "private"],
    ["169.254.1.1", "link-local"],
    ["100.64.0.1", "shared"],
    ["0.0.0.0", "unspecified"],
    ["224.0.0.1", "multicast"],
    ["255.255.255.255", "broadcast"],
    ["240.0.0.1", "reserved"],
    ["169.254.169.254", "metadata"],
    ["100.100.100.200", "metadata"],
    ["::1", "loopback"],
    ["::", "unspecified"],
    ["fc00::1", "private"],
    ["fd12:3456::1", "private"],
    ["fe80::1", "link-local"],
    ["ff02::1", "multicast"],
    ["fd00:ec2::254", "metadata"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:10.0.0.1", "private"],
    ["::ffff:169.254.169.254", "metadata"],
    ["64:ff9b::a9fe:a9fe", "metadata"],
    ["2002:7f00:1::", "loopback"],
    ["::7f00:1", "loopback"],
  ])("%s is refused as %s", (address, expected) => {
    expect(range(address)).toBe(expected);
  });

  it.each(["93.184.216.34", "8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8", "100.128.0.1", "172.32.0.1"])("%s is public", (address) => {
    expect(range(address)).toBeNull();
  });
});

describe("the operator's allow-list", () => {
  const target = { what: "git source", shown: "http://x/" };
  const fixed =
    (answers: Record<string, string[]>): Resolver =>
    async (host) =>
      (answers[host] ?? []).map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));

  it("allows by CIDR and by name (exact or *.domain), and nothing else", async () => {
    const resolve = fixed({ "git.corp.example": ["10.1.2.3"], "x.svc.example": ["10.9.9.9"], "other.example": ["10.1.2.3"] });
    const policy = outboundPolicy({ allow: "192.168.0.0/16, git.corp.example, *.svc.example, fd00::/8", resolve });
    expect(await checkOutbound(policy, target, "192.168.4.4")).toEqual([{ address: "192.168.4.4", family: 4 }]);
    expect(await checkOutbound(policy, target, "[fd00::5]")).toHaveLength(1);
    expect(await checkOutbound(policy, target, "git.corp.example")).toEqual([{ address: "10.1.2.3", family: 4 }]);
    expect(await checkOutbound(policy, target, "X.Svc.Example.")).toHaveLength(1);
    await expect(checkOutbound(policy, target, "other.example")).rejects.toThrow(/resolves to 10\.1\.2\.3, a private address/);
    await expect(checkOutbound(policy, target, "10.0.0.1")).rejects.toBeInstanceOf(OutboundRefusedError);
  });

  it("opens a metadata address only when an entry names it exactly", async () => {
    const wide = outboundPolicy({ allow: "169.254.0.0/16" });
    expect(await checkOutbound(wide, target, "169.254.1.1")).toHaveLength(1);
    await expect(checkOutbound(wide, target, "169.254.169.254")).rejects.toThrow(/a cloud metadata address.*naming this exact address/);
    expect(await checkOutbound(outboundPolicy({ allow: "169.254.169.254" }), target, "169.254.169.254")).toHaveLength(1);
  });

  it("refuses a setting with an entry that is neither", () => {
    expect(() => parseOutboundAllow("10.0.0.0/33")).toThrow(/"10.0.0.0\/33" is not a valid CIDR/);
    expect(() => parseOutboundAllow("ok.example, bad host")).toThrow(/"bad host" is not a CIDR/);
    // One entry at a time, as the config module checks SKYPANEL_OUTBOUND_ALLOW's items.
    expect(["10.0.0.0/8", "fd00::5", "git.corp.example", "*.corp.example"].map(isOutboundAllowEntry)).toEqual([true, true, true, true]);
    expect(["bad host", "10.0.0.0/40", "*.", "a,b"].map(isOutboundAllowEntry)).toEqual([false, false, false, false]);
  });
});

describe("outboundRequest against local servers", () => {
  let server: Server;
  let port: number;
  const hits: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.push(req.url ?? "");
      if (req.url === "/hop") return res.writeHead(302, { location: `http://127.0.0.1:${port}/inner` }).end();
      if (req.url === "/big") return res.end("x".repeat(64 * 1024));
      if (req.url === "/slow") return res.writeHead(200).write("partial");
      res.end("inner");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  const target = { what: "alert webhook", shown: "a hook" };
  // hooks.example.test stands for a public service the operator allowed by name; it is really this server.
  const fakeResolver: Resolver = async (host) =>
    host === "hooks.example.test"
      ? [{ address: "127.0.0.1", family: 4 }]
      : Promise.reject(Object.assign(new Error("nope"), { code: "ENOTFOUND" }));

  it("refuses a redirect from an allowed name to loopback (resolver faked)", async () => {
    const policy = outboundPolicy({ allow: "hooks.example.test", resolve: fakeResolver });
    hits.length = 0;
    const err = await outboundRequest(policy, {
      target,
      url: `http://hooks.example.test:${port}/hop`,
      timeoutMs: 5000,
      maxBytes: 1024,
      maxRedirects: 3,
    }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(OutboundRefusedError);
    expect((err as Error).message).toContain(`redirected to http://127.0.0.1:${port}/inner`);
    expect((err as Error).message).toContain("a loopback address; an operator can allow it with SKYPANEL_OUTBOUND_ALLOW");
    // The first hop was served; the loopback one was never asked.
    expect(hits).toEqual(["/hop"]);
  });

  it("follows the same redirect when loopback is allowed too (resolver faked)", async () => {
    const policy = outboundPolicy({ allow: "hooks.example.test,127.0.0.1", resolve: fakeResolver });
    const res = await outboundRequest(policy, {
      target,
      url: `http://hooks.example.test:${port}/hop`,
      timeoutMs: 5000,
      maxBytes: 1024,
      maxRedirects: 3,
    });
    expect(res.body.toString()).toBe("inner");
  });

  it("refuses a name whose DNS answer has one public and one private address, before connecting (resolver faked)", async () => {
    const resolve: Resolver = async () => [
      { address: "93.184.216.34", family: 4 },
      { address: "10.0.0.7", family: 4 },
    ];
    const err = await checkOutbound(outboundPolicy({ resolve }), target, "mixed.example.test").catch((e: Error) => e);
    expect((err as Error).message).toBe(
      "Refused: alert webhook a hook resolves to 10.0.0.7, a private address; an operator can allow it with SKYPANEL_OUTBOUND_ALLOW.",
    );
    const viaRequest = await outboundRequest(outboundPolicy({ resolve }), {
      target,
      url: "http://mixed.example.test/",
      timeoutMs: 5000,
      maxBytes: 10,
    }).catch((e: Error) => e);
    expect(viaRequest).toBeInstanceOf(OutboundRefusedError);
  });

  it("refuses loopback by default, even as an address in the URL", async () => {
    hits.length = 0;
    await expect(
      outboundRequest(outboundPolicy(), { target, url: `http://127.0.0.1:${port}/inner`, timeoutMs: 5000, maxBytes: 10 }),
    ).rejects.toThrow(/resolves to 127\.0\.0\.1, a loopback address/);
    await expect(
      outboundRequest(outboundPolicy(), { target, url: `http://[::ffff:127.0.0.1]:${port}/inner`, timeoutMs: 5000, maxBytes: 10 }),
    ).rejects.toThrow(/a loopback address/);
    expect(hits).toEqual([]);
  });

  it("stops reading past the byte cap, and at the deadline", async () => {
    const policy = outboundPolicy({ allow: "127.0.0.1" });
    await expect(outboundRequest(policy, { target, url: `http://127.0.0.1:${port}/big`, timeoutMs: 5000, maxBytes: 1000 })).rejects.toThrow(
      /larger than 1000 bytes/,
    );
    await expect(outboundRequest(policy, { target, url: `http://127.0.0.1:${port}/slow`, timeoutMs: 300, maxBytes: 1000 })).rejects.toThrow(
      /did not answer within 0\.3 s/,
    );
  });
});
