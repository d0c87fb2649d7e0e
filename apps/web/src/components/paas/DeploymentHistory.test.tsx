import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { renderWithBackend } from "../../test/render.tsx";
import { createStubBackend, stubApp, stubBuild, stubDeployment, stubRelease } from "../../test/stubBackend.ts";
import type { StubRuntime } from "../../test/stubRuntime.ts";
import { AppDashboard } from "./AppDashboard.tsx";

const v1 = stubRelease("web-shop", 1, { description: "Deploy build #1" });
const v2 = stubRelease("web-shop", 2, { description: "Deploy build #2" });
const at = (iso: string) => new Date(iso);

function openDeployments(runtime: Partial<StubRuntime> = {}, role: "owner" | "viewer" = "owner") {
  const backend = createStubBackend({
    role,
    apps: [stubApp("web-shop", { currentReleaseId: v2.id })],
    builds: [
      stubBuild("web-shop", 1, { status: "succeeded", source: { type: "archive", filename: "one.tar.gz", bytes: 2048 } }),
      stubBuild("web-shop", 2, { status: "succeeded", source: { type: "archive", filename: "two.tar.gz", bytes: 2048 } }),
      stubBuild("web-shop", 3, { status: "failed" }),
    ],
    runtime: { releases: [v1, v2], ...runtime },
  });
  renderWithBackend(<AppDashboard />, { fetch: backend.fetch, path: "/paas/apps/:id/*", url: "/paas/apps/web-shop/deployments" });
  return backend;
}

const called = (backend: ReturnType<typeof openDeployments>, path: string) => backend.state.calls.filter((c) => c.path === path);
/** Each step as the user reads it: name, status, detail and time. */
const steps = () =>
  screen.queryAllByTestId("deployment-step").map((s) => {
    const step = within(s);
    return {
      name: step.getByTestId("step-name").textContent,
      status: step.getByTestId("step-status").textContent,
      detail: step.queryByTestId("step-detail")?.textContent ?? null,
      time: step.getByTestId("step-duration").textContent,
    };
  });

