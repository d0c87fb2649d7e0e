import { rmSync } from "node:fs";
import { resolve } from "node:path";
import { defineConfig, devices } from "@playwright/test";
import { HEROKU_APP, HEROKU_STAND_IN_PORT, HEROKU_STAND_IN_TOKEN } from "./apps/web/e2e/heroku-stand-in.ts";

// The platform under test keeps its data here; every run starts from an empty platform.
// Workers load this file too, and must not wipe the home of the server already running.
const home = resolve("apps/web/.skypanel-e2e");
// biome-ignore lint/suspicious/noUndeclaredEnvVars: Playwright sets it in its workers; it is no build input.
if (!process.env.TEST_WORKER_INDEX) rmSync(home, { recursive: true, force: true });

const PORT = 3310;
/** Where the platform's Caddy serves the apps the tests deploy. */
const APPS_PORT = 3311;
const APPS_HTTPS_PORT = 3312;
/** The Heroku STAND-IN (Heroku is not reachable here) the import wizard's test imports from. */
const HEROKU_PORT = HEROKU_STAND_IN_PORT;

export default defineConfig({
  testDir: "apps/web/e2e",
  testMatch: "*.e2e.ts",
  workers: 1,
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        // Debian's Chromium; Playwright's own browser download is not reachable here.
        launchOptions: {
          executablePath: "/usr/bin/chromium",
          args: [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
          ],
        },
      },
    },
  ],
  webServer: [
    {
      command: `node --import tsx packages/engine/src/imports/notes-stand-in-main.ts --port ${HEROKU_PORT} --dir apps/web/.heroku-stand-in --token ${HEROKU_STAND_IN_TOKEN} --app ${HEROKU_APP}`,
      cwd: resolve("."),
      // Answers 401 to a request without the token: it is up.
      url: `http://127.0.0.1:${HEROKU_PORT}/apps`,
      timeout: 60_000,
      reuseExistingServer: false,
      stdout: "pipe",
      stderr: "pipe",
      gracefulShutdown: { signal: "SIGTERM", timeout: 5_000 },
    },
    // Started the way the README starts the platform: embedded PGlite, SPA and API on one port.
    {
      command: "npm start",
      cwd: resolve("."),
      url: `http://127.0.0.1:${PORT}/healthz`,
      timeout: 180_000,
      reuseExistingServer: false,
      stdout: "pipe",
      stderr: "pipe",
      env: {
        SKYPANEL_PORT: String(PORT),
        SKYPANEL_HOME: home,
        DATABASE_URL: "",
        // Apps of the run answer on their own port, and go with the platform when the run ends.
        SKYPANEL_HTTP_PORT: String(APPS_PORT),
        SKYPANEL_STOP_APPS_ON_EXIT: "1",
        // The apps' .localhost names are served over HTTPS (local CA) too, on a port of the run's own.
        SKYPANEL_HTTPS_PORT: String(APPS_HTTPS_PORT),
        // No add-on settings: PostgreSQL add-ons go to this machine's server through the platform's
        // own role, as after the README's two commands (scripts/test.sh starts the server as up.sh does).
        // Heroku imports read the stand-in.
        SKYPANEL_HEROKU_API_URL: `http://127.0.0.1:${HEROKU_PORT}`,
        SKYPANEL_HEROKU_DATA_API_URL: `http://127.0.0.1:${HEROKU_PORT}`,
        // The stand-in's slug and backup URLs are on loopback, which requests made for users refuse unless allowed.
        SKYPANEL_OUTBOUND_ALLOW: "127.0.0.1",
      },
      // SIGTERM rather than Playwright's default SIGKILL, so the platform can stop its apps.
      gracefulShutdown: { signal: "SIGTERM", timeout: 25_000 },
    },
  ],
});
