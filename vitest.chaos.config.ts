import { defineConfig } from "vitest/config";

// `npm run chaos`: every chaos case, the CI ones (*.chaos.test.ts) and the longer ones kept out
// of CI (*.chaos-long.test.ts), one file at a time (each runs a platform and faults the machine's
// shared pieces), ending with the report's table (apps/bff/src/chaos/summary.ts).
export default defineConfig({
  test: {
    name: "chaos",
    include: ["apps/bff/src/chaos/**/*.chaos.test.ts", "apps/bff/src/chaos/**/*.chaos-long.test.ts"],
    environment: "node",
    fileParallelism: false,
    globalSetup: ["apps/bff/src/chaos/summary.ts"],
    testTimeout: 30_000,
    hookTimeout: 300_000,
  },
});
