import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { renderWithBackend } from "../../test/render.tsx";
import { createStubBackend, stubApp, stubInstance, stubRelease } from "../../test/stubBackend.ts";
import type { StubRuntime } from "../../test/stubRuntime.ts";
import { AppDashboard } from "./AppDashboard.tsx";

const v1 = stubRelease("web-shop", 1);
const v2 = stubRelease("web-shop", 2, { description: "Deploy build #4" });

function openOverview(runtime: Partial<StubRuntime> = {}, currentReleaseId: string | null = v2.id) {
  const backend = createStubBackend({ apps: [stubApp("web-shop", { status: "running", currentReleaseId })], runtime });
  renderWithBackend(<AppDashboard />, { fetch: backend.fetch, path: "/paas/apps/:id/*", url: "/paas/apps/web-shop" });
  return backend;
}

const rows = () => screen.queryAllByTestId("instance-row").map((r) => within(r));

describe("AppOverview: where the app answers and what runs it (stub tRPC server behind fetch)", () => {
  it("links the app's URL and names the current release", async () => {
    openOverview({ releases: [v1, v2] });
    const link = await screen.findByRole("link", { name: "http://web-shop.localhost:8080/" });
    expect(link.getAttribute("href")).toBe("http://web-shop.localhost:8080/");
    await waitFor(() => expect(screen.getByTestId("current-release").textContent).toMatch(/^v2 · Deploy build #4 · /));
    expect(screen.queryByTestId("process-mode-warning")).toBeNull();
  });

  it("says why there is no URL when the platform runs no apps, and that nothing is released yet", async () => {
    openOverview({ mode: null }, null);
    await waitFor(() => expect(screen.getByTestId("app-url-row").textContent).toContain("started without a runtime"));
    expect(screen.queryByTestId("app-url")).toBeNull();
    expect(screen.getByTestId("current-release").textContent).toContain("None yet");
  });

  it("lists the app's one-off processes with their command and how each ended", async () => {
    const at = new Date("2025-01-02T03:04:05Z");
    const oneOff = (number: number, extra: Partial<NonNullable<StubRuntime["oneOffs"]>[string][number]>) => ({
      id: `00000000-0000-4000-8000-00000000000${number}`,
      name: `run.${number}`,
      number,
      command: "bash",
      attach: true,
      status: "running" as const,
      exitCode: null,
      exitReason: null,
      releaseId: v2.id,
      timeoutSeconds: 3600,
      createdAt: at,
      startedAt: at,
      finishedAt: null,
      attachUrl: null,
      ...extra,
    });
    openOverview({
      releases: [v1, v2],
      oneOffs: {
        "web-shop": [
          oneOff(2, {}),
          oneOff(1, { command: "rake db:migrate", attach: false, status: "failed", exitCode: 3, exitReason: "exited with code 3" }),
        ],
      },
    });
    await waitFor(() => expect(screen.getAllByTestId("one-off-row")).toHaveLength(2));
    const [running, failed] = screen.getAllByTestId("one-off-row").map((r) => within(r));
    expect(running?.getByText("run.2")).toBeTruthy();
    expect(running?.getByText("running (attached)")).toBeTruthy();
    expect(failed?.getByText("rake db:migrate")).toBeTruthy();
    expect(failed?.getByText("failed, exit 3")).toBeTruthy();
  });

  it("says how to run a one-off process when there are none", async () => {
    openOverview({ releases: [v1, v2] });
    expect((await screen.findByTestId("one-offs-empty")).textContent).toContain("skypanel run -a web-shop -- bash");
  });

  it("lists live instances with release, health and restarts, keeps stopped ones behind a toggle, and follows the platform's instance events", async () => {
    const backend = openOverview({
      releases: [v1, v2],
      instances: [
        stubInstance("web-shop", 1, { releaseId: v2.id, restartCount: 2, healthDetail: "GET / answered 200 in 4 ms", cpuPercent: 3.25 }),
        stubInstance("web-shop", 2, { releaseId: v1.id, processType: "worker", healthStatus: "unknown" }),
        stubInstance("web-shop", 3, { releaseId: v1.id, status: "stopped", exitReason: "replaced by v2" }),
      ],
    });
    await waitFor(() => expect(rows()).toHaveLength(2));
    const [web, worker] = rows();
    expect(web?.getByText("web")).toBeTruthy();
    expect(web?.getByText("i0000001")).toBeTruthy();
    expect(web?.getByTestId("instance-release").textContent).toBe("v2");
    expect(web?.getByTestId("instance-status").dataset.status).toBe("running");
    expect(web?.getByTestId("instance-health").textContent).toContain("healthy");
    expect(web?.getByTestId("instance-health").textContent).toContain("GET / answered 200 in 4 ms");
    expect(web?.getByTestId("instance-restarts").textContent).toBe("2");
    expect(web?.getByText("3.3 %")).toBeTruthy();
    expect(worker?.getByTestId("instance-release").textContent).toBe("v1");
    expect(worker?.getByTestId("health-status").dataset.status).toBe("unknown");

    await userEvent.click(screen.getByRole("checkbox", { name: "Show stopped and failed instances (1)" }));
    expect(rows()).toHaveLength(3);
    expect(rows()[2]?.getByText("replaced by v2")).toBeTruthy();

    // The supervisor restarts the web instance after a failed health check and says so; nobody
    // reloads the page, and no timer is waited for (the safety refetch is 30 s away).
    await waitFor(() => expect(screen.getByTestId("live-indicator").dataset.state).toBe("live"));
    const fetched = () => backend.state.calls.filter((c) => c.path === "deployments.instances").length;
    const before = fetched();
    const restarted = backend.state.runtime.instances[0];
    Object.assign(restarted ?? {}, { status: "starting", healthStatus: "unhealthy", restartCount: 3 });
    backend.publishAppEvent({
      type: "instance.updated",
      appId: "id-web-shop",
      instanceId: restarted?.id ?? "",
      status: "starting",
      health: "unhealthy",
    });
    await waitFor(() => expect(rows()[0]?.getByTestId("instance-restarts").textContent).toBe("3"));
    expect(rows()[0]?.getByTestId("instance-status").dataset.status).toBe("starting");
    expect(rows()[0]?.getByTestId("health-status").dataset.status).toBe("unhealthy");
    expect(fetched()).toBe(before + 1);
  });

  it("warns that instances are not isolated when the platform runs apps as plain processes", async () => {
    openOverview({ mode: "process", instances: [stubInstance("web-shop", 1, { runtimeMode: "process" })] });
    const warning = await screen.findByTestId("process-mode-warning");
    expect(warning.textContent).toContain("Instances are not isolated.");
    expect(within(screen.getByTestId("overview-instances")).getByTestId("process-mode-warning")).toBe(warning);
  });
});
