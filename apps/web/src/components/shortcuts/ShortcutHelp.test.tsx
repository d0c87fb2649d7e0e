import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { App } from "../../App.tsx";
import { appBase } from "../../hooks/useShortcuts.ts";
import { renderWithBackend } from "../../test/render.tsx";
import { createStubBackend, stubApp } from "../../test/stubBackend.ts";

describe("keyboard shortcuts (the whole App, stub tRPC server behind fetch)", () => {
  it("opens the help overlay with ?, and closes it with ? again", async () => {
    const backend = createStubBackend({ apps: [stubApp("web-shop")] });
    renderWithBackend(<App />, { fetch: backend.fetch, url: "/paas/apps" });
    await screen.findByRole("link", { name: "web-shop" });
    await userEvent.keyboard("?");
    const help = await screen.findByRole("dialog", { name: "Keyboard shortcuts" });
    expect(help.textContent).toContain("Go to the app's logs");
    await userEvent.keyboard("?");
    await waitFor(() => expect(screen.queryByRole("dialog", { name: "Keyboard shortcuts" })).toBeNull());
  });

  it("g then l goes to the app's logs, g then n to its add-ons, g then a back to the list; / focuses the search box", async () => {
    const backend = createStubBackend({ apps: [stubApp("web-shop")] });
    renderWithBackend(<App />, { fetch: backend.fetch, url: "/paas/apps/web-shop" });
    await screen.findByTestId("app-name");
    await userEvent.keyboard("gl");
    await waitFor(() => expect(screen.getByTestId("location").textContent).toBe("/paas/apps/web-shop/logs"));
    await userEvent.keyboard("gn");
    await waitFor(() => expect(screen.getByTestId("location").textContent).toBe("/paas/apps/web-shop/addons"));
    await userEvent.keyboard("gs");
    await waitFor(() => expect(screen.getByTestId("location").textContent).toBe("/paas/apps/web-shop/settings"));
    await userEvent.keyboard("ga");
    await waitFor(() => expect(screen.getByTestId("location").textContent).toBe("/paas/apps"));
    const search = await screen.findByRole("searchbox", { name: /search/i });
    await userEvent.keyboard("/");
    expect(document.activeElement).toBe(search);
  });

  it("keys typed into a field stay text: g then a in the search box navigates nowhere", async () => {
    const backend = createStubBackend({ apps: [stubApp("web-shop")] });
    renderWithBackend(<App />, { fetch: backend.fetch, url: "/paas/apps" });
    const search = await screen.findByRole("searchbox", { name: /search/i });
    await userEvent.click(search);
    await userEvent.keyboard("ga?");
    expect((search as HTMLInputElement).value).toBe("ga?");
    expect(screen.queryByRole("dialog", { name: "Keyboard shortcuts" })).toBeNull();
    expect(screen.getByTestId("location").textContent).toBe("/paas/apps");
  });

  it("knows which app an address is about", () => {
    expect(appBase("/paas/apps/web-shop/logs")).toBe("/paas/apps/web-shop");
    expect(appBase("/paas/apps/web-shop")).toBe("/paas/apps/web-shop");
    expect(appBase("/paas/apps")).toBeNull();
    expect(appBase("/paas/account")).toBeNull();
  });
});
