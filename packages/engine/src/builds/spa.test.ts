// Single-page apps end to end against real Nix, npm's registry and PGlite: node-vite-react is
// uploaded, its dependency layer fetched (Rolldown's and Lightning CSS's native bindings come in
// as optional dependencies), built offline in the sandbox, and its dist/ served by SkyPanel's
// static server in SPA mode from the store path; a Staticfile site with pushstate likewise.
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../actor.ts";
import { httpGet } from "../router/testing.ts";
import { createTestEngine, type TestEngine } from "../testing.ts";
import { copyFixture, freePort, startProcess, stopProcess, uploadDir, waitForBuild } from "./testing.ts";

const HTML = "text/html,application/xhtml+xml,*/*;q=0.8";

/** A request to the static server under test, on a fresh connection. */
const get = (port: number, path: string, accept = "*/*") => httpGet({ port, host: "localhost", path, headers: { accept } });

describe("a Vite single-page app (real Nix, PGlite)", { timeout: 300_000 }, () => {
  let t: TestEngine;
  let alice: Actor;
  beforeAll(async () => {
    t = await createTestEngine("pglite", { builds: { concurrency: 1, timeoutMs: 5 * 60_000 } });
    await t.engine.start();
    alice = await t.user("spa@example.com");
  });
  afterAll(async () => {
    await t.close();
  });

  it("node-vite-react: built for production offline, dist/ served with SPA fallback and immutable hashed assets", async () => {
    await t.engine.apps.create(alice, { name: "spa" });
    // A file only this run has, so Nix really builds the app instead of reusing an earlier result.
    const dir = copyFixture("node-vite-react");
    writeFileSync(join(dir, "nonce.txt"), `${Date.now()}-${Math.random()}`);
    const queued = await t.engine.builds.create(alice, "spa", uploadDir(t.home, dir));
    const build = await waitForBuild(t.engine, alice, "spa", queued.id);
    const log = (await t.engine.builds.log(alice, "spa", build.id)).lines.map((l) => l.text).join("\n");
    expect(build.status, log).toBe("succeeded");
    expect(build.plan).toMatchObject({
      framework: "vite",
      build: "npm run build",
      processes: { web: "node .skypanel/static-server.mjs --spa dist" },
    });
    expect(log).toMatch(/vite v8\.\S+ building .*for production/);
    expect(log).toMatch(/serving dist\/ as a single-page app/);

    const store = build.storePath ?? "";
    const assets = readdirSync(join(store, "app", "dist", "assets"));
    const script = assets.find((f) => /^index-[A-Za-z0-9_-]{8}\.js$/.test(f));
    expect(script, assets.join(", ")).toBeDefined();
    // Built with NODE_ENV=production: React's production build (~220 kB here), not its development one (~430 kB).
    expect(statSync(join(store, "app", "dist", "assets", script as string)).size).toBeLessThan(320_000);
    expect(readFileSync(join(store, "app", "dist", "index.html"), "utf8")).toContain(`/assets/${script}`);

    const port = await freePort();
    const web = startProcess(store, "node .skypanel/static-server.mjs --spa dist", port);
    try {
      let home: Awaited<ReturnType<typeof get>> | null = null;
      for (let i = 0; i < 50 && home === null; i++) {
        home = await get(port, "/", HTML).catch(() => null);
        if (home === null) await new Promise((r) => setTimeout(r, 100));
      }
      expect(home?.status).toBe(200);
      expect(home?.body).toContain("hello from node-vite-react");
      expect(home?.headers["cache-control"]).toBe("no-cache");

      const route = await get(port, "/some/client/route", HTML);
      expect(route.status).toBe(200);
      expect(route.body).toBe(home?.body);

      expect((await get(port, "/assets/missing-abc123.js")).status).toBe(404);

      const asset = await get(port, `/assets/${script}`);
      expect(asset.status).toBe(200);
      expect(asset.headers["content-type"]).toBe("text/javascript; charset=utf-8");
      expect(asset.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    } finally {
      stopProcess(web);
    }
  });

  it("static-staticfile: the Staticfile's root shipped alone and served with pushstate's SPA fallback", async () => {
    await t.engine.apps.create(alice, { name: "staticfile" });
    const queued = await t.engine.builds.create(alice, "staticfile", uploadDir(t.home, copyFixture("static-staticfile")));
    const build = await waitForBuild(t.engine, alice, "staticfile", queued.id);
    expect(build.status).toBe("succeeded");
    expect(build.plan).toMatchObject({ stack: "static", processes: { web: "node .skypanel/static-server.mjs --spa site" } });
    const store = build.storePath ?? "";
    expect(readdirSync(join(store, "app")).sort()).toEqual([".skypanel", "site"]);

    const port = await freePort();
    const web = startProcess(store, "node .skypanel/static-server.mjs --spa site", port);
    try {
      let route: Awaited<ReturnType<typeof get>> | null = null;
      for (let i = 0; i < 50 && route === null; i++) {
        route = await get(port, "/deep/link", HTML).catch(() => null);
        if (route === null) await new Promise((r) => setTimeout(r, 100));
      }
      expect(route).toMatchObject({ status: 200, body: expect.stringContaining("hello from static-staticfile") });
      expect((await get(port, "/app.js")).headers["content-type"]).toBe("text/javascript; charset=utf-8");
      expect((await get(port, "/Staticfile")).status).toBe(404);
    } finally {
      stopProcess(web);
    }
  });
});
