// egress, egress:set against a real platform (the BFF over an engine on PGlite).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestBff } from "../../../apps/bff/src/testing.ts";
import { runCli } from "./testing/io.ts";
import { startCliPlatform } from "./testing/platform.ts";

describe("skypanel egress (a real platform on PGlite)", () => {
  let t: TestBff;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    ({ t, env } = await startCliPlatform({ tokenName: "cli-egress", app: "walled" }));
  });
  afterAll(async () => {
    await t.close();
  });

  it("shows deny, sets an allowlist from rules as typed, and prints the platform's refusal of a bad rule", async () => {
    expect(await runCli(["egress", "-a", "walled"], { env })).toMatchObject({
      code: 0,
      stdout: "walled may reach nothing outside the platform (egress: deny)\n",
    });
    const set = await runCli(["egress:set", "allowlist", "203.0.113.9/24:443", "198.51.100.7", "-a", "walled"], { env });
    expect(set).toMatchObject({ code: 0, stderr: "" });
    expect(set.stdout).toBe(
      "walled may reach only the networks and ports below (egress: allowlist)\n  203.0.113.0/24:443\n  198.51.100.7/32\nRunning instances following it now: 0\n",
    );
    const json = JSON.parse((await runCli(["egress", "-a", "walled", "--json"], { env })).stdout);
    expect(json).toEqual({
      mode: "allowlist",
      rules: [
        { cidr: "203.0.113.0/24", ports: { from: 443, to: 443 } },
        { cidr: "198.51.100.7/32", ports: null },
      ],
    });

    const refused = await runCli(["egress:set", "allowlist", "0.0.0.0/0", "-a", "walled"], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('opens every address: set the egress mode to "allow" instead');
    const misuse = await runCli(["egress:set", "allow", "10.0.0.0/8", "-a", "walled"], { env });
    expect(misuse).toMatchObject({ code: 2 });
    expect(misuse.stderr).toContain("Rules go with the allowlist mode only");
    // Neither refusal changed anything.
    expect(JSON.parse((await runCli(["egress", "-a", "walled", "--json"], { env })).stdout).mode).toBe("allowlist");
  });
});
