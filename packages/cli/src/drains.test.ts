// drains, drains:add, drains:remove against a real platform (the BFF over an engine on PGlite).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestBff } from "../../../apps/bff/src/testing.ts";
import { runCli } from "./testing/io.ts";
import { startCliPlatform } from "./testing/platform.ts";

describe("skypanel drains (a real platform on PGlite)", () => {
  let t: TestBff;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    ({ t, env } = await startCliPlatform({ tokenName: "cli-drains", app: "drained" }));
  });
  afterAll(async () => {
    await t.close();
  });

  it("adds a drain without printing its token back, lists it, and removes it by URL", async () => {
    const url = "https://logs.example.com/ingest?token=cli-s3cret";
    const added = await runCli(["drains:add", url, "-a", "drained"], { env });
    expect(added).toMatchObject({ code: 0, stderr: "" });
    expect(added.stdout).toMatch(
      /^Successfully added drain https:\/\/logs\.example\.com\/\*\*\*\?\*\*\* to drained \(id [0-9a-f-]{36}\)\n$/,
    );

    const listed = await runCli(["drains", "-a", "drained"], { env });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain("https://logs.example.com/***?***");
    expect(listed.stdout).not.toContain("cli-s3cret");
    const json = JSON.parse((await runCli(["drains", "-a", "drained", "--json"], { env })).stdout);
    expect(json).toEqual([expect.objectContaining({ kind: "https", deliveredCount: 0, deadLetterCount: 0 })]);

    const removed = await runCli(["drains:remove", url, "-a", "drained"], { env });
    expect(removed).toMatchObject({ code: 0, stdout: "Successfully removed drain https://logs.example.com/***?*** from drained\n" });
    expect(JSON.parse((await runCli(["drains", "-a", "drained", "--json"], { env })).stdout)).toEqual([]);
  });

  it("says why a URL is refused, and needs exactly one argument", async () => {
    const plain = await runCli(["drains:add", "http://logs.example.com/", "-a", "drained"], { env });
    expect(plain.code).not.toBe(0);
    expect(plain.stderr).toMatch(/Plain http:\/\/ drains are refused/);
    expect((await runCli(["drains:add", "-a", "drained"], { env })).stderr).toMatch(/Give one URL/);
    expect((await runCli(["drains:remove", "a", "b", "-a", "drained"], { env })).stderr).toMatch(/Give one drain id or URL/);
    const missing = await runCli(["drains:remove", "00000000-0000-4000-8000-000000000000", "-a", "drained"], { env });
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/no log drain/);
  });
});
