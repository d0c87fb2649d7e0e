import {
  buildArchive,
  createApp,
  expect,
  expectNoHorizontalScroll,
  expectNoSeriousA11yViolations,
  openTab,
  signInAsAdmin,
  test,
} from "./fixtures.ts";

// Run and route, through the browser: build the Express fixture, deploy it from the Deployments
// tab, watch the deployment's steps until it succeeds, then find a healthy web instance on the
// overview and the app answering at its URL through the platform's router (Caddy).

test("deploy a succeeded build, see it running and healthy, and reach it at its URL", async ({ page, packFixture, appName }) => {
  test.setTimeout(360_000);
  const archive = packFixture("node-npm-express");

  await test.step("sign in, create an app and build the Express fixture", async () => {
    await signInAsAdmin(page);
    await createApp(page, appName);
    await buildArchive(page, archive);
  });

  await test.step("deploy the build from the Deployments tab and follow its steps until it succeeds", async () => {
    await openTab(page, "Deployments");
    const form = page.getByRole("form", { name: "Deploy a build" });
    await expect(form.getByLabel("Build")).toContainText("#1");
    await form.getByLabel("Strategy").selectOption("rolling");
    await form.getByRole("button", { name: "Deploy" }).click();

    const row = page.getByTestId("deployment-row").first();
    // The new deployment opens to its steps by itself; they appear as the engine runs them.
    await expect(row.getByTestId("deployment-detail")).toBeVisible();
    await expect(row.getByTestId("deployment-step").first()).toBeVisible({ timeout: 30_000 });
    await expect(row.getByTestId("deployment-status")).toHaveAttribute("data-status", /succeeded|failed|rolled_back/, { timeout: 90_000 });
    const error = row.getByTestId("deployment-error");
    expect(await error.count(), `the deployment did not succeed: ${await error.allTextContents()}`).toBe(0);
    await expect(row.getByTestId("deployment-status")).toHaveAttribute("data-status", "succeeded");
    await expect(row.getByTestId("deployment-release")).toHaveText("v1");
    await expect(row.locator("[data-testid=deployment-step][data-status=succeeded]").filter({ hasText: "switch" })).toHaveCount(1);
    await expect(page.getByTestId("release-row").filter({ hasText: "v1" }).getByTestId("release-current")).toBeVisible();

    await expectNoSeriousA11yViolations(page);
    await page.setViewportSize({ width: 375, height: 800 });
    await expectNoHorizontalScroll(page);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  let url = "";
  await test.step("the overview shows the URL, the current release and a running, healthy web instance", async () => {
    await openTab(page, "Overview");
    const link = page.getByTestId("app-url");
    await expect(link).toHaveText(new RegExp(`^http://${appName}\\.`));
    url = (await link.getAttribute("href")) ?? "";
    await expect(page.getByTestId("current-release")).toContainText("v1");

    const web = page.getByTestId("instance-row").filter({ hasText: "web" }).first();
    await expect(web.getByTestId("instance-status")).toHaveAttribute("data-status", "running", { timeout: 30_000 });
    await expect(web.getByTestId("health-status")).toHaveAttribute("data-status", "healthy", { timeout: 30_000 });
    await expect(web.getByTestId("instance-release")).toHaveText("v1");

    await expectNoSeriousA11yViolations(page);
    await page.setViewportSize({ width: 375, height: 800 });
    await expectNoHorizontalScroll(page);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  await test.step("the app answers at its URL through the router", async () => {
    // Browsers resolve *.localhost to this machine; Node's resolver may not, so ask the router
    // on the loopback address and name the app in the Host header, as the browser would.
    const target = new URL(url);
    const response = await page.request.get(`http://127.0.0.1:${target.port || 80}/`, { headers: { Host: target.host } });
    expect(response.status()).toBe(200);
    expect(await response.text()).toContain("hello from node-npm-express");
  });

  await test.step("scaling web to 0 from the overview stops the instance", async () => {
    const scale = page.getByRole("form", { name: "Scale" });
    await expect(scale.getByRole("spinbutton", { name: "web instances" })).toHaveValue("1");
    await scale.getByRole("button", { name: "One fewer web instance" }).click();
    await scale.getByRole("button", { name: "Save scale" }).click();
    await expect(page.getByTestId("toast-success").filter({ hasText: "Scaled web to 0." })).toBeVisible();
    await expect(scale.getByRole("spinbutton", { name: "web instances" })).toHaveValue("0");
    await expect(page.getByTestId("instances-empty")).toBeVisible({ timeout: 30_000 });
  });
});
