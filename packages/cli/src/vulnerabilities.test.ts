// builds:vulnerabilities and teams:deploy-policy against a real platform (the BFF over an engine;
// PostgreSQL where the run has it). The findings are stored directly: the scan is the engine's test.
import { replaceBuildScan } from "@skypanel/db/queries";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestBff, TEST_DRIVERS, type TestBff } from "../../../apps/bff/src/testing.ts";
import { runCli } from "./testing/io.ts";

const driver = TEST_DRIVERS.includes("postgres") ? "postgres" : "pglite";

describe(`builds:vulnerabilities and teams:deploy-policy (a real platform on ${driver})`, () => {
  let t: TestBff;
  let owner: NodeJS.ProcessEnv;
  let member: NodeJS.ProcessEnv;
  beforeAll(async () => {
    t = await createTestBff(driver);
    await t.engine.users.createFirstAdmin({ email: "ops@example.com", password: "correct horse battery" });
    const alice = await t.user("alice@example.com");
    const bob = await t.user("bob@example.com");
    const team = await t.engine.teams.create(alice, { name: "shop-team" });
    await t.engine.teams.addMember(alice, { teamId: team.id, email: bob.email, role: "member" });
    const app = await t.engine.apps.create(alice, { name: "shop", teamId: team.id });
    const url = await t.listen();
    const token = async (email: string) =>
      (await t.rest("POST", "/api/tokens", { token: await t.login(email), body: { name: "cli", scope: "admin" } })).body.token;
    owner = { SKYPANEL_URL: url, SKYPANEL_API_KEY: await token("alice@example.com") };
    member = { SKYPANEL_URL: url, SKYPANEL_API_KEY: await token("bob@example.com") };
    for (const n of [1, 2]) {
      const [row] = await t.database.sql.query<{ id: string }>(
        "INSERT INTO builds (app_id, number, status, source_type) VALUES ($1, $2, 'succeeded', 'archive') RETURNING id",
        [app.id, n],
      );
      await replaceBuildScan(
        t.database.db,
        row?.id ?? "",
        [{ ecosystem: "npm", status: n === 1 ? "clean" : "findings", reason: null, lockfile: "package-lock.json", packages: 2 }],
        n === 1
          ? []
          : [
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
    }
  });
  afterAll(async () => {
    await t.close();
  });

  it("shows the newest build's findings, or a numbered one's; --json is the API's report; a missing build is a clear error", async () => {
    const newest = await runCli(["builds:vulnerabilities", "-a", "shop"], { env: member });
    expect(newest.code, newest.stderr).toBe(0);
    expect(newest.stdout).toContain("1 critical, 0 high, 0 moderate, 0 low");
    expect(newest.stdout).toContain("npm (package-lock.json, 2 packages): findings");
    expect(newest.stdout).toMatch(/critical\s+minimist@0\.0\.8\s+GHSA-xvch-5gv4-984h\s+0\.2\.4/);
    const first = await runCli(["builds:vulnerabilities", "#1", "-a", "shop", "--json"], { env: member });
    expect(JSON.parse(first.stdout)).toMatchObject({ scanned: true, counts: { critical: 0 }, findings: [] });
    const missing = await runCli(["builds:vulnerabilities", "9", "-a", "shop"], { env: member });
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining("shop has no build 9") });
  });

  it("teams:deploy-policy shows and sets the block; a member is refused; a bad value is a usage error, sending nothing", async () => {
    expect((await runCli(["teams:deploy-policy", "shop-team"], { env: member })).stdout).toContain("deploy like any other");
    const refused = await runCli(["teams:deploy-policy", "shop-team", "--block-critical", "on"], { env: member });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/needs admin or above/);
    const bad = await runCli(["teams:deploy-policy", "shop-team", "--block-critical", "yes"], { env: owner });
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringContaining("--block-critical is on or off") });
    const set = await runCli(["teams:deploy-policy", "shop-team", "--block-critical", "on", "--json"], { env: owner });
    expect(JSON.parse(set.stdout)).toMatchObject({ blockCriticalDeploys: true });
    expect((await runCli(["teams:deploy-policy", "shop-team"], { env: member })).stdout).toContain("are refused");
    expect((await runCli(["teams:deploy-policy", "no-such-team"], { env: owner })).stderr).toContain(
      'no team named or with id "no-such-team"',
    );
  });
});
