import { Secret, TOTP } from "otpauth";
import { expect, expectNoSeriousA11yViolations, signInAsAdmin, test } from "./fixtures.ts";

// Multi-factor sign-in through the browser: a user of their own (the shared admin must keep
// signing in with a password alone), who enrols an authenticator on the Account page, signs
// out, and signs in again with the password and a code the test computes as the app would.

const user = { email: `mfa-${Date.now().toString(36)}@example.com`, password: "correct horse battery" };
const codeAt = (secret: string, atMs: number) => new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: atMs });

test("enrol TOTP on the Account page, sign out, sign in with password and code", async ({ page }) => {
  await test.step("the admin adds a user", async () => {
    await signInAsAdmin(page);
    const csrf = (await page.context().cookies()).find((c) => c.name === "skypanel_csrf")?.value ?? "";
    const made = await page.request.post("/api/users", { headers: { "x-csrf-token": csrf }, data: user });
    expect(made.status()).toBe(201);
    await page.getByRole("button", { name: "Log out" }).click();
    await expect(page).toHaveURL(/\/login$/);
  });

  let secret = "";
  await test.step("the user enrols an authenticator and is shown recovery codes once", async () => {
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill(user.password);
    await page.getByRole("button", { name: "Log in" }).click();
    await expect(page).toHaveURL(/\/paas\/apps$/);
    await page.goto("/paas/account");
    await page.getByRole("button", { name: "Set up an authenticator app" }).click();
    secret = (await page.getByTestId("mfa-secret").textContent())?.trim() ?? "";
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await expect(page.getByTestId("mfa-uri")).toHaveAttribute("href", /^otpauth:\/\/totp\/SkyPanel:/);
    const code = page.getByLabel("Code from your authenticator app");
    await expect(code).toHaveAttribute("autocomplete", "one-time-code");
    await expect(code).toHaveAttribute("inputmode", "numeric");
    await expectNoSeriousA11yViolations(page);
    await code.fill("000000");
    await page.getByRole("button", { name: "Turn on" }).click();
    await expect(page.getByRole("alert")).toContainText("does not match");
    await code.fill(codeAt(secret, Date.now()));
    await page.getByRole("button", { name: "Turn on" }).click();
    await expect(page.getByRole("list", { name: "Recovery codes" }).getByRole("listitem")).toHaveCount(10);
    await page.getByRole("button", { name: "I have saved them" }).click();
    await expect(page.getByTestId("mfa-on")).toContainText("10 recovery codes left");
  });

  await test.step("signing in again asks for a code after the password; a wrong one is refused", async () => {
    await page.getByRole("button", { name: "Log out" }).click();
    await expect(page).toHaveURL(/\/login$/);
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill(user.password);
    await page.getByRole("button", { name: "Log in" }).click();
    const code = page.getByRole("textbox", { name: "Code", exact: true });
    await expect(code).toHaveAttribute("autocomplete", "one-time-code");
    await expect(page.getByRole("button", { name: "Use a recovery code" })).toBeVisible();
    await code.fill("000000");
    await page.getByRole("button", { name: "Verify" }).click();
    await expect(page.getByTestId("login-error")).toContainText("4 tries left");
    // The next step's code: the current one confirmed the enrolment and would be a replay.
    await code.fill(codeAt(secret, Date.now() + 30_000));
    await page.getByRole("button", { name: "Verify" }).click();
    // Back in the dashboard (on the page signing out left, or the app list).
    await expect(page).toHaveURL(/\/paas\/(apps|account)$/);
    await expect(page.getByTestId("current-user")).toHaveText(user.email);
  });
});
