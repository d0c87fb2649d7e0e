import { readFileSync } from "node:fs";
import { createApp, expect, expectNoHorizontalScroll, expectNoSeriousA11yViolations, openTab, signInAsAdmin, test } from "./fixtures.ts";

// A real build through the browser: upload an Express app's source, watch the platform build it
// with Nix (dependencies come from the npm registry), and see the result on the list. The
// platform's data directory is fresh for each run, so the dependency layer is a cache miss.

declare global {
  interface Window {
    /** What the build page showed over time, recorded in the page itself: it survives no reload. */
    __buildSeen?: { stages: string[]; lineCounts: number[] };
  }
}

test("upload an archive, watch it build live, and find it succeeded on the list", async ({ page, packFixture, appName }) => {
  test.setTimeout(240_000);
  const archive = packFixture("node-npm-express");

  await test.step("sign in and create an app", async () => {
    await signInAsAdmin(page);
    await createApp(page, appName);
  });

  await test.step("the Deployments tab has no builds, and takes an archive", async () => {
    await openTab(page, "Deployments");
    await expect(page.getByTestId("builds-empty")).toBeVisible();
    await expect(page.getByTestId("deploy-explainer")).toContainText("The running app changes only when a succeeded build is deployed");
    // This test is about the build alone: it is not deployed when it succeeds.
    await page.getByRole("checkbox", { name: /Deploy when the build succeeds/ }).uncheck();
    // The radio itself is visually hidden behind its label, which is what a person clicks.
    await page.locator("label").filter({ hasText: "Upload archive" }).click();
    await expect(page.getByRole("radio", { name: "Upload archive" })).toBeChecked();
    await page.getByLabel("Choose an archive").setInputFiles(archive);
    await expect(page.getByTestId("archive-chosen")).toHaveText(/^node-npm-express\.tar\.gz · [\d.]+ KiB$/);
  });

  await test.step("starting the build opens its page, where log lines stream in and the stages move", async () => {
    // Record every stage status and line count the page shows, from before the upload on.
    await page.evaluate(() => {
      const seen = { stages: [] as string[], lineCounts: [] as number[] };
      window.__buildSeen = seen;
      const record = () => {
        for (const el of document.querySelectorAll<HTMLElement>("[data-testid=build-stage]")) {
          const entry = `${el.dataset.stage}:${el.dataset.status}`;
          if (!seen.stages.includes(entry)) seen.stages.push(entry);
        }
        const count = Number.parseInt(document.querySelector("[data-testid=log-line-count]")?.textContent?.replace(/,/g, "") ?? "", 10);
        if (!Number.isNaN(count) && seen.lineCounts.at(-1) !== count) seen.lineCounts.push(count);
      };
      new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    });
    await page.getByRole("button", { name: "Start build" }).click();
    await expect(page).toHaveURL(new RegExp(`/paas/apps/${appName}/builds/[0-9a-f-]{36}$`));
    await expect(page.getByTestId("build-title")).toHaveText("Build #1");
    await expect(page.getByTestId("build-source")).toContainText("node-npm-express.tar.gz");
    await expect(page.getByTestId("log-connection")).toHaveAttribute("data-state", "live");
    await expect(page.getByTestId("log-line").first()).toContainText("unpacking node-npm-express.tar.gz");
  });

  await test.step("the build succeeds: every stage done, the dependency layer a cache miss, no reload", async () => {
    await expect(page.getByTestId("build-status")).toHaveAttribute("data-status", "succeeded", { timeout: 180_000 });
    await expect(page.getByTestId("log-connection")).toHaveAttribute("data-state", "finished");
    await expect(page.getByTestId("build-stages-summary")).toHaveText("7 of 7 stages done");
    const stages = page.getByTestId("build-stage");
    await expect(stages).toHaveCount(7);
    for (const status of await stages.evaluateAll((els) => els.map((el) => (el as HTMLElement).dataset.status))) {
      expect(["succeeded", "skipped"]).toContain(status);
    }
    await expect(page.locator("[data-testid=build-stage][data-stage=dependencies]")).toContainText("cache miss");
    await expect(page.getByTestId("build-cache")).toHaveText("cache miss");
    await expect(page.getByTestId("build-plan")).toContainText("express");
    await expect(page.getByTestId("build-next")).toContainText("it runs nowhere until it is deployed");
    await expect(page.getByRole("button", { name: "Cancel build" })).toHaveCount(0);

    const seen = await page.evaluate(() => window.__buildSeen);
    expect(seen, "the recording is gone, so the page was reloaded").toBeDefined();
    // The page showed the build before it was done, then caught up with it as it ran.
    expect(seen?.stages.some((s) => s.endsWith(":pending") || s.endsWith(":running"))).toBe(true);
    expect(seen?.stages).toContain("optimise:succeeded");
    expect(seen?.lineCounts.length ?? 0).toBeGreaterThan(1);
  });

  await test.step("the log downloads as text", async () => {
    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Download log" }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe(`${appName}-build-1.log`);
    expect(readFileSync(await file.path(), "utf8")).toContain("build succeeded");
  });

  await test.step("the build page is accessible and fits a 375 px wide phone", async () => {
    await expectNoSeriousA11yViolations(page);
    await page.setViewportSize({ width: 375, height: 800 });
    await expectNoHorizontalScroll(page);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  await test.step("back on the list, the build shows succeeded with a cache miss", async () => {
    await page.getByRole("link", { name: "← All builds" }).click();
    await expect(page).toHaveURL(new RegExp(`/paas/apps/${appName}/deployments$`));
    const row = page.getByTestId("build-row").filter({ hasText: "#1" });
    await expect(row.getByTestId("build-status")).toHaveAttribute("data-status", "succeeded");
    await expect(row.getByTestId("build-row-cache")).toHaveText("cache miss");
    await expect(row.getByTestId("build-row-source")).toContainText("node-npm-express.tar.gz");
    await expect(page.getByTestId("deployments-empty")).toContainText("Nothing has been deployed yet");
    await expectNoSeriousA11yViolations(page);
    await page.setViewportSize({ width: 375, height: 800 });
    await expectNoHorizontalScroll(page);
  });
});
