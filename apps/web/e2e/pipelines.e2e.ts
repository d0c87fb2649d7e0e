import type { Page } from "@playwright/test";
import { createApp, deleteApp, expect, expectNoSeriousA11yViolations, openTab, signInAsAdmin, test } from "./fixtures.ts";

// The pipeline view and a promotion, end to end against the platform the config starts (PGlite,
// Caddy, real Nix): staging runs a tiny app (node-greeting says its GREETING config var), the
// pipeline is made and filled through the dashboard, Promote shows the config-key diff, and after
// confirming, production runs staging's exact build with production's own config.

/** A call to the REST face with the page's session, for set-up the test is not about. */
async function api(page: Page, method: "POST", path: string, data?: unknown) {
  const csrf = (await page.context().cookies()).find((c) => c.name === "skypanel_csrf")?.value ?? "";
  const response = await page.request.fetch(path, { method, data, headers: { "x-csrf-token": csrf } });
  expect(response.status(), `${method} ${path}: ${await response.text()}`).toBeLessThan(300);
}

/** A tRPC mutation with the page's session, whatever it answers: for clean-up that may find nothing to do. */
async function trpcMutation(page: Page, path: string, input: unknown) {
  const csrf = (await page.context().cookies()).find((c) => c.name === "skypanel_csrf")?.value ?? "";
  await page.request.post(`/api/trpc/${path}`, { data: { json: input }, headers: { "x-csrf-token": csrf }, failOnStatusCode: false });
}

/** What the app answers at its URL, asked through the platform's Caddy on loopback. */
async function answer(page: Page, url: string) {
  const target = new URL(url);
  const response = await page.request.get(`http://127.0.0.1:${target.port || 80}/`, {
    headers: { Host: target.host },
    failOnStatusCode: false,
  });
  return { status: response.status(), body: await response.text() };
}

