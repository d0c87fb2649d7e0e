import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../actor.ts";
import { AppNotFoundError, DomainNotFoundError, DomainTakenError, ForbiddenError, InvalidDomainError } from "../errors.ts";
import { createTestEngine, TEST_DRIVERS, type TestEngine } from "../testing.ts";

const BASE = "paas.example.com";

describe.each(TEST_DRIVERS)("custom domains on %s", (driver) => {
  let t: TestEngine;
  let alice: Actor;
  let bob: Actor;
  let viewer: Actor;
  let appId: string;

  /** Every domains row, to prove a refused change left the table as it was. */
  const allRows = () =>
    t.database.sql.query<{ app_id: string; hostname: string }>("SELECT app_id, hostname FROM domains ORDER BY hostname");

  beforeAll(async () => {
    t = await createTestEngine(driver, { baseDomain: BASE });
    alice = await t.user("alice@example.com");
    bob = await t.user("bob@example.com");
    viewer = await t.user("vera@example.com");
    const team = await t.engine.teams.create(alice, { name: "Shop" });
    await t.engine.teams.addMember(alice, { teamId: team.id, email: "vera@example.com", role: "viewer" });
    appId = (await t.engine.apps.create(alice, { name: "shop", teamId: team.id })).id;
    await t.engine.apps.create(bob, { name: "bobs-app" });
  });
  afterAll(async () => {
    await t.close();
  });

  it("adds a domain lower-cased, pointing its CNAME at the app's platform hostname, unchecked and without a certificate", async () => {
    const domain = await t.engine.domains.add(alice, "shop", "  WWW.Shop-Example.COM. ");
    expect(domain).toMatchObject({
      appId,
      hostname: "www.shop-example.com",
      dnsTarget: `shop.${BASE}`,
      dnsStatus: "unchecked",
      tlsStatus: "none",
      certExpiresAt: null,
    });
    expect((await t.engine.domains.list(viewer, "shop")).map((d) => d.hostname)).toEqual(["www.shop-example.com"]);
    const [entry] = await t.engine.audit.forApp(alice, "shop", { limit: 1 });
    expect(entry).toMatchObject({ action: "domains.insert", actorId: alice.userId });
  });

  it("converts an internationalised domain to punycode", async () => {
    const domain = await t.engine.domains.add(alice, "shop", "Bücher.Example");
    expect(domain.hostname).toBe("xn--bcher-kva.example");
    expect((await t.engine.domains.add(alice, "shop", "例え.テスト")).hostname).toBe("xn--r8jz45g.xn--zckzah");
  });

  const label50 = "a".repeat(50);
  it.each([
    ["", /Enter a domain/],
    ["*.example.com", /wildcard/],
    ["shop.*.example.com", /wildcard/],
    [`${[label50, label50, label50, label50, label50, label50].join(".")}.com`, /30\d characters long/],
    ["x".repeat(5000), /far too long/],
    ["example", /at least two labels/],
    [`${"a".repeat(64)}.example.com`, /breaks the label rule/],
    ["-shop.example.com", /breaks the label rule/],
    ["a..example.com", /empty label/],
    ["a_b.example.com", /only letters, digits/],
    ["https://example.com", /only letters, digits/],
    ["example.com:8080", /only letters, digits/],
    ["example.com/admin", /only letters, digits/],
    ["exa%41mple.com", /only letters, digits/],
    ["exa mple.com", /only letters, digits/],
    ["ex\u200bample.com", /only letters, digits/],
    ["1.2.3.4", /ends in a number/],
    ["0x7f.1", /reads as an address/],
    ["xn--zz.com", /not a valid internationalised name/],
  ])("refuses %j and changes nothing", async (input, message) => {
    const before = await allRows();
    const err = await t.engine.domains.add(alice, "shop", input).catch((e) => e);
    expect(err).toBeInstanceOf(InvalidDomainError);
    expect(err.message).toMatch(message);
    expect(err.message.length).toBeLessThan(500);
    expect(await allRows()).toEqual(before);
  });

  it.each([BASE, `Shop.${BASE}`, `other.deep.${BASE}.`])("refuses the platform's own domain or one under it: %s", async (input) => {
    const before = await allRows();
    await expect(t.engine.domains.add(alice, "shop", input)).rejects.toThrow(/platform's own domain/);
    expect(await allRows()).toEqual(before);
  });

  it("accepts a name that only ends like the base domain", async () => {
    expect((await t.engine.domains.add(alice, "shop", `not${BASE}`)).hostname).toBe(`not${BASE}`);
  });

  it("refuses another app's domain, in any case, without naming that app; and a domain the app already has", async () => {
    await t.engine.domains.add(bob, "bobs-app", "bob.example.net");
    const before = await allRows();
    const taken = await t.engine.domains.add(alice, "shop", "BOB.example.net").catch((e) => e);
    expect(taken).toBeInstanceOf(DomainTakenError);
    expect(taken.message).toMatch(/already used by another app/);
    expect(taken.message).not.toContain("bobs-app");
    await expect(t.engine.domains.add(alice, "shop", "www.shop-example.com")).rejects.toThrow(/already a domain of this app/);
    expect(await allRows()).toEqual(before);
  });

  it("two racing adds of one domain: exactly one app gets it", async () => {
    const results = await Promise.allSettled([
      t.engine.domains.add(alice, "shop", "race.example.org"),
      t.engine.domains.add(bob, "bobs-app", "race.example.org"),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect((results.find((r) => r.status === "rejected") as PromiseRejectedResult).reason).toBeInstanceOf(DomainTakenError);
  });

  it("lets a viewer read but not change, and a stranger not even see; nothing changes", async () => {
    const before = await allRows();
    await expect(t.engine.domains.add(viewer, "shop", "viewer.example.com")).rejects.toBeInstanceOf(ForbiddenError);
    await expect(t.engine.domains.remove(viewer, "shop", "www.shop-example.com")).rejects.toBeInstanceOf(ForbiddenError);
    await expect(t.engine.domains.list(bob, "shop")).rejects.toBeInstanceOf(AppNotFoundError);
    await expect(t.engine.domains.add(bob, "shop", "bob2.example.com")).rejects.toBeInstanceOf(AppNotFoundError);
    await expect(t.engine.domains.remove(bob, "shop", "www.shop-example.com")).rejects.toBeInstanceOf(AppNotFoundError);
    // Nor can one app remove another app's domain by naming it.
    await expect(t.engine.domains.remove(alice, "shop", "bob.example.net")).rejects.toBeInstanceOf(DomainNotFoundError);
    expect(await allRows()).toEqual(before);
  });

  it("removes a domain, by its unicode or punycode name, and audits it", async () => {
    await t.engine.domains.remove(alice, "shop", "BÜCHER.example");
    expect((await t.engine.domains.list(alice, "shop")).map((d) => d.hostname)).not.toContain("xn--bcher-kva.example");
    const [entry] = await t.engine.audit.forApp(alice, "shop", { limit: 1 });
    expect(entry).toMatchObject({ action: "domains.delete", actorId: alice.userId });
    await expect(t.engine.domains.remove(alice, "shop", "xn--bcher-kva.example")).rejects.toBeInstanceOf(DomainNotFoundError);
    await expect(t.engine.domains.remove(alice, "shop", "not a domain")).rejects.toBeInstanceOf(DomainNotFoundError);
  });

  it("points the CNAME at the new platform hostname after a rename", async () => {
    await t.engine.apps.update(alice, "shop", { name: "shop-two" });
    const domains = await t.engine.domains.list(alice, "shop-two");
    expect(new Set(domains.map((d) => d.dnsTarget))).toEqual(new Set([`shop-two.${BASE}`]));
  });
});
