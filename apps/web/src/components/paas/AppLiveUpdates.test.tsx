import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { AppEvent } from "../../hooks/useAppEvents.ts";
import { renderWithBackend } from "../../test/render.tsx";
import { createStubBackend, stubApp, stubFormation, stubInstance, stubRelease } from "../../test/stubBackend.ts";
import { AppDashboard } from "./AppDashboard.tsx";

const APP_ID = "id-web-shop";
const v1 = stubRelease("web-shop", 1);

function openDashboard() {
  const backend = createStubBackend({
    apps: [stubApp("web-shop", { status: "running", currentReleaseId: v1.id })],
    runtime: {
      releases: [v1],
      instances: [stubInstance("web-shop", 1, { releaseId: v1.id })],
      formation: [stubFormation("web-shop", "web", 1)],
    },
  });
  renderWithBackend(<AppDashboard />, { fetch: backend.fetch, path: "/paas/apps/:id/*", url: "/paas/apps/web-shop" });
  return backend;
}

const indicator = () => screen.getByRole("status", { name: /^Live updates/ });
const restarts = () => within(screen.getByTestId("instance-row")).getByTestId("instance-restarts").textContent;
const restarted = (backend: ReturnType<typeof createStubBackend>, count: number) => {
  const instance = backend.state.runtime.instances[0];
  if (!instance) throw new Error("no instance");
  instance.restartCount = count;
  backend.publishAppEvent({ type: "instance.updated", appId: APP_ID, instanceId: instance.id, status: "running", health: "healthy" });
};

describe("live updates of the app dashboard (events.app over the stub's SSE)", () => {
  it("says Live once the stream is open and Reconnecting… when it drops; what happened meanwhile shows on its return", async () => {
    const backend = openDashboard();
    await waitFor(() => expect(indicator().dataset.state).toBe("live"));
    expect(indicator().textContent).toBe("Live");
    expect(indicator().getAttribute("aria-label")).toMatch(/^Live updates: on/);
    restarted(backend, 1);
    await waitFor(() => expect(restarts()).toBe("1"));

    backend.network.offline = true;
    backend.network.drop();
    await waitFor(() => expect(indicator().dataset.state).toBe("reconnecting"));
    expect(indicator().textContent).toBe("Reconnecting…");
    expect(indicator().getAttribute("aria-label")).toMatch(/reconnecting/);
    restarted(backend, 2);

    backend.network.offline = false;
    await waitFor(() => expect(indicator().dataset.state).toBe("live"));
    await waitFor(() => expect(restarts()).toBe("2"));
    // The browser resumed after the one event it had, so the server replayed just the missed one.
    const streams = backend.state.calls
      .filter((c) => c.path === "events.app")
      .map((c) => (c.input as { lastEventId?: string }).lastEventId);
    expect(streams).toEqual([null, "stub:1"]);
  });

  it("refetches exactly the queries each event changes, and everything about the app on a resync", async () => {
    const backend = openDashboard();
    await waitFor(() => expect(indicator().dataset.state).toBe("live"));
    await waitFor(() => expect(screen.getAllByTestId("instance-row")).toHaveLength(1));
    await new Promise((r) => setTimeout(r, 300));
    const refetchedAfter = async (event: AppEvent) => {
      const before = backend.state.calls.length;
      backend.publishAppEvent(event);
      await new Promise((r) => setTimeout(r, 400));
      return [...new Set(backend.state.calls.slice(before).map((c) => c.path))].sort();
    };

    expect(
      await refetchedAfter({ type: "instance.updated", appId: APP_ID, instanceId: "i1", status: "running", health: "unhealthy" }),
    ).toEqual(["apps.get", "deployments.instances"]);
    expect(await refetchedAfter({ type: "formation.updated", appId: APP_ID, processes: [{ processType: "web", quantity: 2 }] })).toEqual([
      "deployments.instances",
      "formation.get",
    ]);
    expect(await refetchedAfter({ type: "deployment.updated", appId: APP_ID, deploymentId: "d1", status: "running" })).toEqual([
      "apps.get",
      "deployments.list",
      "releases.list",
    ]);
    expect(await refetchedAfter({ type: "metrics.tick", appId: APP_ID, sampledAt: new Date() })).toEqual(["deployments.instances"]);
    expect(await refetchedAfter({ type: "one-off.updated", appId: APP_ID, oneOffId: "o1", status: "running" })).toEqual(["oneOffs.list"]);
    // The header's maintenance badge, and the activity list that records the change.
    expect(await refetchedAfter({ type: "maintenance.updated", appId: APP_ID, enabled: true })).toEqual([
      "audit.forApp",
      "maintenance.get",
    ]);
    expect(await refetchedAfter({ type: "resync", appId: APP_ID })).toEqual([
      "apps.get",
      "audit.forApp",
      "deployments.instances",
      "deployments.list",
      "deployments.overview",
      "formation.get",
      "maintenance.get",
      "oneOffs.list",
      "releases.list",
    ]);
  });
});