test("a pipeline shows its stages, and Promote moves staging's build to production with production's config", async ({
  page,
  packFixture,
  appName,
}) => {
  test.setTimeout(300_000);
  const staging = `${appName}-stg`;
  const production = `${appName}-prd`;
  const pipeline = `${appName}-pl`;
  const archive = packFixture("node-greeting");

  try {
    await test.step("staging is built from an archive and deployed; production exists with its own config", async () => {
      await signInAsAdmin(page);
      await createApp(page, staging);
      await api(page, "POST", `/api/apps/${staging}/config/vars`, { vars: { GREETING: "from staging", STAGING_ONLY: "1" } });
      await api(page, "POST", "/api/apps", { name: production });
      await api(page, "POST", `/api/apps/${production}/config/vars`, { vars: { GREETING: "from production", PRODUCTION_ONLY: "1" } });

      await openTab(page, "Deployments");
      await page.locator("label").filter({ hasText: "Upload archive" }).click();
      await page.getByLabel("Choose an archive").setInputFiles(archive);
      await expect(page.getByRole("checkbox", { name: /Deploy when the build succeeds/ })).toBeChecked();
      await page.getByRole("button", { name: "Start build" }).click();
      await expect(page.getByTestId("build-status")).toHaveAttribute("data-status", "succeeded", { timeout: 180_000 });
      const deployment = page.getByTestId("build-deployment").getByTestId("deployment-status");
      await expect(deployment).toHaveAttribute("data-status", /succeeded|failed/, { timeout: 60_000 });
      await expect(deployment).toHaveAttribute("data-status", "succeeded");
    });

    await test.step("create the pipeline from the nav and put staging and production in it", async () => {
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Pipelines" }).click();
      await page.getByRole("button", { name: "Create pipeline" }).click();
      const dialog = page.getByRole("dialog", { name: "Create a pipeline" });
      await dialog.getByLabel("Pipeline name").fill(pipeline);
      await dialog.getByRole("button", { name: "Create pipeline" }).click();
      await expect(page).toHaveURL(new RegExp(`/paas/pipelines/${pipeline}$`));
      await expect(page.getByTestId("pipeline-name")).toHaveText(pipeline);

      for (const [stage, app] of [
        ["Staging", staging],
        ["Production", production],
      ] as const) {
        const form = page.getByRole("form", { name: `Add an app to ${stage}` });
        await form.getByLabel(`App for ${stage}`).selectOption(app);
        await form.getByRole("button", { name: "Add" }).click();
        await expect(page.getByRole("region", { name: stage }).getByTestId("stage-app")).toHaveAttribute("data-app", app);
      }
      const columns = page.getByTestId("pipeline-stages").getByTestId("stage");
      await expect(columns).toHaveCount(4);
      // Side by side: on a desktop the four columns share one row, left to right.
      const boxes = await Promise.all([0, 1, 2, 3].map(async (i) => (await columns.nth(i).boundingBox())?.x ?? -1));
      expect(boxes).toEqual([...boxes].sort((a, b) => a - b));
      expect(new Set(boxes).size).toBe(4);
      await expectNoSeriousA11yViolations(page);
    });

    const stagingCard = page.getByTestId("stage-app").filter({ has: page.getByRole("link", { name: staging, exact: true }) });
    const productionCard = page.getByTestId("stage-app").filter({ has: page.getByRole("link", { name: production, exact: true }) });
    let stagingVersion = "";
    await test.step("Promote on staging asks first: production's change and the config keys compared", async () => {
      await expect(stagingCard.getByTestId("release-kind")).toHaveText("build");
      stagingVersion = (await stagingCard.getByTestId("release-version").textContent()) ?? "";
      await expect(productionCard.getByText("No release yet")).toBeVisible();

      await stagingCard.getByRole("button", { name: `Promote ${staging}` }).click();
      const dialog = page.getByRole("dialog", { name: `Promote ${staging}?` });
      const target = dialog.getByTestId("promotion-target");
      await expect(target).toHaveAttribute("data-app", production);
      await expect(target.getByTestId("promotion-change")).toContainText(`no release → the build of ${staging} ${stagingVersion}`);
      await expect(target.getByTestId("config-keys-onlyInSource").getByRole("listitem")).toHaveText(["STAGING_ONLY"]);
      await expect(target.getByTestId("config-keys-onlyInTarget").getByRole("listitem")).toHaveText(["PRODUCTION_ONLY"]);
      await expect(target.getByTestId("config-keys-inBoth").getByRole("listitem")).toHaveText(["GREETING"]);
      await expect(dialog).not.toContainText("from staging");
      await expectNoSeriousA11yViolations(page);

      await dialog.getByRole("button", { name: "Promote to 1 app" }).click();
      const promotion = dialog.getByTestId("promotion");
      await expect(promotion).toHaveAttribute("data-status", "succeeded", { timeout: 90_000 });
      await expect(promotion.getByRole("link", { name: "See the deployment" })).toHaveAttribute(
        "href",
        `/paas/apps/${production}/deployments`,
      );
      await dialog.getByRole("button", { name: "Close" }).click();
    });

    await test.step("production's card shows the promotion, and production answers 200 with its own config", async () => {
      await expect(productionCard.getByTestId("release-kind")).toHaveText("promotion");
      await expect(productionCard.getByTestId("promoted-from")).toHaveText(`${staging} ${stagingVersion}`);
      // The same build: the store path staging runs.
      const storePath = await stagingCard.getByTestId("release-store-path").getAttribute("title");
      expect(storePath).toMatch(/^\/nix\/store\//);
      await expect(productionCard.getByTestId("release-store-path")).toHaveAttribute("title", storePath ?? "");

      const url = (await productionCard.getByTestId("stage-app-url").getAttribute("href")) ?? "";
      expect(url).toContain(production);
      const prod = await answer(page, url);
      expect(prod).toEqual({ status: 200, body: "hello from node-greeting: from production\n" });
      const stg = await answer(page, (await stagingCard.getByTestId("stage-app-url").getAttribute("href")) ?? "");
      expect(stg).toEqual({ status: 200, body: "hello from node-greeting: from staging\n" });
    });

    await test.step("delete the pipeline after typing its name; its apps are kept", async () => {
      await page.getByRole("button", { name: "Delete pipeline" }).click();
      const dialog = page.getByRole("dialog", { name: `Delete the pipeline ${pipeline}?` });
      await dialog.getByLabel(`Type ${pipeline} to confirm`).fill(pipeline);
      await dialog.getByRole("button", { name: "Delete pipeline" }).click();
      await expect(page).toHaveURL(/\/paas\/pipelines$/);
      await expect(page.getByTestId("pipelines-empty")).toBeVisible();
    });
  } finally {
    // Leave the platform as the other browser tests expect it: no apps, no pipelines.
    // Already gone when the last step ran; refused (and harmless) then.
    await trpcMutation(page, "pipelines.delete", { pipeline, confirm: pipeline });
    await deleteApp(page, staging);
    await deleteApp(page, production);
  }
});
