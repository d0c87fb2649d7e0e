// End to end against real Nix, npm's registry and PGlite: a monorepo archive whose app is a sub-folder.
import { existsSync, mkdirSync, readdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../actor.ts";
import { createTestEngine, type TestEngine } from "../testing.ts";
import { useRootDirectory } from "./root-directory.ts";
import { copyFixture, runAndGet, uploadDir, waitForBuild } from "./testing.ts";

describe("builds from an app's root directory (real Nix, PGlite)", { timeout: 300_000 }, () => {
  let t: TestEngine;
  let alice: Actor;
  beforeAll(async () => {
    t = await createTestEngine("pglite", { builds: { concurrency: 2, timeoutMs: 5 * 60_000 } });
    await t.engine.start();
    alice = await t.user("monorepo@example.com");
    await t.engine.apps.create(alice, { name: "mono-web" });
  });
  afterAll(async () => {
    await t.close();
  });

  async function build(source: string) {
    const queued = await t.engine.builds.create(alice, "mono-web", uploadDir(t.home, source));
    const done = await waitForBuild(t.engine, alice, "mono-web", queued.id);
    const log = (await t.engine.builds.log(alice, "mono-web", done.id)).lines.map((l) => l.text).join("\n");
    return { build: done, log };
  }

  it("builds the Express app in apps/web of an npm workspace monorepo, and it answers 200", async () => {
    await t.engine.apps.update(alice, "mono-web", { rootDirectory: "apps/web" });
    const { build: done, log } = await build(copyFixture("monorepo-npm"));
    expect(done.status, log).toBe("succeeded");
    expect(log).toMatch(/-----> root directory apps\/web/);
    expect(done.plan).toMatchObject({ stack: "nodejs", framework: "express", packageManager: "npm" });
    expect((done.plan as { reasons: { topic: string }[] }).reasons[0]?.topic).toBe("root directory");
    const web = (done.plan as { processes: Record<string, string> }).processes.web ?? "";
    const res = await runAndGet(done.storePath ?? "", web);
    expect(res.status).toBe(200);
    expect(res.body).toMatch(/monorepo-npm\/apps\/web/);
  });

  it("fails a build whose root directory is not in the source, saying so", async () => {
    await t.engine.apps.update(alice, "mono-web", { rootDirectory: "packages/web" });
    const { build: done } = await build(copyFixture("monorepo-npm"));
    expect(done.status).toBe("failed");
    expect(done.error).toMatch(/root directory packages\/web does not exist in this source/);
    expect(done.stages.find((s) => s.name === "fetch")?.status).toBe("failed");
  });

  it("refuses a root directory reached through a symlink, even one that stays in the source", async () => {
    const src = copyFixture("monorepo-npm");
    mkdirSync(join(src, "deploy"));
    symlinkSync("../apps/web", join(src, "deploy", "web"));
    await t.engine.apps.update(alice, "mono-web", { rootDirectory: "deploy/web" });
    const { build: done } = await build(src);
    expect(done.status).toBe("failed");
    expect(done.error).toMatch(/root directory deploy\/web: web is a symlink/);
  });

  // Archives with symlinks out are refused when unpacked; a pushed or git tree may hold one.
  it("never follows a symlink out of the source, and leaves the fetched tree in place", () => {
    const src = copyFixture("monorepo-npm");
    symlinkSync("/etc", join(src, "apps", "etc"));
    expect(() => useRootDirectory(src, "apps/etc")).toThrow(/apps\/etc: etc is a symlink/);
    expect(existsSync(join(src, "apps", "web", "server.js"))).toBe(true);
    expect(() => useRootDirectory(src, "apps/web/server.js")).toThrow(/is not a directory in this source/);
    useRootDirectory(src, "apps/web");
    expect(readdirSync(src).sort()).toEqual(["package-lock.json", "package.json", "server.js"]);
  });
});
