import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { App } from "./App.tsx";
import { renderWithBackend } from "./test/render.tsx";
import { createStubBackend, stubApp } from "./test/stubBackend.ts";

describe("App routes (stub tRPC server behind fetch)", () => {
  it("sends a visitor without a session to /login", async () => {
    const backend = createStubBackend({ apps: [stubApp("web-shop")] });
    backend.state.loggedIn = false;
    renderWithBackend(<App />, { fetch: backend.fetch, url: "/paas/apps" });
    expect(await screen.findByRole("heading", { name: "Log in" })).toBeTruthy();
    expect(screen.getByTestId("location").textContent).toBe("/login");
  });

  it("redirects / to the app list, and opens an app by name on its overview", async () => {
    const backend = createStubBackend({ apps: [stubApp("web-shop")] });
    renderWithBackend(<App />, { fetch: backend.fetch, url: "/" });
    await userEvent.click(await screen.findByRole("link", { name: "web-shop" }));
    expect(await screen.findByTestId("app-summary")).toBeTruthy();
    expect(screen.getByTestId("location").textContent).toBe("/paas/apps/web-shop");
    expect(screen.getByRole("link", { name: "Overview" }).getAttribute("aria-current")).toBe("page");
  });

  it("says plainly that nothing is deployed yet, that logs wait for the engine, and that metrics have no samples yet", async () => {
    const backend = createStubBackend({ apps: [stubApp("web-shop")] });
    renderWithBackend(<App />, { fetch: backend.fetch, url: "/paas/apps/id-web-shop/deployments" });
    expect((await screen.findByTestId("deployments-empty")).textContent).toContain("Nothing has been deployed yet.");
    await userEvent.click(screen.getByRole("link", { name: "Logs" }));
    expect(await screen.findByTestId("logs-empty")).toBeTruthy();
    await userEvent.click(screen.getByRole("link", { name: "Metrics" }));
    expect(await screen.findByTestId("metrics-empty")).toBeTruthy();
  });

  it("goes to /login when the session expires while the list is open", async () => {
    const backend = createStubBackend({ apps: [stubApp("web-shop")] });
    renderWithBackend(<App />, { fetch: backend.fetch, url: "/paas/apps" });
    await screen.findByRole("link", { name: "web-shop" });

    backend.state.loggedIn = false;
    await userEvent.type(screen.getByRole("searchbox", { name: "Search" }), "shop");
    await waitFor(() => expect(screen.getByTestId("location").textContent).toBe("/login"));
  });
});
