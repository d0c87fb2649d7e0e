import { expect, signInAsAdmin, test } from "./fixtures.ts";
import { scriptsLoaded } from "./scripts-loaded.ts";

// The budget: routes are code-split, so opening the app list costs at most 250 KB of
// gzipped JavaScript. Measured on a cold load (a new browser context has an empty cache).
const BUDGET_BYTES = 250 * 1024;

test("the app list loads at most 250 KB of gzipped JavaScript, and none of the charts or log viewer", async ({ page, browser }) => {
  await signInAsAdmin(page);
  const cold = await browser.newContext({ storageState: await page.context().storageState() });
  const list = await cold.newPage();
  const loaded = await scriptsLoaded(list, async () => {
    await list.goto("/paas/apps");
    await expect(list.getByRole("heading", { name: /^Apps/ })).toBeVisible();
    await list.waitForLoadState("networkidle");
  });
  test.info().annotations.push({
    type: "app list JavaScript",
    description: `${(loaded.gzippedBytes / 1024).toFixed(1)} KB gzipped in ${loaded.files.length} files`,
  });
  expect(loaded.gzippedBytes, `scripts: ${loaded.files.join(", ")}`).toBeLessThanOrEqual(BUDGET_BYTES);
  expect(loaded.gzippedBytes).toBeGreaterThan(0);
  // The heavy tabs are their own chunks, fetched only when opened.
  expect(loaded.files.filter((f) => /^(MetricsDashboard|LogViewer|AppSettings|BuildPage|AddonsTab)-/.test(f))).toEqual([]);
  await cold.close();
});
