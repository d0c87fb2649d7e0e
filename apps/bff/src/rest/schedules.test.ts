// Scheduled jobs over REST and tRPC on a platform without a runtime (PGlite): jobs are kept and
// shown, hostile input gets a 400 naming the problem and saves nothing, and "run now" says runs
// need a runtime. (Runs themselves: packages/engine/src/schedules/schedules.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestBff, type TestBff } from "../testing.ts";

describe("scheduled jobs over REST (no runtime; PGlite)", { timeout: 60_000 }, () => {
  let t: TestBff;
  let token: string;
  let strangerToken: string;
  const path = "/api/apps/cron-app/schedules";

  beforeAll(async () => {
    t = await createTestBff("pglite");
    await t.engine.users.createFirstAdmin({ email: "ops@example.com", password: "correct horse battery" });
    token = await t.login("ops@example.com");
    await t.rest("POST", "/api/users", { token, body: { email: "eve@example.com", password: "correct horse battery" } });
    strangerToken = await t.login("eve@example.com");
    expect((await t.rest("POST", "/api/apps", { token, body: { name: "cron-app" } })).status).toBe(201);
  });
  afterAll(async () => {
    await t.close();
  });

  it("adds, reads, changes, lists and removes a job; running one needs a runtime (412)", async () => {
    const created = await t.rest("POST", path, {
      token,
      body: { name: "report", command: "node report.js", schedule: "30 6 * * 1", timezone: "Europe/Paris", overlap: "queue" },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "report", timezone: "Europe/Paris", overlap: "queue", timeoutSeconds: 1800, enabled: true });
    expect(created.body.nextRunsAt).toHaveLength(3);
    const changed = await t.rest("PATCH", `${path}/report`, { token, body: { timeoutSeconds: 600, enabled: false } });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ timeoutSeconds: 600, enabled: false, nextRunsAt: [] });
    const list = await t.rest("GET", path, { token });
    expect(list.body).toMatchObject({ runtimeEnabled: false, jobs: [{ name: "report", schedule: "30 6 * * 1" }] });
    const run = await t.rest("POST", `${path}/report/runs`, { token });
    expect(run.status).toBe(412);
    expect(run.body.error.message).toMatch(/no runtime/);
    expect((await t.rest("GET", `${path}/report/runs`, { token })).body).toEqual({ runs: [] });
    expect((await t.rest("GET", path, { token: strangerToken })).status).toBe(404);
    expect((await t.rest("DELETE", `${path}/report`, { token: strangerToken })).status).toBe(404);
    expect((await t.rest("DELETE", `${path}/report`, { token })).status).toBe(200);
    expect((await t.rest("GET", `${path}/report`, { token })).status).toBe(404);
  });

  it("answers 400 to hostile input, saying what is wrong, and saves nothing", async () => {
    const ok = { name: "ok", command: "true", schedule: "*/10 * * * *" };
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ schedule: "* * *" }, /five fields/],
      [{ schedule: "99 * * * *" }, /minute/],
      [{ timezone: "Nowhere/Land" }, /not a time zone/],
      [{ command: "" }, /needs a command/],
      [{ command: "y".repeat(5000) }, /command/],
      [{ command: "echo\u0000hidden" }, /control characters/],
      [{ command: "echo a\r\necho b" }, /control characters/],
      [{ timeoutSeconds: 0 }, /timeoutSeconds/],
      [{ timeoutSeconds: 90_000 }, /timeoutSeconds/],
      [{ overlap: "parallel" }, /overlap/],
      [{ name: "Bad Name!" }, /not a job name/],
      [{ name: 12 }, /name/],
    ];
    for (const [input, message] of bad) {
      const res = await t.rest("POST", path, { token, body: { ...ok, ...input } });
      expect([res.status, res.body.error.message]).toEqual([400, expect.stringMatching(message)]);
    }
    expect((await t.rest("GET", `${path}/ok`, { token })).status).toBe(404);
    expect((await t.rest("GET", path, { token })).body.jobs).toEqual([]);
    expect((await t.rest("GET", `${path}/ok/runs?limit=9999`, { token })).status).toBe(400);
  });

  it("previews a schedule's next due times in its time zone for the dashboard", async () => {
    const caller = await t.caller(token);
    const { at } = await caller.schedules.preview({ schedule: "0 9 * * *", timezone: "America/New_York", count: 2 });
    expect(at).toHaveLength(2);
    for (const d of at) expect([13, 14]).toContain(d.getUTCHours());
    await expect(caller.schedules.preview({ schedule: "0 9 * * *", timezone: "Atlantis/City" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });
});
