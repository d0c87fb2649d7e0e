// End to end against real Nix, npm's registry and PGlite: archive in, store path out.
// PGlite only: the SQL these builds run is covered on both databases by the db and queue tests.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../actor.ts";
import { createTestEngine, type TestEngine } from "../testing.ts";
import { copyFixture, editedFixture, runAndGet, uploadDir, waitForBuild } from "./testing.ts";

describe("builds (real Nix, PGlite)", { timeout: 300_000 }, () => {
  let t: TestEngine;
  let alice: Actor;
  beforeAll(async () => {
    t = await createTestEngine("pglite", { builds: { concurrency: 2, timeoutMs: 5 * 60_000 } });
    await t.engine.start();
    alice = await t.user("builder@example.com");
    await t.engine.apps.create(alice, { name: "express-app" });
  });
  afterAll(async () => {
    await t.close();
  });

  let cold: { storePath: string; command: string };

  it("builds an Express app from an archive: every stage, the plan, a cache miss, an app that answers 200", async () => {
    const src = copyFixture("node-npm-express");
    const queued = await t.engine.builds.create(alice, "express-app", uploadDir(t.home, src));
    expect(queued.status).toBe("queued");
    const build = await waitForBuild(t.engine, alice, "express-app", queued.id);
    const log = (await t.engine.builds.log(alice, "express-app", build.id)).lines.map((l) => l.text).join("\n");
    expect(build.status, log).toBe("succeeded");
    expect(build.stages.map((s) => [s.name, s.status])).toEqual([
      ["fetch", "succeeded"],
      ["detect", "succeeded"],
      ["dependencies", "succeeded"],
      ["build", "succeeded"],
      ["tests", "skipped"],
      ["artifact", "succeeded"],
      ["optimise", "succeeded"],
    ]);
    expect(build.stages.every((s) => s.status === "skipped" || (s.durationMs ?? -1) >= 0)).toBe(true);
    expect(build.plan).toMatchObject({ stack: "nodejs", framework: "express", packageManager: "npm" });
    expect(build.cacheHit).toBe(false);
    expect(build.storePath).toMatch(/^\/nix\/store\/[a-z0-9]{32}-app$/);
    expect(build.closureBytes).toBeGreaterThan(100_000);
    expect(log).toMatch(/cache miss/);
    expect(log).toMatch(/npm ci --ignore-scripts/);
    const web = (build.plan as { processes: Record<string, string> }).processes.web ?? "";
    cold = { storePath: build.storePath ?? "", command: web };
    const res = await runAndGet(cold.storePath, web);
    expect(res.status).toBe(200);
  });

  it("reuses the dependency layer when only the source changes", async () => {
    const src = copyFixture("node-npm-express");
    const server = join(src, "server.js");
    writeFileSync(server, `${readFileSync(server, "utf8")}\n// a source-only change\n`);
    const build = await waitForBuild(
      t.engine,
      alice,
      "express-app",
      (await t.engine.builds.create(alice, "express-app", uploadDir(t.home, src))).id,
    );
    expect(build.status).toBe("succeeded");
    expect(build.cacheHit).toBe(true);
    expect(build.stages.find((s) => s.name === "dependencies")?.detail).toBe("cache hit");
    expect(build.storePath).not.toBe(cold.storePath);
    expect(build.number).toBe(2);
  });

  it("fails a build whose install fails, with the installer's words in the error and the log", async () => {
    const src = editedFixture("node-npm-express", (pkg) => {
      pkg.dependencies["skypanel-no-such-package-7f3a9c"] = "1.0.0";
    });
    const build = await waitForBuild(
      t.engine,
      alice,
      "express-app",
      (await t.engine.builds.create(alice, "express-app", uploadDir(t.home, src))).id,
    );
    expect(build.status).toBe("failed");
    expect(build.stages.find((s) => s.name === "dependencies")?.status).toBe("failed");
    expect(build.stages.find((s) => s.name === "build")?.status).toBe("skipped");
    const log = (await t.engine.builds.log(alice, "express-app", build.id)).lines.map((l) => l.text).join("\n");
    expect(`${build.error}\n${log}`).toMatch(/skypanel-no-such-package-7f3a9c/);
  });

  it("fails an unknown stack at detection, naming what it looked for", async () => {
    const build = await waitForBuild(
      t.engine,
      alice,
      "express-app",
      (await t.engine.builds.create(alice, "express-app", uploadDir(t.home, copyFixture("unknown-stack")))).id,
    );
    expect(build.status).toBe("failed");
    expect(build.stages.find((s) => s.name === "detect")?.status).toBe("failed");
    expect(build.error).toMatch(/package\.json/);
    expect(build.error).toMatch(/requirements\.txt/);
  });

  it("runs the app's own build script sandboxed: no network, no platform data, no writes outside", async () => {
    const src = editedFixture("node-npm-express", (pkg) => {
      pkg.scripts.build = "node hostile.js";
    });
    writeFileSync(
      join(src, "hostile.js"),
      `const fs = require("fs"); const out = {};
       const attempt = (name, fn) => { try { fn(); out[name] = "done"; } catch (e) { out[name] = "denied"; } };
       attempt("writeUsr", () => fs.writeFileSync("/usr/skypanel-pwned", "x"));
       attempt("readKeys", () => fs.readdirSync(${JSON.stringify(join(t.home, "keys"))}));
       attempt("readHome", () => fs.readdirSync(${JSON.stringify(t.home)}));
       require("http").get("http://registry.npmjs.org/", () => { out.net = "reached"; done(); }).on("error", () => { out.net = "blocked"; done(); });
       function done() { fs.writeFileSync("attempts.json", JSON.stringify(out)); }`,
    );
    const build = await waitForBuild(
      t.engine,
      alice,
      "express-app",
      (await t.engine.builds.create(alice, "express-app", uploadDir(t.home, src))).id,
    );
    expect(build.status).toBe("succeeded");
    const attempts = JSON.parse(readFileSync(join(build.storePath ?? "", "app", "attempts.json"), "utf8"));
    expect(attempts).toEqual({ writeUsr: "denied", readKeys: "denied", readHome: "denied", net: "blocked" });
  });

  it("cancels a running build: the builder's processes are gone and the build says cancelled", async () => {
    const src = editedFixture("node-npm-express", (pkg) => {
      pkg.scripts.build = 'node -e "setTimeout(() => {}, 600000)" skypanel-cancel-marker';
    });
    const queued = await t.engine.builds.create(alice, "express-app", uploadDir(t.home, src));
    const until = Date.now() + 120_000;
    while ((await t.engine.builds.get(alice, "express-app", queued.id)).stages.find((s) => s.name === "build")?.status !== "running") {
      if (Date.now() > until) throw new Error("the build never reached its build stage");
      await new Promise((r) => setTimeout(r, 200));
    }
    await new Promise((r) => setTimeout(r, 1500));
    expect(psHas("skypanel-cancel-marker")).toBe(true);
    expect((await t.engine.builds.cancel(alice, "express-app", queued.id)).status).toBe("cancelling");
    const build = await waitForBuild(t.engine, alice, "express-app", queued.id, 30_000);
    expect(build.status).toBe("cancelled");
    await new Promise((r) => setTimeout(r, 2000));
    expect(psHas("skypanel-cancel-marker")).toBe(false);
  });
});

function psHas(marker: string): boolean {
  const { execFileSync } = require("node:child_process") as typeof import("node:child_process");
  return execFileSync("ps", ["-eo", "args"], { encoding: "utf8" })
    .split("\n")
    .some((l) => l.includes(marker) && !l.includes("ps -eo"));
}
