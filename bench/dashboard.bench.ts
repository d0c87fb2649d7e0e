// The dashboard in a real browser (Debian's Chromium through Playwright), against the platform
// started as the README starts it (PGlite, process runtime): how much JavaScript the app list
// costs, how fast a 1,000-app account's list shows and filters, and how a 100,000-line live log
// behaves. Peers in the same run: the API call under the list, and the same log at 1,000 lines.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { chromium, type Page } from "@playwright/test";
import { freePort } from "@skypanel/engine/router-testing";
import { scriptsLoaded } from "../apps/web/e2e/scripts-loaded.ts";
import { seedApps } from "./app-list.bench.ts";
import { logBenchmark } from "./dashboard-logs.ts";
import { login, ROOT, startPlatform } from "./harness.ts";

export interface DashboardRow {
  benchmark: string;
  value: number;
  unit: string;
  runs: number[];
  note?: string;
}

const RUNS = Number(process.env.BENCH_DASHBOARD_RUNS ?? 5);
const BUDGET_KB = 250;
const progress = (line: string) => console.error(`[dashboard bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** The production build the platform serves, built from the sources as they are (it takes seconds). */
function buildDashboard() {
  progress("building the dashboard (vite build)");
  execFileSync("npx", ["vite", "build"], { cwd: join(ROOT, "apps/web"), stdio: "ignore" });
}

export async function logIn(page: Page, url: string) {
  await page.goto(`${url}/login`);
  await page.getByLabel("Email").fill("bench@example.com");
  await page.getByLabel("Password").fill("bench-password");
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL(/\/paas\/apps$/);
}

export async function dashboardBenchmark(): Promise<DashboardRow[]> {
  buildDashboard();
  const platform = await startPlatform(3393, {
    SKYPANEL_RUNTIME: "process",
    SKYPANEL_HTTP_PORT: String(await freePort()),
    SKYPANEL_STOP_APPS_ON_EXIT: "1",
  });
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu"] });
  const rows: DashboardRow[] = [];
  try {
    const token = await login(platform.url);
    progress("seeding 1,000 apps");
    await seedApps(platform.url, token, 1000);
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await logIn(page, platform.url);

    // A cold load each run: a new context has an empty cache.
    const bundle: number[] = [];
    const shown: number[] = [];
    const api: number[] = [];
    const filtered: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const context = await browser.newContext({ storageState: await page.context().storageState() });
      const cold = await context.newPage();
      const started = performance.now();
      const bytes = await scriptsLoaded(cold, async () => {
        await cold.goto(`${platform.url}/paas/apps`);
        await cold.getByTestId("app-card").first().waitFor();
      });
      shown.push(performance.now() - started);
      bundle.push(bytes.gzippedBytes / 1024);

      const t0 = performance.now();
      const res = await fetch(`${platform.url}/api/apps`, { headers: { authorization: `Bearer ${token}` } });
      await res.arrayBuffer();
      api.push(performance.now() - t0);

      // Typing a search: from the last key to the list showing only matches (300 ms debounce included).
      const t1 = performance.now();
      await cold.getByRole("searchbox", { name: /search/i }).fill("app-0999");
      await cold.waitForFunction(() => {
        const cards = document.querySelectorAll("[data-testid=app-card]");
        return cards.length === 1 && cards[0]?.textContent?.includes("app-0999");
      });
      filtered.push(performance.now() - t1);
      await context.close();
    }
    rows.push({
      benchmark: "JavaScript loaded for the app list (gzipped)",
      value: median(bundle),
      unit: "KB",
      runs: bundle,
      note: `budget ${BUDGET_KB} KB: ${median(bundle) <= BUDGET_KB ? "met" : "NOT met"}`,
    });
    rows.push({ benchmark: "App list, cold load → first card (1,000 apps, page 1)", value: median(shown), unit: "ms", runs: shown });
    rows.push({ benchmark: "GET /api/apps alone (peer: the API under the list)", value: median(api), unit: "ms", runs: api });
    rows.push({
      benchmark: "Search typed → only the match listed (incl. 300 ms debounce)",
      value: median(filtered),
      unit: "ms",
      runs: filtered,
    });

    rows.push(...(await logBenchmark(browser, page, platform.url, token, progress)));
  } finally {
    await browser.close();
    await platform.stop();
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await dashboardBenchmark()) console.log(r);
}
