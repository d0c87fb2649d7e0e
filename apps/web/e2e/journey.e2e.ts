import { admin, expect, expectNoHorizontalScroll, expectNoSeriousA11yViolations, signInAsAdmin, test } from "./fixtures.ts";

// One user's first hour on a fresh platform, through the browser against the real server
// (embedded PGlite), in order: each step needs the one before it. The other browser tests share
// the platform, so whichever runs first sets it up; the rest log in as the same admin.

const appName = `journey-${Date.now().toString(36)}`;

test("set up, log in, create an app, keep a config var across a reload, delete the app", async ({ page }) => {
  await test.step("the first visitor goes to set-up (or to log in, once another test set the platform up); set-up is offered once", async () => {
    await signInAsAdmin(page);
    await expect(page.getByTestId("apps-empty")).toContainText("No apps yet.");
    await expectNoSeriousA11yViolations(page);
    await page.goto("/setup");
    await expect(page).toHaveURL(/\/paas\/apps$/);
  });

  await test.step("log out, then log in (a wrong password is refused first)", async () => {
    await page.getByRole("button", { name: "Log out" }).click();
    await expect(page).toHaveURL(/\/login$/);
    await page.goto("/paas/apps");
    await expect(page).toHaveURL(/\/login$/);

    await page.getByLabel("Email").fill(admin.email);
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Log in" }).click();
    await expect(page.getByTestId("login-error")).toHaveText("Wrong email or password.");

    await page.getByLabel("Password").fill(admin.password);
    await page.getByRole("button", { name: "Log in" }).click();
    await expect(page).toHaveURL(/\/paas\/apps$/);
    await expect(page.getByTestId("current-user")).toHaveText(admin.name);
  });

  await test.step("create an app; a bad name gets the rule, inline", async () => {
    await page.getByRole("button", { name: "Create app" }).first().click();
    const dialog = page.getByRole("dialog", { name: "Create an app" });
    await dialog.getByLabel("App name").fill("Bad_Name");
    await dialog.getByRole("button", { name: "Create app" }).click();
    await expect(dialog.getByRole("alert")).toContainText("lowercase letters, digits and dashes");

    await dialog.getByLabel("App name").fill(appName);
    await dialog.getByLabel("Description (optional)").fill("Made by the browser journey");
    await dialog.getByRole("button", { name: "Create app" }).click();
    await expect(page).toHaveURL(new RegExp(`/paas/apps/${appName}$`));
    await expect(page.getByTestId("app-name")).toHaveText(appName);
  });

  await test.step("the list shows the app, and opening it shows its overview", async () => {
    await page.getByRole("link", { name: "Apps", exact: true }).first().click();
    const card = page.getByTestId("app-card").filter({ hasText: appName });
    await expect(card).toContainText("Made by the browser journey");
    await expectNoSeriousA11yViolations(page);
    await card.getByRole("link", { name: appName }).click();
    await expect(page.getByTestId("app-summary")).toContainText("0 vars");
    await expect(page.getByTestId("overview-deployments")).toContainText("Nothing has been deployed yet");
    await expect(page.getByTestId("app-activity")).toContainText("App created");
  });

  await test.step("set a config var in Settings; after a reload it is still there, masked until revealed", async () => {
    await page.getByRole("navigation", { name: "App sections" }).getByRole("link", { name: "Settings" }).click();
    await expect(page).toHaveURL(new RegExp(`/paas/apps/${appName}/settings$`));
    const vars = page.getByTestId("settings-config-vars");
    await vars.getByLabel("Name", { exact: true }).fill("GREETING");
    await vars.getByLabel("Value", { exact: true }).fill("hello from the journey");
    await vars.getByRole("button", { name: "Add" }).click();
    await expect(page.getByTestId("env-var-GREETING")).toBeVisible();

    await page.reload();
    const row = page.getByTestId("env-var-GREETING");
    await expect(row).toBeVisible();
    await expect(row.getByTestId("env-var-value")).not.toContainText("hello from the journey");
    await row.getByRole("button", { name: "Reveal GREETING" }).click();
    await expect(row.getByTestId("env-var-value")).toHaveText("hello from the journey");
    await expectNoSeriousA11yViolations(page);
  });

  await test.step("the list and settings fit a 375 px wide phone", async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    await expectNoHorizontalScroll(page);
    await page.getByRole("link", { name: "Apps", exact: true }).first().click();
    await expect(page.getByTestId("app-card").filter({ hasText: appName })).toBeVisible();
    await expectNoHorizontalScroll(page);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  await test.step("delete the app only after typing its name; the list no longer shows it", async () => {
    await page.goto(`/paas/apps/${appName}/settings`);
    const zone = page.getByTestId("danger-zone");
    const remove = zone.getByRole("button", { name: "Delete app" });
    await expect(remove).toBeDisabled();
    await zone.getByLabel(`Type ${appName} to confirm`).fill(appName.slice(0, -1));
    await expect(remove).toBeDisabled();
    await zone.getByLabel(`Type ${appName} to confirm`).fill(appName);
    await remove.click();
    await expect(page).toHaveURL(/\/paas\/apps$/);
    await expect(page.getByTestId("apps-empty")).toBeVisible();
    await expect(page.getByText(appName)).toHaveCount(0);
  });
});
