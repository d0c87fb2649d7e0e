import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestBff, TEST_DRIVERS, type TestBff } from "../testing.ts";

describe.each(TEST_DRIVERS)("log search and retention over REST on %s", (driver) => {
  let t: TestBff;
  let token: string;
  let strangerToken: string;
  beforeAll(async () => {
    t = await createTestBff(driver);
    await t.engine.users.createFirstAdmin({ email: "ops@example.com", password: "correct horse battery" });
    token = await t.login("ops@example.com");
    await t.rest("POST", "/api/users", { token, body: { email: "eve@example.com", password: "correct horse battery" } });
    strangerToken = await t.login("eve@example.com");
    const { body: app } = await t.rest("POST", "/api/apps", { token, body: { name: "search-app" } });
    t.engine.logStore.append(
      [
        ["web", "at=info method=GET path=/ status=200"],
        ["web", "at=info method=GET path=/boom status=503"],
        ["web", "Error: connection refused by db.internal"],
        ["worker", "job 7 timeout"],
      ].map(([processType, line]) => ({ appId: app.id, processType, line: line as string })),
    );
    await t.engine.logStore.flush();
  });
  afterAll(async () => {
    await t.close();
  });

  const logs = async (query: string, as = token) => {
    const res = await t.rest("GET", `/api/apps/search-app/logs?${query}`, { token: as });
    return { status: res.status, lines: res.body.lines?.map((l: { line: string }) => l.line), error: res.body.error?.message };
  };

  it("searches with q, and the old parameters still work beside it", async () => {
    expect(await logs(`q=${encodeURIComponent('"connection refused" level:error')}`)).toMatchObject({
      status: 200,
      lines: ["Error: connection refused by db.internal"],
    });
    expect((await logs(`q=${encodeURIComponent("status:500..599")}`)).lines).toEqual(["at=info method=GET path=/boom status=503"]);
    expect((await logs(`q=${encodeURIComponent("-status process:web")}`)).lines).toEqual(["Error: connection refused by db.internal"]);
    expect((await logs("search=timeout")).lines).toEqual(["job 7 timeout"]);
    expect((await logs("process=worker&q=timeout")).lines).toEqual(["job 7 timeout"]);
    expect((await logs("level=error&tail=1")).lines).toEqual(["Error: connection refused by db.internal"]);
  });

  it("answers 400 naming the problem for a bad query, 404 to a stranger", async () => {
    for (const [q, message] of [
      ['"unclosed', /quote at character 1 is never closed/],
      ["status:599..500", /backwards/],
      ["colour:red", /"colour:" is not a search key/],
      ["since:forever", /not a duration/],
      ["x".repeat(501), /500/],
    ] as const) {
      const res = await logs(`q=${encodeURIComponent(q)}`);
      expect(res.status, q).toBe(400);
      expect(res.error, q).toMatch(message);
    }
    // The plain filters too: a NUL once reached PostgreSQL and came back as a 500.
    for (const query of ["search=a%00b", "process=web%00", "search=tab%09here"]) {
      const res = await logs(query);
      expect(res.status, query).toBe(400);
      expect(res.error, query).toMatch(/control characters/);
    }
    expect((await logs("q=timeout", strangerToken)).status).toBe(404);
  });

  it("reads, sets, refuses bad limits for, and resets the app's retention", async () => {
    const path = "/api/apps/search-app/log-retention";
    const defaults = { days: 7, maxBytes: 104857600 };
    expect(await t.rest("GET", path, { token })).toMatchObject({ status: 200, body: { ...defaults, custom: false, defaults } });
    expect(await t.rest("PUT", path, { token, body: { days: 3 } })).toMatchObject({
      status: 200,
      body: { days: 3, maxBytes: 104857600, custom: true },
    });
    expect(await t.rest("PUT", path, { token, body: { maxBytes: 2097152 } })).toMatchObject({ body: { days: 3, maxBytes: 2097152 } });
    for (const body of [{ days: 0 }, { days: 366 }, { days: "7" }, { maxBytes: 1000 }, { maxBytes: 1.5e20 }, { days: 2.5 }]) {
      expect((await t.rest("PUT", path, { token, body })).status, JSON.stringify(body)).toBe(400);
    }
    expect((await t.rest("PUT", path, { token: strangerToken, body: { days: 1 } })).status).toBe(404);
    expect((await t.rest("GET", path, { token })).body).toMatchObject({ days: 3, maxBytes: 2097152 });
    expect(await t.rest("DELETE", path, { token })).toMatchObject({ status: 200, body: { ...defaults, custom: false } });
  });
});