describe("Deployments tab (stub tRPC server behind fetch)", () => {
  it("deploys a chosen succeeded build with a strategy, then follows its steps live until it succeeds", async () => {
    const backend = openDeployments();
    const form = within(await screen.findByRole("form", { name: "Deploy a build" }));
    const build = (await form.findByRole("combobox", { name: "Build" })) as HTMLSelectElement;
    // Only succeeded builds can be deployed; the newest is chosen first.
    expect([...build.options].map((o) => o.textContent?.split(" · ")[0])).toEqual(["#2", "#1"]);
    await userEvent.selectOptions(build, "00000000-0000-4000-8000-000000000001");
    await userEvent.selectOptions(form.getByRole("combobox", { name: "Strategy" }), "Blue-green");
    await userEvent.click(form.getByRole("button", { name: "Deploy" }));

    await waitFor(() => expect(called(backend, "deployments.create")).toHaveLength(1));
    expect(called(backend, "deployments.create")[0]?.input).toEqual({
      app: "web-shop",
      buildId: "00000000-0000-4000-8000-000000000001",
      strategy: "blue_green",
    });
    // The new deployment opens by itself, still waiting.
    const row = await screen.findByTestId("deployment-row");
    expect(within(row).getByRole("button", { expanded: true })).toBeTruthy();
    expect(within(row).getByText("Waiting to start…")).toBeTruthy();

    // The engine runs it and announces each change; the list follows without a timer.
    const deployment = backend.state.runtime.deployments[0];
    if (!deployment) throw new Error("no deployment");
    const announce = () =>
      backend.publishAppEvent({
        type: "deployment.updated",
        appId: deployment.appId,
        deploymentId: deployment.id,
        status: deployment.status,
      });
    Object.assign(deployment, {
      status: "running",
      startedAt: new Date(),
      steps: [
        { name: "build", status: "succeeded", startedAt: new Date().toISOString(), durationMs: 12, detail: "build #1 succeeded" },
        { name: "release", status: "succeeded", startedAt: new Date().toISOString(), durationMs: 40, detail: "v3" },
        {
          name: "web: start 1 new instance(s) beside the old",
          status: "running",
          startedAt: new Date().toISOString(),
          durationMs: null,
          detail: null,
        },
      ],
    });
    announce();
    await waitFor(() => expect(steps()).toHaveLength(3));
    expect(steps()[0]).toEqual({ name: "build", status: "succeeded", detail: "build #1 succeeded", time: "12 ms" });
    expect(steps()[2]?.status).toBe("running");
    expect(screen.getAllByTestId("deployment-step")[2]?.getAttribute("aria-current")).toBe("step");

    backend.state.runtime.releases.push(stubRelease("web-shop", 3, { id: "r0000003-0000-4000-8000-000000000000" }));
    Object.assign(deployment, {
      status: "succeeded",
      releaseId: "r0000003-0000-4000-8000-000000000000",
      durationMs: 5400,
      steps: [
        ...(deployment.steps as object[]).slice(0, 2),
        { name: "web: start 1 new instance(s) beside the old", status: "succeeded", startedAt: "", durationMs: 5200, detail: null },
        { name: "switch", status: "succeeded", startedAt: "", durationMs: 3, detail: null },
      ],
    });
    announce();
    await waitFor(() => expect(within(row).getByTestId("deployment-status").dataset.status).toBe("succeeded"));
    expect(steps().map((s) => s.status)).toEqual(["succeeded", "succeeded", "succeeded", "succeeded"]);
    expect(steps()[2]?.time).toBe("5.2 s");
    await waitFor(() => expect(within(row).getByTestId("deployment-release").textContent).toBe("v3"));
  });

  it("opens a finished deployment to its steps and its error", async () => {
    openDeployments({
      deployments: [
        stubDeployment("web-shop", 1, {
          status: "failed",
          releaseId: v2.id,
          createdAt: at("2025-01-03T00:00:00Z"),
          error: "web instance 1 was not healthy within 60 s",
          steps: [
            {
              name: "release command",
              status: "skipped",
              startedAt: "2025-01-03T00:00:00Z",
              durationMs: 0,
              detail: "none in the Procfile",
            },
            {
              name: "web: roll out 1 instance(s)",
              status: "failed",
              startedAt: "2025-01-03T00:00:00Z",
              durationMs: 60_000,
              detail: "not healthy",
            },
          ],
        }),
      ],
    });
    const row = await screen.findByTestId("deployment-row");
    expect(within(row).getByTestId("deployment-release").textContent).toBe("v2");
    expect(screen.queryByTestId("deployment-detail")).toBeNull();
    await userEvent.click(within(row).getByRole("button", { expanded: false }));
    expect(steps()).toEqual([
      { name: "release command", status: "skipped", detail: "none in the Procfile", time: "" },
      { name: "web: roll out 1 instance(s)", status: "failed", detail: "not healthy", time: "1 min 00 s" },
    ]);
    expect(screen.getByTestId("deployment-error").textContent).toBe("web instance 1 was not healthy within 60 s");
  });

  it("asks before rolling back, and rolls back to the chosen version only when confirmed", async () => {
    const backend = openDeployments();
    await screen.findByTestId("release-list");
    const release = (version: number) => {
      const el = screen.getAllByTestId("release-row").find((r) => r.dataset.version === String(version));
      if (!el) throw new Error(`no v${version}`);
      return within(el);
    };
    // The current release has no rollback button; every other one has.
    await waitFor(() => expect(release(2).getByTestId("release-current")).toBeTruthy());
    expect(release(2).queryByRole("button")).toBeNull();

    await userEvent.click(release(1).getByRole("button", { name: "Roll back to v1" }));
    let dialog = within(screen.getByRole("dialog", { name: "Roll back to v1?" }));
    expect(dialog.getByText(/v2 keeps serving until the new instances are healthy/)).toBeTruthy();
    await userEvent.click(dialog.getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(called(backend, "deployments.rollback")).toHaveLength(0);

    await userEvent.click(release(1).getByRole("button", { name: "Roll back to v1" }));
    dialog = within(screen.getByRole("dialog", { name: "Roll back to v1?" }));
    await userEvent.click(dialog.getByRole("button", { name: "Roll back to v1" }));

    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(called(backend, "deployments.rollback").map((c) => c.input)).toEqual([{ app: "web-shop", release: 1 }]);
    // The rollback is a new release, and a deployment that is followed like any other.
    expect((await screen.findByText("Rollback to v1")).closest("li")?.dataset.version).toBe("3");
    const row = await screen.findByTestId("deployment-row");
    expect(row.textContent).toContain("Rollback");
    expect(within(row).getByRole("button", { expanded: true })).toBeTruthy();
  });

  it("shows the server's refusal of a rollback in the dialog", async () => {
    openDeployments({ mode: null });
    await screen.findByTestId("release-list");
    await userEvent.click(await screen.findByRole("button", { name: "Roll back to v1" }));
    const dialog = within(screen.getByRole("dialog", { name: "Roll back to v1?" }));
    await userEvent.click(dialog.getByRole("button", { name: "Roll back to v1" }));
    expect((await dialog.findByTestId("rollback-error")).textContent).toBe("This platform runs no apps: it was started without a runtime.");
  });

  it("offers a viewer neither deploying nor rolling back", async () => {
    openDeployments({}, "viewer");
    await screen.findByTestId("release-list");
    expect(screen.queryByRole("form", { name: "Deploy a build" })).toBeNull();
    expect(screen.queryByRole("button", { name: /Roll back/ })).toBeNull();
  });
});
