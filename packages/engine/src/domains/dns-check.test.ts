import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../actor.ts";
import { DomainNotFoundError, ForbiddenError } from "../errors.ts";
import { waitFor } from "../router/testing.ts";
import { createTestEngine, TEST_DRIVERS, type TestEngine } from "../testing.ts";
import { createDnsChecker } from "./dns-check.ts";
import { type MockDns, startMockDns } from "./testing.ts";

const BASE = "paas.example.com";
const PUBLIC_IP = "203.0.113.10";

// DNS answers come from Debian's pebble-challtestsrv on loopback, set by each test.
describe.each(TEST_DRIVERS)("custom domains' DNS check against a mock DNS server on %s", (driver) => {
  let dns: MockDns;
  let t: TestEngine;
  let alice: Actor;
  let viewer: Actor;

  beforeAll(async () => {
    dns = await startMockDns();
    t = await createTestEngine(driver, {
      baseDomain: BASE,
      domains: { dnsServers: [dns.server], publicIps: [PUBLIC_IP], timeoutMs: 500, checkIntervalMs: 300 },
    });
    alice = await t.user("alice@example.com");
    viewer = await t.user("vera@example.com");
    const team = await t.engine.teams.create(alice, { name: "Shop" });
    await t.engine.teams.addMember(alice, { teamId: team.id, email: "vera@example.com", role: "viewer" });
    await t.engine.apps.create(alice, { name: "shop", teamId: team.id });
  });
  afterAll(async () => {
    await t?.close();
    await dns?.stop();
  });

  it("is ok when the domain's CNAME points at the app's platform hostname", async () => {
    await t.engine.domains.add(alice, "shop", "www.shop.test");
    await dns.setCname("www.shop.test", `shop.${BASE}.`);
    const checked = await t.engine.domains.check(alice, "shop", "WWW.shop.test");
    expect(checked).toMatchObject({ hostname: "www.shop.test", dnsStatus: "ok", error: null });
    expect((await t.engine.domains.list(viewer, "shop")).find((d) => d.hostname === "www.shop.test")?.dnsStatus).toBe("ok");
  });

  it("is pending while the domain has no record, and says what record to add", async () => {
    await t.engine.domains.add(alice, "shop", "new.shop.test");
    const checked = await t.engine.domains.check(alice, "shop", "new.shop.test");
    expect(checked.dnsStatus).toBe("pending");
    expect(checked.error).toBe(
      `new.shop.test has no CNAME or A/AAAA record yet; add a CNAME to shop.${BASE} (or A/AAAA records to ${PUBLIC_IP}).`,
    );
  });

  it("is wrong when the CNAME points elsewhere, naming what it found and what is expected", async () => {
    await t.engine.domains.add(alice, "shop", "old.shop.test");
    await dns.setCname("old.shop.test", "shop.herokudns.example.");
    const checked = await t.engine.domains.check(alice, "shop", "old.shop.test");
    expect(checked.dnsStatus).toBe("wrong");
    expect(checked.error).toBe(
      `old.shop.test has a CNAME to shop.herokudns.example; expected a CNAME to shop.${BASE} (or A/AAAA records to ${PUBLIC_IP}).`,
    );
  });

  it("accepts A/AAAA records only when every address is the platform's", async () => {
    await t.engine.domains.add(alice, "shop", "apex.test");
    await dns.addA("apex.test", [PUBLIC_IP]);
    expect((await t.engine.domains.check(alice, "shop", "apex.test")).dnsStatus).toBe("ok");
    await dns.addAAAA("apex.test", ["2001:db8::7"]);
    const checked = await t.engine.domains.check(alice, "shop", "apex.test");
    expect(checked.dnsStatus).toBe("wrong");
    expect(checked.error).toMatch(/^apex\.test points at 203\.0\.113\.10, 2001:db8::7; expected a CNAME to shop\./);
  });

  it("lets only writers check, and only the app's own domains", async () => {
    await expect(t.engine.domains.check(viewer, "shop", "www.shop.test")).rejects.toBeInstanceOf(ForbiddenError);
    await expect(t.engine.domains.check(alice, "shop", "nope.shop.test")).rejects.toBeInstanceOf(DomainNotFoundError);
    await expect(t.engine.domains.check(alice, "shop", "not a domain")).rejects.toBeInstanceOf(DomainNotFoundError);
  });

  it("once started, checks a domain as it is added and every domain again each interval", async () => {
    t.engine.domains.startChecks();
    try {
      await dns.setCname("auto.shop.test", `shop.${BASE}`);
      expect((await t.engine.domains.add(alice, "shop", "auto.shop.test")).dnsStatus).toBe("unchecked");
      const status = async (hostname: string) =>
        (await t.engine.domains.list(alice, "shop")).find((d) => d.hostname === hostname)?.dnsStatus;
      await waitFor("the check on add", async () => ((await status("auto.shop.test")) === "ok" ? true : undefined), 5_000);
      // The user fixes the record that was wrong; the next periodic check notices.
      await dns.clear("old.shop.test");
      await dns.setCname("old.shop.test", `shop.${BASE}`);
      await waitFor("the periodic check", async () => ((await status("old.shop.test")) === "ok" ? true : undefined), 5_000);
    } finally {
      await t.engine.domains.stopChecks();
    }
  });
});

describe("the DNS checker when DNS does not answer", () => {
  it("keeps what was known (status null) and says which servers failed", async () => {
    const checker = createDnsChecker({ dnsServers: ["127.0.0.1:9"], timeoutMs: 200 });
    const result = await checker.check("www.shop.test", "shop.localhost");
    expect(result.status).toBeNull();
    expect(result.error).toMatch(/^The DNS check of www\.shop\.test could not finish \(E[A-Z]+ from 127\.0\.0\.1:9\)\.$/);
  });
});
