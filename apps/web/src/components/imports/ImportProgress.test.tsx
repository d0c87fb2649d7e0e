import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { App } from "../../App.tsx";
import ImportPage from "../../pages/ImportPage.tsx";
import { renderWithBackend } from "../../test/render.tsx";
import { createStubBackend, stubHerokuApp, stubImport } from "../../test/stubBackend.ts";

const BUILD_FAILED = "build 1 failed: npm ci exited with code 1";

describe("ImportProgress and the recent imports (stub tRPC server behind fetch)", () => {
  it("follows a failed import to its error, with the steps it undid", async () => {
    const running = stubImport("shop", 1);
    const backend = createStubBackend({
      imports: { herokuApps: [stubHerokuApp("shop")], imports: [running], ticksPerGet: 20, failAt: { step: "build", error: BUILD_FAILED } },
    });
    // Opened at the import's own address, as after a reload.
    renderWithBackend(<ImportPage />, { fetch: backend.fetch, url: `/paas/import/${running.id}`, path: "/paas/import/*" });

    const failed = await screen.findByTestId("import-failed");
    expect(within(failed).getByRole("heading", { level: 2 }).textContent).toContain("The import failed");
    expect(screen.getByTestId("import-error").textContent).toBe(`${BUILD_FAILED}; everything it made was removed`);
    const steps = Object.fromEntries(
      screen.getAllByTestId("import-step").map((s) => [s.dataset.step, within(s).getByTestId("step-status").textContent]),
    );
    expect(steps).toEqual({
      app: "undone",
      config: "undone",
      addons: "undone",
      data: "undone",
      domains: "undone",
      build: "failed",
      deploy: "waiting",
      formation: "waiting",
      verify: "waiting",
    });
    expect(screen.getByTestId("import-status").textContent).toContain("failed");
    expect(screen.getByTestId("import-announcer").textContent).toBe("The import failed; what it made was removed.");
    expect(screen.queryByRole("button", { name: "Roll back…" })).toBeNull();
    expect(backend.state.apps).toEqual([]);
  });

  it("lists recent imports, each opening its own page", async () => {
    const done = stubImport("blog", 1, { status: "succeeded", url: "http://blog.localhost:8080/" });
    const undone = stubImport("shop", 2, { status: "rolled_back" });
    const backend = createStubBackend({ imports: { imports: [done, undone] } });
    renderWithBackend(<ImportPage />, { fetch: backend.fetch, url: "/paas/import", path: "/paas/import/*" });

    const rows = await screen.findAllByTestId("recent-import");
    expect(rows.map((r) => r.textContent)).toEqual([
      expect.stringContaining('shopfrom Heroku app "shop"↺ rolled back'),
      expect.stringContaining('blogfrom Heroku app "blog"✓ imported'),
    ]);
    await userEvent.click(within(rows[1] as HTMLElement).getByRole("link", { name: "blog" }));
    expect(screen.getByTestId("location").textContent).toBe(`/paas/import/${done.id}`);
    expect(await screen.findByRole("heading", { level: 1, name: "Import of blog" })).toBeTruthy();
    expect(screen.getByRole("link", { name: "http://blog.localhost:8080/" })).toBeTruthy();
  });

  it("says so when no import has the id", async () => {
    const backend = createStubBackend();
    renderWithBackend(<ImportPage />, { fetch: backend.fetch, url: "/paas/import/nope", path: "/paas/import/*" });
    expect((await screen.findByTestId("import-not-found")).textContent).toContain('No import with id "nope" is visible to you.');
  });

  it("is in the main navigation", async () => {
    const backend = createStubBackend();
    renderWithBackend(<App />, { fetch: backend.fetch, url: "/paas/apps" });
    await userEvent.click(await screen.findByRole("link", { name: "Import from Heroku" }));
    expect(await screen.findByRole("heading", { level: 1, name: "Import from Heroku" })).toBeTruthy();
    expect(screen.getByTestId("location").textContent).toBe("/paas/import");
    await waitFor(() => expect(screen.getByTestId("imports-empty")).toBeTruthy());
  });
});
