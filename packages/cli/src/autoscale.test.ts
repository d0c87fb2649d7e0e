// autoscale, autoscale:set, autoscale:events against a real platform (the BFF over an engine on PGlite).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestBff } from "../../../apps/bff/src/testing.ts";
import { runCli } from "./testing/io.ts";
import { startCliPlatform } from "./testing/platform.ts";

describe("skypanel autoscale (a real platform on PGlite)", () => {
  let t: TestBff;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    let session: string;
    let app: { id: string };
    ({ t, session, app, env } = await startCliPlatform({ tokenName: "cli-autoscale", app: "scaled" }));
    const actor = { userId: (await t.engine.auth.authenticate(session))?.user.id ?? "", isAdmin: true };
    await t.release(actor, app.id, { web: "npm start", worker: "node worker.js" });
  });
  afterAll(async () => {
    await t.close();
  });

  it("sets a policy per process type, keeping the other, shows both, and lists no decision yet", async () => {
    const web = await runCli(["autoscale:set", "web", "-a", "scaled", "--min", "1", "--max", "6", "--metric", "rps", "--target", "50"], {
      env,
    });
    expect(web).toMatchObject({
      code: 0,
      stderr: "",
      stdout: "Autoscaling web of scaled on rps toward 50, 1 to 6 instances (scale-down after 300 s).\n",
    });
    const worker = await runCli(
      ["autoscale:set", "worker", "-a", "scaled", "--min", "0", "--max", "2", "--metric", "cpu", "--target", "70", "--disable"],
      { env },
    );
    expect(worker).toMatchObject({ code: 0, stdout: "Autoscaling of worker on scaled is paused.\n" });
    const json = JSON.parse((await runCli(["autoscale", "-a", "scaled", "--json"], { env })).stdout);
    expect(json.policies).toMatchObject([
      { process: "web", enabled: true, metric: "rps", target: 50, min: 1, max: 6 },
      { process: "worker", enabled: false, metric: "cpu", target: 70 },
    ]);
    const shown = await runCli(["autoscale", "-a", "scaled"], { env });
    expect(shown.stdout).toMatch(/web\s+on\s+rps\s+50\s+1\s+6\s+300/);
    expect((await runCli(["autoscale:events", "-a", "scaled"], { env })).stdout).toContain("No decision yet.");
  });

  it("refuses a bad value with the platform's message and a non-number as a usage error", async () => {
    const bad = await runCli(["autoscale:set", "worker", "-a", "scaled", "--metric", "p95", "--target", "300"], { env });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/p95 comes from the router, which only web answers through/);
    const nan = await runCli(["autoscale:set", "web", "-a", "scaled", "--max", "lots"], { env });
    expect(nan.code).not.toBe(0);
    expect(nan.stderr).toMatch(/--max takes a number, not "lots"/);
  });
});
