import { configDefaults, defineConfig } from "vitest/config";
import SlowFirstSequencer from "./vitest.sequencer.ts";

// One run covers every workspace; each project keeps its own environment.
export default defineConfig({
  test: {
    // More files than cores: most wait on PostgreSQL, Nix, Caddy, containers or a package index
    // much of the time (two workers kept each busy ~87 % of the run while the run neared its
    // 20-minute budget); a third fills those waits, and the CPU is then nearly always busy (vmstat).
    // No test asserts on timing.
    maxWorkers: 3,
    sequence: { sequencer: SlowFirstSequencer },
    projects: [
      {
        test: {
          name: "server",
          include: ["packages/*/src/**/*.test.ts", "apps/bff/src/**/*.test.ts"],
          // Chaos cases too long for CI run only with `npm run chaos` (vitest.chaos.config.ts).
          exclude: [...configDefaults.exclude, "**/*.chaos-long.test.ts"],
          environment: "node",
          // A worker keeps the modules it has loaded from file to file: every file imports the
          // engine's whole graph, and loading it afresh per file cost ~330 s of the run's CPU
          // (vitest's "import" time) on 2 cores. Files still get their own engines, databases and
          // homes; none changes a module's state for the next (process.env changes are restored).
          isolate: false,
          // PGlite boots a whole PostgreSQL in WebAssembly; give set-up room on 2 cores.
          testTimeout: 30_000,
          hookTimeout: 120_000,
        },
      },
      "apps/web/vitest.config.ts",
    ],
  },
});
