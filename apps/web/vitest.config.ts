import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    name: "web",
    include: ["src/**/*.test.{ts,tsx}"],
    environment: "happy-dom",
    setupFiles: ["src/test/setup.ts"],
    passWithNoTests: false,
    // Room for several 5 s Testing Library waits (src/test/setup.ts) on a busy machine.
    testTimeout: 20_000,
  },
});
