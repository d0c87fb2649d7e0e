// A git source pointing at the platform itself or at a private network is refused when the build
// is asked for, with the reason, through the same REST call a user makes (PGlite, production policy).
import { outboundPolicy } from "@skypanel/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestBff, type TestBff } from "../testing.ts";

describe("git sources that reach inward (PGlite)", () => {
  let t: TestBff;
  let url: string;
  let token: string;

  beforeAll(async () => {
    // The production default: no SKYPANEL_OUTBOUND_ALLOW, so loopback is refused like the rest.
    t = await createTestBff("pglite", { outbound: outboundPolicy() });
    url = await t.listen();
    await t.engine.users.createFirstAdmin({ email: "dev@example.com", password: "correct horse battery" });
    token = await t.login("dev@example.com");
    await t.rest("POST", "/api/apps", { token, body: { name: "web-shop" } });
  });
  afterAll(async () => {
    await t.close();
  });

  it("refuses the platform's own port on loopback and a private-range address, and queues no build", async () => {
    const own = `${url}/git/web-shop.git`;
    const selfRes = await t.rest("POST", "/api/apps/web-shop/builds", { token, body: { source: { type: "git", url: own } } });
    expect(selfRes.status).toBe(400);
    expect(selfRes.body.error.message).toBe(
      `Refused: git source ${own} resolves to 127.0.0.1, a loopback address; an operator can allow it with SKYPANEL_OUTBOUND_ALLOW.`,
    );

    // Nothing listens there; a refusal that waited for a connection would take git's whole timeout.
    const privateRes = await t.rest("POST", "/api/apps/web-shop/builds", {
      token,
      body: { source: { type: "git", url: "http://10.255.255.1/team/app.git" } },
    });
    expect(privateRes.status).toBe(400);
    expect(privateRes.body.error.message).toBe(
      "Refused: git source http://10.255.255.1/team/app.git resolves to 10.255.255.1, a private address; an operator can allow it with SKYPANEL_OUTBOUND_ALLOW.",
    );

    const builds = await t.rest("GET", "/api/apps/web-shop/builds", { token });
    expect(builds.status).toBe(200);
    expect(builds.body.builds).toEqual([]);
  });
});
