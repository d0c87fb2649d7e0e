// schedules, schedules:add, schedules:runs, schedules:run, schedules:remove against a real
// platform (the BFF over an engine on PGlite, without a runtime: jobs are kept, runs refused).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestBff } from "../../../apps/bff/src/testing.ts";
import { runCli } from "./testing/io.ts";
import { startCliPlatform } from "./testing/platform.ts";

describe("skypanel schedules (a real platform on PGlite, no runtime)", () => {
  let t: TestBff;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    ({ t, env } = await startCliPlatform({ tokenName: "cli-schedules", app: "timed" }));
  });
  afterAll(async () => {
    await t.close();
  });

  it("adds a job with its zone, timeout and overlap, lists it, refuses a run without a runtime, and removes it", async () => {
    const add = await runCli(
      [
        "schedules:add",
        "nightly",
        "--cron",
        "0 3 * * *",
        "--tz",
        "Europe/Paris",
        "--timeout",
        "10m",
        "--overlap",
        "queue",
        "-a",
        "timed",
        "--json",
        "--",
        "node",
        "-e",
        "console.log('x y')",
      ],
      { env },
    );
    expect(add).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(add.stdout)).toMatchObject({
      name: "nightly",
      command: "node -e 'console.log('\\''x y'\\'')'",
      schedule: "0 3 * * *",
      timezone: "Europe/Paris",
      timeoutSeconds: 600,
      overlap: "queue",
    });
    const list = await runCli(["schedules", "-a", "timed"], { env });
    expect(list.code).toBe(0);
    expect(list.stdout).toContain("nightly");
    expect(list.stdout).toContain("0 3 * * * (Europe/Paris)");
    expect(list.stdout).toContain("the jobs are kept but do not run");
    expect(JSON.parse((await runCli(["schedules:runs", "nightly", "-a", "timed", "--json"], { env })).stdout)).toEqual([]);
    const run = await runCli(["schedules:run", "nightly", "-a", "timed"], { env });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("scheduled jobs are kept but cannot run");
    expect(await runCli(["schedules:remove", "nightly", "-a", "timed"], { env })).toMatchObject({
      code: 0,
      stdout: "Removed the scheduled job nightly from timed.\n",
    });
  });

  it("refuses a bad duration itself (2) and prints the platform's refusal of a bad schedule (1), saving nothing", async () => {
    const badTimeout = await runCli(["schedules:add", "x", "--cron", "* * * * *", "--timeout", "soon", "-a", "timed", "--", "true"], {
      env,
    });
    expect(badTimeout.code).toBe(2);
    expect(badTimeout.stderr).toContain('--timeout takes a duration such as 90s, 10m or 2h, not "soon"');
    const noCommand = await runCli(["schedules:add", "x", "--cron", "* * * * *", "-a", "timed"], { env });
    expect(noCommand.code).toBe(2);
    const badCron = await runCli(["schedules:add", "x", "--cron", "every day", "-a", "timed", "--", "true"], { env });
    expect(badCron.code).toBe(1);
    expect(badCron.stderr).toContain("is not a cron schedule of five fields");
    const badZone = await runCli(["schedules:add", "x", "--cron", "* * * * *", "--tz", "Moon/Base", "-a", "timed", "--", "true"], { env });
    expect(badZone.code).toBe(1);
    expect(badZone.stderr).toContain('"Moon/Base" is not a time zone');
    expect(JSON.parse((await runCli(["schedules", "-a", "timed", "--json"], { env })).stdout)).toEqual([]);
  });
});
