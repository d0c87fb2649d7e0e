import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { renderWithBackend } from "../../test/render.tsx";
import { createStubBackend, type StubBuild, stubApp, stubBuild } from "../../test/stubBackend.ts";
import { AppDashboard } from "./AppDashboard.tsx";

function openDeployments(builds: StubBuild[], role: "owner" | "viewer" = "owner") {
  const backend = createStubBackend({ role, apps: [stubApp("web-shop")], builds });
  renderWithBackend(<AppDashboard />, { fetch: backend.fetch, path: "/paas/apps/:id/*", url: "/paas/apps/web-shop/deployments" });
  return backend;
}

const row = (number: number) => {
  const el = screen.getAllByTestId("build-row").find((r) => r.dataset.buildNumber === String(number));
  if (!el) throw new Error(`no row for build #${number}`);
  return within(el);
};

describe("BuildList on the Deployments tab (stub tRPC server behind fetch)", () => {
  it("says there are no builds yet, and a viewer gets no form to start one", async () => {
    openDeployments([], "viewer");
    expect((await screen.findByTestId("builds-empty")).textContent).toContain("No builds yet.");
    expect(screen.queryByRole("form", { name: "Start a build" })).toBeNull();
    expect((await screen.findByTestId("deployments-empty")).textContent).toContain("Nothing has been deployed yet.");
    expect(screen.queryByRole("form", { name: "Deploy a build" })).toBeNull();
  });

  it("lists builds newest first with status, source, duration, cache hit or miss, linking to each", async () => {
    openDeployments([
      stubBuild("web-shop", 1, { status: "failed", durationMs: 2_500, cacheHit: null, startedAt: new Date() }),
      stubBuild("web-shop", 2, {
        status: "succeeded",
        source: { type: "archive", filename: "app.tar.gz", bytes: 7356 },
        durationMs: 6_700,
        cacheHit: false,
        startedAt: new Date(),
      }),
      stubBuild("web-shop", 3, { status: "succeeded", durationMs: 900, cacheHit: true, startedAt: new Date() }),
      stubBuild("web-shop", 4, {
        status: "running",
        source: { type: "push", ref: "refs/heads/main", sha: "abcdef1234567890" },
        startedAt: new Date(),
      }),
    ]);
    await screen.findAllByTestId("build-row");
    expect(screen.getAllByTestId("build-row").map((r) => r.dataset.buildNumber)).toEqual(["4", "3", "2", "1"]);

    expect(row(4).getByTestId("build-status").dataset.status).toBe("running");
    expect(row(4).getByTestId("build-row-source").textContent).toBe("git push refs/heads/main @ abcdef1");
    expect(row(4).getByTestId("build-row-duration").textContent).toBe("Duration: running");
    expect(row(3).getByTestId("build-row-cache").textContent).toBe("cache hit");
    expect(row(2).getByTestId("build-row-cache").textContent).toBe("cache miss");
    expect(row(2).getByTestId("build-row-source").textContent).toBe("app.tar.gz (7.2 KiB)");
    expect(row(2).getByTestId("build-row-duration").textContent).toBe("Duration: 6.7 s");
    expect(row(1).getByTestId("build-status").dataset.status).toBe("failed");
    expect(row(1).getByTestId("build-row-source").textContent).toBe("https://git.example.com/shop.git@main");

    await userEvent.click(row(2).getByRole("link", { name: "Build #2" }));
    await waitFor(() =>
      expect(screen.getByTestId("location").textContent).toBe("/paas/apps/web-shop/builds/00000000-0000-4000-8000-000000000002"),
    );
    expect(await screen.findByTestId("build-title")).toBeTruthy();
    // The build page belongs to the Deployments tab.
    expect(screen.getByRole("link", { name: "Deployments" }).className).toContain("border-indigo-700");
  });

  it("updates a build's row live when the platform reports a change", async () => {
    const backend = openDeployments([stubBuild("web-shop", 1, { status: "running", startedAt: new Date() })]);
    await screen.findAllByTestId("build-row");
    backend.updateBuild("00000000-0000-4000-8000-000000000001", { status: "succeeded", durationMs: 61_000, cacheHit: true });
    await waitFor(() => expect(row(1).getByTestId("build-status").dataset.status).toBe("succeeded"));
    expect(row(1).getByTestId("build-row-duration").textContent).toBe("Duration: 1 min 01 s");
    expect(row(1).getByTestId("build-row-cache").textContent).toBe("cache hit");
  });

  it("shows older builds a page at a time", async () => {
    const backend = openDeployments(Array.from({ length: 25 }, (_, i) => stubBuild("web-shop", i + 1, { status: "succeeded" })));
    await screen.findAllByTestId("build-row");
    expect(screen.getAllByTestId("build-row")).toHaveLength(20);
    await userEvent.click(screen.getByRole("button", { name: "Show older builds" }));
    await waitFor(() => expect(screen.getAllByTestId("build-row")).toHaveLength(25));
    expect(screen.queryByRole("button", { name: "Show older builds" })).toBeNull();
    expect(backend.state.calls.filter((c) => c.path === "builds.list").map((c) => c.input)).toContainEqual({
      app: "web-shop",
      limit: 20,
      beforeNumber: 6,
    });
  });
});
