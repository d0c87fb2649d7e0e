// Single-page apps end to end against real Nix, npm's registry and PGlite: node-vite-react is
// uploaded, its dependency layer fetched (Rolldown's and Lightning CSS's native bindings come in
// as optional dependencies), built offline in the sandbox, deployed in a container behind Caddy,
// and its dist/ served by SkyPanel's static server in SPA mode; a Staticfile site likewise.
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildsOnOneEngine, copyFixture, freshCopy, wrongAnswers } from "./testing.ts";

const HTML = { accept: "text/html,application/xhtml+xml,*/*;q=0.8" };

describe("a Vite single-page app (real Nix, nspawn, Caddy, PGlite)", { timeout: 300_000 }, () => {
  const builds = buildsOnOneEngine("spa", "spa@example.com", { runtime: true });

  it("node-vite-react: built for production offline, dist/ served with SPA fallback and immutable hashed assets", async () => {
    const b = await builds.build(freshCopy("node-vite-react"));
    expect(b.build.status, b.log).toBe("succeeded");
    expect(b.build.plan).toMatchObject({
      framework: "vite",
      build: "npm run build",
      processes: { web: "node .skypanel/static-server.mjs --spa dist" },
    });
    expect(b.log).toMatch(/vite v8\.\S+ building .*for production/);
    expect(b.log).toMatch(/serving dist\/ as a single-page app/);

    const assets = readdirSync(join(b.store, "app", "dist", "assets"));
    const script = assets.find((f) => /^index-[A-Za-z0-9_-]{8}\.js$/.test(f));
    expect(script, assets.join(", ")).toBeDefined();
    // Built with NODE_ENV=production: React's production build (~220 kB here), not its development one (~430 kB).
    expect(statSync(join(b.store, "app", "dist", "assets", script as string)).size).toBeLessThan(320_000);
    expect(readFileSync(join(b.store, "app", "dist", "index.html"), "utf8")).toContain(`/assets/${script}`);

    expect(wrongAnswers(await builds.throughCaddy(b, { count: 30 }), "hello from node-vite-react")).toEqual([]);
    const home = await builds.request(b, "/", HTML);
    expect(home.headers["cache-control"]).toBe("no-cache");
    const route = await builds.request(b, "/some/client/route", HTML);
    expect(route.status).toBe(200);
    expect(route.body).toBe(home.body);
    expect((await builds.request(b, "/assets/missing-abc123.js")).status).toBe(404);
    const asset = await builds.request(b, `/assets/${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(asset.headers["cache-control"]).toBe("public, max-age=31536000, immutable");

    // A source-only change rebuilds on the same dependency layer, and the new release serves.
    const dir = freshCopy("node-vite-react");
    const page = join(dir, "src", "App.jsx");
    writeFileSync(page, readFileSync(page, "utf8").replace("hello from node-vite-react", "hello again from node-vite-react"));
    const warm = await builds.build(dir, b.app);
    expect(warm.build.status, warm.log).toBe("succeeded");
    expect(warm.build.cacheHit).toBe(true);
    expect(warm.build.cacheKey).toBe(b.build.cacheKey);
    const script2 = readdirSync(join(warm.store, "app", "dist", "assets")).find((f) => /^index-.*\.js$/.test(f)) ?? "";
    expect(readFileSync(join(warm.store, "app", "dist", "assets", script2), "utf8")).toContain("hello again from node-vite-react");
    expect(
      wrongAnswers(await builds.throughCaddy(warm, { path: `/assets/${script2}`, count: 10 }), "hello again from node-vite-react"),
    ).toEqual([]);
  });

  it("static-staticfile: the Staticfile's root shipped alone and served with pushstate's SPA fallback", async () => {
    const b = await builds.build(copyFixture("static-staticfile"));
    expect(b.build.status, b.log).toBe("succeeded");
    expect(b.build.plan).toMatchObject({ stack: "static", processes: { web: "node .skypanel/static-server.mjs --spa site" } });
    expect(readdirSync(join(b.store, "app")).sort()).toEqual([".skypanel", "site"]);

    expect(
      wrongAnswers(await builds.throughCaddy(b, { path: "/deep/link", count: 30, headers: HTML }), "hello from static-staticfile"),
    ).toEqual([]);
    expect((await builds.request(b, "/app.js")).headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect((await builds.request(b, "/Staticfile")).status).toBe(404);
  });
});
