import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { test as base, expect, type Page } from "@playwright/test";

// What the browser tests share. Every test file in a run talks to the same platform, so the
// first one to arrive sets it up and the others log in as the same admin.

export const admin = { name: "Ada Admin", email: "ada@example.com", password: "correct horse battery" };

/**
 * Signs in as the platform's admin: through set-up when the platform is fresh (the first
 * visitor is sent there), by logging in when another test already set it up.
 */
export async function signInAsAdmin(page: Page): Promise<"setup" | "login"> {
  await page.goto("/");
  await expect(page).toHaveURL(/\/(setup|login)$/);
  if (new URL(page.url()).pathname === "/setup") {
    await page.getByLabel("Name").fill(admin.name);
    await page.getByLabel("Email").fill(admin.email);
    await page.getByLabel("Password").fill(admin.password);
    await page.getByRole("button", { name: "Create administrator" }).click();
    await expect(page).toHaveURL(/\/paas\/apps$/);
    return "setup";
  }
  await page.getByLabel("Email").fill(admin.email);
  await page.getByLabel("Password").fill(admin.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL(/\/paas\/apps$/);
  return "login";
}

export async function expectNoSeriousA11yViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`)).toEqual([]);
}

export async function expectNoHorizontalScroll(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

/** Creates an app through the dashboard's dialog; the page lands on the app's overview. */
export async function createApp(page: Page, name: string) {
  await page.goto("/paas/apps");
  await page.getByRole("button", { name: "Create app" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Create an app" });
  await dialog.getByLabel("App name").fill(name);
  await dialog.getByRole("button", { name: "Create app" }).click();
  await expect(page).toHaveURL(new RegExp(`/paas/apps/${name}$`));
}

/** Opens one of the app's tabs (Overview, Deployments…) from the tab bar. */
export async function openTab(page: Page, tab: string) {
  await page.getByRole("navigation", { name: "App sections" }).getByRole("link", { name: tab, exact: true }).click();
}

/** Deletes an app through the REST face with the page's session (its CSRF token from the cookie). */
export async function deleteApp(page: Page, name: string) {
  const csrf = (await page.context().cookies()).find((c) => c.name === "skypanel_csrf")?.value;
  if (!csrf) return;
  const response = await page.request.delete(`/api/apps/${encodeURIComponent(name)}`, { headers: { "x-csrf-token": csrf } });
  expect([200, 204, 404]).toContain(response.status());
}

const FIXTURE_APPS = resolve("packages/engine/fixtures/apps");

export const test = base.extend<{
  /** A .tar.gz of packages/engine/fixtures/apps/<name>, packed for this test and removed after. */
  packFixture: (name: string) => string;
  /** A fresh app name; the app, if the test made it, is deleted after the test. */
  appName: string;
}>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures name what they use by destructuring; this one uses nothing.
  packFixture: async ({}, use) => {
    const dir = mkdtempSync(join(tmpdir(), "skypanel-e2e-"));
    await use((name) => {
      const file = join(dir, `${name}.tar.gz`);
      execFileSync("tar", ["-czf", file, "-C", join(FIXTURE_APPS, name), "."]);
      return file;
    });
    rmSync(dir, { recursive: true, force: true });
  },
  appName: async ({ page }, use, testInfo) => {
    const name = `e2e-${testInfo.workerIndex}-${Date.now().toString(36)}`;
    await use(name);
    await deleteApp(page, name);
  },
});

export { expect };
