import { expect, test } from "@playwright/test";
import { createApp, expectNoSeriousA11yViolations, openTab, signInAsAdmin } from "./fixtures.ts";

// The Add-ons tab against the real platform and the machine's PostgreSQL, with no add-on settings
// (the platform's own role on it, as out of the box): create, reveal, back up, restore, destroy.
test("a PostgreSQL add-on is made, backed up, restored and destroyed from the Add-ons tab", async ({ page }) => {
  test.setTimeout(120_000);
  await signInAsAdmin(page);
  await createApp(page, "ledger");
  await openTab(page, "Add-ons");
  await expect(page).toHaveURL(/\/paas\/apps\/ledger\/addons$/);
  await expect(page.getByText("No add-ons yet")).toBeVisible();

  const form = page.getByRole("form", { name: "Create an add-on" });
  await form.getByRole("button", { name: "Create add-on" }).click();
  const card = page.getByRole("list", { name: "Add-ons" }).getByRole("listitem").first();
  await expect(card.getByText("DATABASE_URL").first()).toBeVisible();

  // The credentials stay hidden until asked for.
  await expect(page.getByTestId("addon-url")).toHaveCount(0);
  await card.getByRole("button", { name: "Reveal the credentials in DATABASE_URL" }).click();
  await expect(page.getByTestId("addon-url")).toContainText("postgres://addon_");
  await card.getByRole("button", { name: "Hide the credentials in DATABASE_URL" }).click();
  await expect(page.getByTestId("addon-url")).toHaveCount(0);

  await card.getByRole("button", { name: /^Back up .* now$/ }).click();
  const backups = card.getByRole("list", { name: /Backups of .*, newest first/ });
  await expect(backups.getByText(/Succeeded/)).toBeVisible({ timeout: 30_000 });
  await expectNoSeriousA11yViolations(page);

  await backups.getByRole("button", { name: /^Restore the backup of/ }).click();
  const restore = page.getByTestId("restore-backup");
  const replace = restore.getByRole("button", { name: /^Replace the data of/ });
  await expect(replace).toBeDisabled();
  await restore.getByLabel("Type ledger to confirm").fill("ledger");
  await replace.click();
  await expect(backups.getByText(/Restored into/)).toBeVisible({ timeout: 30_000 });

  await card.getByRole("button", { name: /^Destroy / }).click();
  const destroy = page.getByTestId("confirm-destroy-addon");
  await destroy.getByLabel("Type ledger to confirm").fill("ledger");
  await destroy.getByRole("button", { name: "Destroy add-on" }).click();
  await expect(page.getByText("No add-ons yet")).toBeVisible();

  // Leave the platform as the other browser tests expect it: no apps.
  await openTab(page, "Settings");
  const zone = page.getByTestId("danger-zone");
  await zone.getByLabel("Type ledger to confirm").fill("ledger");
  await zone.getByRole("button", { name: "Delete app" }).click();
  await expect(page).toHaveURL(/\/paas\/apps$/);
});
