import { defineConfig } from "vitest/config";

// One run covers every workspace; each project keeps its own environment.
export default defineConfig({
  test: {
    // Both cores: most files wait on PostgreSQL, Nix, Caddy or containers much of the time, and the
    // default (one worker on a 2-core machine) left the run near its 20-minute budget.
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: "server",
          include: ["packages/*/src/**/*.test.ts", "apps/bff/src/**/*.test.ts"],
          environment: "node",
          // PGlite boots a whole PostgreSQL in WebAssembly; give set-up room on 2 cores.
          testTimeout: 30_000,
          hookTimeout: 120_000,
        },
      },
      "apps/web/vitest.config.ts",
    ],
  },
});
