import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { renderWithBackend } from "../../test/render.tsx";
import { createStubBackend, stubApp, stubRelease } from "../../test/stubBackend.ts";
import { AppDashboard } from "./AppDashboard.tsx";

const v1 = stubRelease("web-shop", 1);

function open(opts: { role?: "viewer" | "member"; currentReleaseId?: string | null } = {}) {
  const backend = createStubBackend({
    role: opts.role,
    apps: [
      stubApp("web-shop", { status: "running", currentReleaseId: opts.currentReleaseId === undefined ? v1.id : opts.currentReleaseId }),
    ],
    runtime: { releases: [v1] },
  });
  renderWithBackend(<AppDashboard />, { fetch: backend.fetch, path: "/paas/apps/:id/*", url: "/paas/apps/web-shop" });
  return backend;
}

describe("AppHeader actions: open, deploy, restart (stub tRPC server behind fetch)", () => {
  it("opens the app at its URL, links to deploying, and restarts only after a confirmation", async () => {
    const backend = open();
    const openLink = await screen.findByRole("link", { name: "Open app" });
    expect(openLink.getAttribute("href")).toBe("http://web-shop.localhost:8080/");
    expect(openLink.getAttribute("target")).toBe("_blank");
    expect(screen.getByRole("link", { name: "Deploy" }).getAttribute("href")).toBe("/paas/apps/web-shop/deployments");

    await userEvent.click(screen.getByRole("button", { name: "Restart" }));
    const dialog = await screen.findByRole("dialog", { name: "Restart web-shop?" });
    expect(backend.state.calls.some((c) => c.path === "deployments.restart")).toBe(false);
    await userEvent.click(within(dialog).getByRole("button", { name: "Restart all instances" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(backend.state.calls.filter((c) => c.path === "deployments.restart").map((c) => c.input)).toEqual([{ app: "web-shop" }]);
    expect(backend.state.runtime.deployments).toMatchObject([{ options: { releaseId: v1.id, restart: true }, strategy: "rolling" }]);
  });

  it("offers no restart and no open before the first release, and nothing that changes the app to a viewer", async () => {
    open({ currentReleaseId: null });
    await screen.findByRole("link", { name: "Deploy" });
    expect(screen.queryByRole("button", { name: "Restart" })).toBeNull();
    expect(screen.queryByRole("link", { name: "Open app" })).toBeNull();
  });

  it("shows a viewer the way to the app but no Deploy or Restart", async () => {
    open({ role: "viewer" });
    await screen.findByRole("link", { name: "Open app" });
    expect(screen.queryByRole("link", { name: "Deploy" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Restart" })).toBeNull();
  });
});
