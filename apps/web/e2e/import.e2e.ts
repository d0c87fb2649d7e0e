import { request as httpRequest } from "node:http";
import { expect, expectNoHorizontalScroll, expectNoSeriousA11yViolations, signInAsAdmin, test } from "./fixtures.ts";
import { HEROKU_APP, HEROKU_STAND_IN_TOKEN } from "./heroku-stand-in.ts";

// The migration wizard against the Heroku STAND-IN (Heroku is not reachable here; the stand-in
// answers as its Platform API does): an app with config, web and worker processes, a PostgreSQL
// add-on whose backup holds rows, and a custom domain. The platform rebuilds it from its slug,
// restores the rows, and serves it through Caddy; every request to it is counted.

const APPS_PORT = 3311;
const REQUESTS = 20;

/** GET through the platform's Caddy, as the browser would reach http://<app>.localhost:3311/. */
function throughCaddy(host: string, path = "/"): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port: APPS_PORT, path, headers: { host }, timeout: 10_000 }, (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", reject);
    req.end();
  });
}

async function planTheImport(page: import("@playwright/test").Page) {
  await page.goto("/paas/import");
  await page.getByRole("textbox", { name: "Heroku API token" }).fill(HEROKU_STAND_IN_TOKEN);
  await page.getByRole("button", { name: "List my Heroku apps" }).click();
  // Three apps over two pages of the stand-in's Range pagination.
  await expect(page.getByTestId("token-accepted")).toContainText("it sees 3 apps");
  await page.getByRole("radio", { name: HEROKU_APP }).check();
  await page.getByRole("button", { name: "Plan the import" }).click();
  await expect(page.getByTestId("plan-comparison")).toBeVisible({ timeout: 30_000 });
}

test("the Heroku import wizard: plan side by side, import live, the app serves Heroku's rows; a clashing name makes nothing; roll back", async ({
  page,
}) => {
  test.setTimeout(420_000);
  await signInAsAdmin(page);

  await test.step("from the navigation: the token, the app list, the plan side by side", async () => {
    await page.getByRole("link", { name: "Import from Heroku" }).click();
    await expect(page).toHaveURL(/\/paas\/import$/);
    await planTheImport(page);
    const comparison = page.getByTestId("plan-comparison");
    await expect(comparison).toContainText("heroku-postgresql");
    await expect(comparison).toContainText("GREETING");
    await expect(comparison).toContainText("worker");
    await expect(comparison).toContainText(`www.${HEROKU_APP}.example.com`);
    await expect(page.getByTestId("plan-unsupported")).toContainText("papertrail");
    await expect(page.getByTestId("plan-creates")).toContainText(HEROKU_APP);
    await expectNoSeriousA11yViolations(page);
    await page.setViewportSize({ width: 375, height: 800 });
    await expectNoHorizontalScroll(page);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  let importUrl = "";
  await test.step("the import runs with live steps, then shows the URL and the DNS record", async () => {
    await page.getByRole("button", { name: "Start the import" }).click();
    await expect(page).toHaveURL(/\/paas\/import\/[0-9a-f-]{36}$/);
    importUrl = page.url();
    const progress = page.getByTestId("import-progress");
    await expect(progress).toHaveAttribute("data-status", "running");
    await expect(progress).toHaveAttribute("data-status", /succeeded|failed/, { timeout: 300_000 });
    await expect(page.getByTestId("import-error")).toHaveCount(0);
    await expect(progress).toHaveAttribute("data-status", "succeeded");
    await expect(page.getByTestId("import-step")).toHaveCount(9);
    await expect(page.getByTestId("dns-row")).toHaveText([
      new RegExp(`www\\.${HEROKU_APP}\\.example\\.com.*CNAME.*${HEROKU_APP}\\.localhost`),
    ]);
    await expect(page.getByTestId("import-url")).toHaveText(`http://${HEROKU_APP}.localhost:${APPS_PORT}/`);
    await expectNoSeriousA11yViolations(page);
  });

  await test.step("the imported app answers every request, and reads Heroku's rows through DATABASE_URL", async () => {
    const host = `${HEROKU_APP}.localhost`;
    const statuses: number[] = [];
    for (let i = 0; i < REQUESTS; i++) statuses.push((await throughCaddy(host)).status);
    expect(statuses).toEqual(Array(REQUESTS).fill(200));
    const notes = await throughCaddy(host, "/notes");
    expect(notes.status).toBe(200);
    expect(JSON.parse(notes.body)).toEqual(["bought on Heroku", "kept across the move", "read through DATABASE_URL"]);
    // And in the browser, at the address the result page links to.
    await page.goto(`http://${host}:${APPS_PORT}/`);
    await expect(page.locator("body")).toContainText("from the imported app");
    await expect(page.locator("body")).not.toContainText("no GREETING");
  });

  await test.step("a second import under the same name is refused, and nothing is made", async () => {
    await planTheImport(page);
    await page.getByRole("button", { name: "Start the import" }).click();
    await expect(page.getByTestId("start-refused")).toContainText("already taken");
    await expect(page).toHaveURL(/\/paas\/import$/);
    await expect(page.getByTestId("recent-imports").getByRole("listitem")).toHaveCount(1);
    const apps = await page.request.get("/api/apps");
    expect(((await apps.json()) as { apps: { name: string }[] }).apps.map((a) => a.name)).toEqual([HEROKU_APP]);
  });

  await test.step("rolling back, confirmed by the app's name, removes the app: Caddy no longer serves it", async () => {
    await page.goto(importUrl);
    await page.getByRole("button", { name: "Roll back…" }).click();
    const dialog = page.getByRole("dialog", { name: `Roll back the import of ${HEROKU_APP}?` });
    await dialog.getByRole("textbox", { name: `Type ${HEROKU_APP} to confirm` }).fill(HEROKU_APP);
    await dialog.getByRole("button", { name: "Roll back the import" }).click();
    await expect(page.getByTestId("import-rolled-back")).toBeVisible({ timeout: 60_000 });
    // Its instances stop right after the delete; the route goes with them.
    await expect.poll(async () => (await throughCaddy(`${HEROKU_APP}.localhost`)).status, { timeout: 30_000 }).toBe(404);
    const apps = await page.request.get("/api/apps");
    expect(((await apps.json()) as { apps: unknown[] }).apps).toEqual([]);
  });
});
