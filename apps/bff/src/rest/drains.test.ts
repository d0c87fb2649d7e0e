import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestBff, TEST_DRIVERS, type TestBff } from "../testing.ts";

describe.each(TEST_DRIVERS)("log drains over REST on %s", (driver) => {
  let t: TestBff;
  let token: string;
  let strangerToken: string;
  beforeAll(async () => {
    t = await createTestBff(driver);
    await t.engine.users.createFirstAdmin({ email: "ops@example.com", password: "correct horse battery" });
    token = await t.login("ops@example.com");
    await t.rest("POST", "/api/users", { token, body: { email: "eve@example.com", password: "correct horse battery" } });
    strangerToken = await t.login("eve@example.com");
    await t.rest("POST", "/api/apps", { token, body: { name: "drain-app" } });
  });
  afterAll(async () => {
    await t.close();
  });

  const path = "/api/apps/drain-app/drains";
  const secretUrl = "https://logs.example.com/v1/ingest?token=tok-abc123secret";

  it("adds (201), lists redacted, and removes by id or by URL", async () => {
    const syslog = await t.rest("POST", path, { token, body: { url: "syslog+tls://logs.example.com:6514" } });
    expect(syslog).toMatchObject({
      status: 201,
      body: { kind: "syslog-tls", url: "syslog+tls://logs.example.com:6514", deliveredCount: 0 },
    });
    const https = await t.rest("POST", path, { token, body: { url: secretUrl } });
    expect(https).toMatchObject({ status: 201, body: { kind: "https", url: "https://logs.example.com/***?***", deadLetterCount: 0 } });

    const listed = await t.rest("GET", path, { token });
    expect(listed.status).toBe(200);
    expect(listed.body.drains.map((d: { id: string }) => d.id)).toEqual([syslog.body.id, https.body.id]);
    expect(JSON.stringify(listed.body)).not.toContain("tok-abc123secret");

    expect(await t.rest("DELETE", `${path}/${encodeURIComponent(secretUrl)}`, { token })).toMatchObject({
      status: 200,
      body: { id: https.body.id, url: "https://logs.example.com/***?***" },
    });
    expect(await t.rest("DELETE", `${path}/${syslog.body.id}`, { token })).toMatchObject({ status: 200, body: { id: syslog.body.id } });
    expect((await t.rest("GET", path, { token })).body.drains).toEqual([]);
  });

  it("answers 400 for refused URLs, 409 for a twin without echoing its token, 404 to a stranger and for unknown drains", async () => {
    for (const url of [
      "http://logs.example.com/",
      "syslog://logs.example.com:514",
      "syslog+tls://logs.example.com",
      "not-a-url",
      "x".repeat(5000),
      42,
      null,
    ]) {
      const res = await t.rest("POST", path, { token, body: { url } });
      expect(res.status, JSON.stringify(url)).toBe(400);
      expect(res.body.error.message).toMatch(/drain|TLS|port|URL|string|characters/);
    }
    expect((await t.rest("POST", path, { token, rawBody: "{not json" })).status).toBe(400);

    expect((await t.rest("POST", path, { token, body: { url: secretUrl } })).status).toBe(201);
    const twin = await t.rest("POST", path, { token, body: { url: secretUrl } });
    expect(twin.status).toBe(409);
    expect(twin.body.error.message).not.toContain("tok-abc123secret");

    expect((await t.rest("GET", path, { token: strangerToken })).status).toBe(404);
    expect((await t.rest("POST", path, { token: strangerToken, body: { url: "https://eve.example.com/" } })).status).toBe(404);
    expect((await t.rest("DELETE", `${path}/${encodeURIComponent(secretUrl)}`, { token: strangerToken })).status).toBe(404);
    expect((await t.rest("DELETE", `${path}/00000000-0000-4000-8000-000000000000`, { token })).status).toBe(404);
    // A URL in the path is ASCII and bounded (the request line must fit the server's limit).
    expect((await t.rest("DELETE", `${path}/${encodeURIComponent("https://bücher.example/")}`, { token })).status).toBe(400);
    expect((await t.rest("DELETE", `${path}/${"a".repeat(2001)}`, { token })).status).toBe(400);
    const unknownUrl = await t.rest("DELETE", `${path}/${encodeURIComponent("https://other.example.com/?token=zzz-secret")}`, { token });
    expect(unknownUrl.status).toBe(404);
    expect(unknownUrl.body.error.message).not.toContain("zzz-secret");
    expect((await t.rest("GET", path, { token })).body.drains).toHaveLength(1);
  });
});
