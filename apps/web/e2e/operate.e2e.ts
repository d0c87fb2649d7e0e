import { createApp, expect, expectNoHorizontalScroll, expectNoSeriousA11yViolations, openTab, signInAsAdmin, test } from "./fixtures.ts";

// Operating an app from the browser, end to end, against the platform started as the README
// starts it (PGlite, Caddy, real Nix builds): create → deploy by archive upload → watch the build
// log stream in → 200 at the app's URL → runtime logs arriving live → scale web to 2 → roll back
// to the first release → metrics charts with data → delete. Each step needs the one before it.

/** Both widths the issue names: a phone and a desktop. Each page checked must fit the phone. */
async function fitsAPhone(page: import("@playwright/test").Page) {
  await page.setViewportSize({ width: 375, height: 800 });
  await expectNoHorizontalScroll(page);
  await page.setViewportSize({ width: 1280, height: 800 });
}

test("operate an app: upload → build log → URL 200 → live logs → scale 2 → roll back → metrics → delete", async ({
  page,
  packFixture,
  appName,
}) => {
  test.setTimeout(540_000);
  const archive = packFixture("node-npm-express");

  await test.step("sign in and create the app", async () => {
    await signInAsAdmin(page);
    await createApp(page, appName);
  });

  await test.step("upload the archive with 'Deploy when the build succeeds' ticked; the build log streams in live", async () => {
    await openTab(page, "Deployments");
    await page.locator("label").filter({ hasText: "Upload archive" }).click();
    await page.getByLabel("Choose an archive").setInputFiles(archive);
    await expect(page.getByRole("checkbox", { name: /Deploy when the build succeeds/ })).toBeChecked();
    await page.getByRole("button", { name: "Start build" }).click();
    await expect(page).toHaveURL(/\/builds\/[0-9a-f-]{36}$/);
    await expect(page.getByTestId("build-deployment")).toContainText("Deploys when the build succeeds");
    // Lines arrive while the build runs: the count grows past one before the build ends.
    const log = page.getByTestId("build-log");
    await expect(log.getByTestId("log-line").first()).toBeVisible({ timeout: 60_000 });
    await expect(page.getByTestId("build-status")).toHaveAttribute("data-status", "succeeded", { timeout: 180_000 });
    await expect(page.getByTestId("log-connection")).toHaveAttribute("data-state", "finished");
    const deployment = page.getByTestId("build-deployment").getByTestId("deployment-status");
    await expect(deployment).toHaveAttribute("data-status", /succeeded|failed/, { timeout: 120_000 });
    await expect(deployment).toHaveAttribute("data-status", "succeeded");
    await expectNoSeriousA11yViolations(page);
    await fitsAPhone(page);
  });

  let url = "";
  await test.step("the overview links the app's URL, which answers 200 through Caddy", async () => {
    await openTab(page, "Overview");
    const link = page.getByTestId("app-url");
    await expect(link).toHaveText(new RegExp(`^http://${appName}\\.`));
    url = (await link.getAttribute("href")) ?? "";
    await expect(page.getByRole("link", { name: "Open app" })).toHaveAttribute("href", url);
    const target = new URL(url);
    const response = await page.request.get(`http://127.0.0.1:${target.port || 80}/`, { headers: { Host: target.host } });
    expect(response.status()).toBe(200);
    expect(await response.text()).toContain("hello from node-npm-express");
  });

  await test.step("the Logs tab shows runtime lines arriving live: a restart's new instance says it listens", async () => {
    await openTab(page, "Logs");
    const log = page.getByTestId("app-log");
    await expect(log.getByTestId("log-connection")).toHaveAttribute("data-state", "live", { timeout: 20_000 });
    await expect(log.getByTestId("app-log-line").filter({ hasText: "listening on" })).toHaveCount(1, { timeout: 20_000 });

    // Restarting from the header starts a fresh instance, whose first line reaches the open log.
    await page.getByRole("button", { name: "Restart" }).click();
    await page
      .getByRole("dialog", { name: `Restart ${appName}?` })
      .getByRole("button", { name: "Restart all instances" })
      .click();
    await expect(log.getByTestId("app-log-line").filter({ hasText: "listening on" })).toHaveCount(2, { timeout: 90_000 });
    await expect(log.getByTestId("app-log-line").filter({ hasText: "is live" }).last()).toBeVisible({ timeout: 90_000 });

    // A search filters on the server, and the live line count follows the filter.
    await log.getByRole("searchbox", { name: "Search" }).fill("listening");
    await expect(log.getByTestId("app-log-line")).toHaveCount(2, { timeout: 10_000 });
    await log.getByRole("searchbox", { name: "Search" }).fill("");
    await expectNoSeriousA11yViolations(page);
    await fitsAPhone(page);
  });

  await test.step("scale web to 2 from the overview and see two healthy instances", async () => {
    await openTab(page, "Overview");
    const scale = page.getByRole("form", { name: "Scale" });
    await expect(scale.getByRole("spinbutton", { name: "web instances" })).toHaveValue("1", { timeout: 30_000 });
    await scale.getByRole("button", { name: "One more web instance" }).click();
    await scale.getByRole("button", { name: "Save scale" }).click();
    await expect(page.getByTestId("toast-success").filter({ hasText: "Scaled web to 2." })).toBeVisible();
    const healthy = page.getByTestId("instance-row").filter({ has: page.locator("[data-testid=health-status][data-status=healthy]") });
    await expect(healthy).toHaveCount(2, { timeout: 60_000 });
    await expectNoSeriousA11yViolations(page);
    await fitsAPhone(page);
  });

  await test.step("deploy the build again (v2), then roll back to v1 after confirming", async () => {
    await openTab(page, "Deployments");
    const form = page.getByRole("form", { name: "Deploy a build" });
    await form.getByRole("button", { name: "Deploy" }).click();
    const newest = page.getByTestId("deployment-row").first();
    await expect(newest.getByTestId("deployment-release")).toHaveText("v2", { timeout: 60_000 });
    // The new deployment opens to its steps by itself; they appear as the engine runs them.
    await expect(newest.getByTestId("deployment-detail")).toBeVisible();
    await expect(newest.getByTestId("deployment-status")).toHaveAttribute("data-status", "succeeded", { timeout: 120_000 });
    await expect(newest.locator("[data-testid=deployment-step][data-status=succeeded]").filter({ hasText: "switch" })).toHaveCount(1);

    await page.getByTestId("release-row").filter({ hasText: "v1" }).getByRole("button", { name: "Roll back to v1" }).click();
    const dialog = page.getByRole("dialog", { name: "Roll back to v1?" });
    await dialog.getByRole("button", { name: "Roll back to v1" }).click();
    const rollback = page.getByTestId("deployment-row").first();
    await expect(rollback).toContainText("Rollback", { timeout: 30_000 });
    await expect(rollback.getByTestId("deployment-status")).toHaveAttribute("data-status", "succeeded", { timeout: 120_000 });
    await expect(page.getByTestId("release-row").first()).toContainText("Rollback to v1");
    await expect(page.getByTestId("release-row").first().getByTestId("release-current")).toBeVisible();
    const target = new URL(url);
    const response = await page.request.get(`http://127.0.0.1:${target.port || 80}/`, { headers: { Host: target.host } });
    expect(response.status()).toBe(200);
    await expectNoSeriousA11yViolations(page);
  });

  await test.step("the Metrics tab charts CPU, memory, instances and requests from collected samples", async () => {
    await openTab(page, "Metrics");
    // Samples are taken every 10 s; the tab refreshes itself, so the charts fill in without a reload.
    for (const chart of ["CPU", "Memory", "Instances"]) {
      await expect(page.getByRole("region", { name: chart }).locator(".recharts-surface")).toBeVisible({ timeout: 45_000 });
    }
    // The GETs above went through Caddy, whose access log feeds the request charts.
    const requests = page.getByRole("region", { name: "Requests per second" });
    await expect(requests.locator(".recharts-surface")).toBeVisible({ timeout: 45_000 });
    await expect(requests).not.toContainText("No requests in this range");
    await expectNoSeriousA11yViolations(page);
    await fitsAPhone(page);
  });

  await test.step("delete the app after typing its name; its URL stops answering", async () => {
    await openTab(page, "Settings");
    const zone = page.getByTestId("danger-zone");
    const remove = zone.getByRole("button", { name: "Delete app" });
    await expect(remove).toBeDisabled();
    await zone.getByLabel(`Type ${appName} to confirm`).fill(appName);
    await remove.click();
    await expect(page).toHaveURL(/\/paas\/apps$/);
    await expect(page.getByTestId("app-card").filter({ hasText: appName })).toHaveCount(0);
    const target = new URL(url);
    await expect
      .poll(
        async () =>
          (
            await page.request.get(`http://127.0.0.1:${target.port || 80}/`, { headers: { Host: target.host }, failOnStatusCode: false })
          ).status(),
        { timeout: 30_000 },
      )
      .not.toBe(200);
  });
});
