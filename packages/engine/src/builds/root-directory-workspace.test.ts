// End to end against real Nix, npm's registry, nspawn, Caddy and PGlite: an app whose root
// directory is a member of a Node workspace (one lockfile at the workspace root, a sibling
// package it requires through a workspace link) is installed, built and run in the workspace.
import { existsSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { BuildPlan } from "../detect/plan.ts";
import { buildsOnOneEngine, copyFixture, freshCopy, wrongAnswers } from "./testing.ts";

describe("a workspace member as the app's root directory (real Nix, nspawn, Caddy, PGlite)", { timeout: 400_000 }, () => {
  const builds = buildsOnOneEngine("ws", "workspace@example.com", { runtime: true });

  it("monorepo-pnpm: apps/web is installed with the workspace's lockfile, @acme/greeting built first, and it answers with the greeting", async () => {
    const b = await builds.build<BuildPlan>(freshCopy("monorepo-pnpm"), undefined, { rootDirectory: "apps/web" });
    expect(b.build.status, b.log).toBe("succeeded");
    expect(b.plan).toMatchObject({
      stack: "nodejs",
      framework: "express",
      packageManager: "pnpm",
      build: "pnpm --filter @acme/web... run build",
      processes: { web: "cd apps/web && pnpm start" },
      workspace: { tool: "pnpm", member: "apps/web", members: ["apps/web", "packages/greeting"] },
    });
    expect(b.plan.reasons.map((r) => r.reason)).toContain(
      "workspace member apps/web of the pnpm workspace at the source root (pnpm-workspace.yaml); the whole workspace is built.",
    );
    expect(b.plan.warnings).toEqual([]);
    // pnpm folds a recursive run's output; the package it ran in, and what the build wrote, show it ran.
    expect(b.log).toMatch(/packages\/greeting build\$/);
    expect(existsSync(join(b.store, "app", "packages", "greeting", "dist", "index.js"))).toBe(true);
    // The build used @acme/greeting's devDependency; the release has none.
    expect(existsSync(join(b.store, "app", "packages", "greeting", "node_modules", "is-number"))).toBe(false);
    // The workspace link leads to the member's sources in the release, not into the store layer.
    const link = join(b.store, "app", "apps", "web", "node_modules", "@acme", "greeting");
    expect(readlinkSync(link)).toBe("../../../../packages/greeting");
    expect(existsSync(join(link, "dist", "index.js"))).toBe(true);

    expect(
      wrongAnswers(await builds.throughCaddy(b, { count: 20 }), "hello from monorepo-pnpm/apps/web, greeted by @acme/greeting"),
    ).toEqual([]);

    // A source-only change to the member rebuilds on the same dependency layer, and the new release serves.
    const dir = freshCopy("monorepo-pnpm");
    const server = join(dir, "apps", "web", "server.js");
    writeFileSync(server, readFileSync(server, "utf8").replace('greeting("monorepo-pnpm/apps/web")', 'greeting("the rebuilt apps/web")'));
    const warm = await builds.build<BuildPlan>(dir, b.app);
    expect(warm.build.status, warm.log).toBe("succeeded");
    expect(warm.build.cacheHit).toBe(true);
    expect(warm.build.cacheKey).toBe(b.build.cacheKey);
    expect(
      wrongAnswers(await builds.throughCaddy(warm, { count: 20 }), "hello from the rebuilt apps/web, greeted by @acme/greeting"),
    ).toEqual([]);
  });

  it("monorepo-npm-workspace: apps/web is installed by npm ci at the workspace root, @acme/greeting built first, and it answers with the greeting", async () => {
    const b = await builds.build<BuildPlan>(freshCopy("monorepo-npm-workspace"), undefined, { rootDirectory: "apps/web" });
    expect(b.build.status, b.log).toBe("succeeded");
    expect(b.plan).toMatchObject({
      framework: "express",
      packageManager: "npm",
      install: "npm ci",
      build: "npm run build --workspace packages/greeting",
      processes: { web: "cd apps/web && npm start" },
      workspace: { tool: "npm", member: "apps/web", members: ["apps/web", "packages/greeting"] },
    });
    expect(b.log).toMatch(/built @acme\/greeting into dist\//);
    // npm links members at the root: a real node_modules in the release, the link re-pointed at the sources.
    const link = join(b.store, "app", "node_modules", "@acme", "greeting");
    expect(readlinkSync(link)).toBe("../../packages/greeting");
    expect(existsSync(join(link, "dist", "index.js"))).toBe(true);

    expect(
      wrongAnswers(await builds.throughCaddy(b, { count: 20 }), "hello from monorepo-npm-workspace/apps/web, greeted by @acme/greeting"),
    ).toEqual([]);
  });

  it("monorepo-pnpm without a root directory: refused, naming the member to set it to", async () => {
    const b = await builds.build<BuildPlan>(copyFixture("monorepo-pnpm"));
    expect(b.build.status).toBe("failed");
    expect(b.build.error).toBe(
      "This source is the root of a pnpm workspace (pnpm-workspace.yaml) with no start script of its own. " +
        "Set the app's root directory to the member to deploy: apps/web.",
    );
    expect(b.build.stages.find((s) => s.name === "detect")?.status).toBe("failed");
  });
});
