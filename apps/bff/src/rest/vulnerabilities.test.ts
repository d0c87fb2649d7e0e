// Vulnerability findings and the deploy policy over REST: what a script or the CLI sees. The
// findings are stored directly (the scan itself is tested in the engine); the runtime is
// configured but never started, so deploys are only queued.
import { replaceBuildScan } from "@skypanel/db/queries";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestBff, TEST_DRIVERS, type TestBff } from "../testing.ts";

// PostgreSQL where the run has it (seconds, where PGlite's migrations take many); the engine's
// policy test covers the SQL on both drivers.
const driver = TEST_DRIVERS.includes("postgres") ? "postgres" : "pglite";

describe(`vulnerabilities and the deploy policy over REST (${driver})`, () => {
  let t: TestBff;
  let owner: string;
  let member: string;
  let teamId: string;
  let buildId: string;

  beforeAll(async () => {
    t = await createTestBff(driver, { runtime: { mode: "process", router: false } });
    await t.engine.users.createFirstAdmin({ email: "ops@example.com", password: "correct horse battery" });
    const admin = await t.login("ops@example.com");
    for (const email of ["owner@example.com", "member@example.com"])
      await t.rest("POST", "/api/users", { token: admin, body: { email, password: "correct horse battery" } });
    owner = await t.login("owner@example.com");
    member = await t.login("member@example.com");
    teamId = (await t.rest("POST", "/api/teams", { token: owner, body: { name: "shop team" } })).body.id;
    const owned = await t.caller(owner);
    await owned.teams.addMember({ teamId, email: "member@example.com", role: "member" });
    const appId = (await t.rest("POST", "/api/apps", { token: owner, body: { name: "shop", teamId } })).body.id;
    const [row] = await t.database.sql.query<{ id: string }>(
      `INSERT INTO builds (app_id, number, status, source_type, store_path, plan)
       VALUES ($1, 1, 'succeeded', 'archive', '/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-app', '{"processes": {"web": "node server.js"}}') RETURNING id`,
      [appId],
    );
    buildId = row?.id ?? "";
    await replaceBuildScan(
      t.database.db,
      buildId,
      [
        { ecosystem: "npm", status: "findings", reason: null, lockfile: "package-lock.json", packages: 2 },
        { ecosystem: "other", status: "not_checked", reason: "a test says so", lockfile: null, packages: 0 },
      ],
      [
        {
          ecosystem: "npm",
          package: "minimist",
          version: "0.0.8",
          advisoryId: "GHSA-vh95-rmgr-6w4m",
          url: null,
          title: "Prototype Pollution in minimist",
          severity: "moderate",
          fixedIn: "0.2.1",
        },
        {
          ecosystem: "npm",
          package: "minimist",
          version: "0.0.8",
          advisoryId: "GHSA-xvch-5gv4-984h",
          url: "https://github.com/advisories/GHSA-xvch-5gv4-984h",
          title: "Prototype Pollution in minimist",
          severity: "critical",
          fixedIn: "0.2.4",
        },
      ],
    );
  });
  afterAll(async () => {
    await t.close();
  });

  it("GET …/builds/{id}/vulnerabilities: counts, each scan, findings worst first; a stranger's or an unknown build is 404", async () => {
    const res = await t.rest("GET", `/api/apps/shop/builds/${buildId}/vulnerabilities`, { token: member });
    expect(res.status).toBe(200);
    expect(res.body.counts).toEqual({ critical: 1, high: 0, moderate: 1, low: 0, unrated: 0 });
    expect(res.body.scans.map((s: { ecosystem: string; status: string }) => [s.ecosystem, s.status])).toEqual([
      ["npm", "findings"],
      ["other", "not_checked"],
    ]);
    expect(res.body.findings.map((f: { advisoryId: string }) => f.advisoryId)).toEqual(["GHSA-xvch-5gv4-984h", "GHSA-vh95-rmgr-6w4m"]);
    const ops = await t.login("ops@example.com");
    expect((await t.rest("GET", `/api/apps/shop/builds/${buildId}/vulnerabilities`, { token: ops })).status).toBe(404);
    expect((await t.rest("GET", "/api/apps/shop/builds/not-a-build/vulnerabilities", { token: member })).status).toBe(404);
  });

  it("the policy: bad bodies are 400, a member is 403, the owner sets it; deploys are then refused (412, findings named) or overridden with a reason", async () => {
    const path = `/api/teams/${teamId}/deploy-policy`;
    for (const body of [{}, { blockCriticalDeploys: "yes" }, { blockCriticalDeploys: null }]) {
      expect((await t.rest("PUT", path, { token: owner, body })).status, JSON.stringify(body)).toBe(400);
    }
    expect((await t.rest("PUT", path, { token: member, body: { blockCriticalDeploys: true } })).status).toBe(403);
    expect((await t.rest("PUT", path, { token: owner, body: { blockCriticalDeploys: true } })).body).toEqual({
      teamId,
      blockCriticalDeploys: true,
    });
    expect((await t.rest("GET", path, { token: member })).body).toEqual({ teamId, blockCriticalDeploys: true });

    const refused = await t.rest("POST", "/api/apps/shop/deployments", { token: member, body: { buildId } });
    expect(refused.status).toBe(412);
    expect(refused.body.error.message).toContain("minimist@0.0.8 (GHSA-xvch-5gv4-984h: Prototype Pollution in minimist)");
    expect(refused.body.error.details.findings).toEqual([expect.objectContaining({ advisoryId: "GHSA-xvch-5gv4-984h" })]);
    for (const overrideReason of ["", "   ", "x".repeat(501), 42]) {
      const bad = await t.rest("POST", "/api/apps/shop/deployments", { token: member, body: { buildId, overrideReason } });
      expect(bad.status, JSON.stringify(overrideReason)).toBe(400);
      expect(bad.body.error.message).toMatch(/overrideReason/);
    }
    const accepted = await t.rest("POST", "/api/apps/shop/deployments", {
      token: member,
      body: { buildId, overrideReason: "the vulnerable parser never sees user input" },
    });
    expect(accepted.status).toBe(202);
    const dep = await t.rest("GET", `/api/apps/shop/deployments/${accepted.body.id}`, { token: member });
    expect(dep.body.options).toMatchObject({ buildId, overrideReason: "the vulnerable parser never sees user input" });
  });
});
