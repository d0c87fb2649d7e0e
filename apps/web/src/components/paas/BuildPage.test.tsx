import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { renderWithBackend } from "../../test/render.tsx";
import { createStubBackend, type StubBuild, stubApp, stubBuild, stubDeployment, stubStages } from "../../test/stubBackend.ts";
import { AppDashboard } from "./AppDashboard.tsx";

const PLAN: NonNullable<StubBuild["plan"]> = {
  stack: "nodejs",
  framework: "express",
  versions: { node: "20.x" },
  packageManager: "npm",
  lockfiles: ["package-lock.json"],
  install: "npm ci",
  build: null,
  test: null,
  processes: { web: "npm start" },
  release: null,
  port: 5000,
  reasons: [{ topic: "stack", reason: "package.json found: Node.js." }],
  warnings: ["No engines.node; Node.js 20 assumed."],
};

function openBuild(build = stubBuild("web-shop", 1, { status: "running" }), logs: string[] = []) {
  const backend = createStubBackend({ apps: [stubApp("web-shop")], builds: [build], buildLogs: { [build.id]: logs } });
  const view = renderWithBackend(<AppDashboard />, {
    fetch: backend.fetch,
    path: "/paas/apps/:id/*",
    url: `/paas/apps/web-shop/builds/${build.id}`,
  });
  return { backend, build, ...view };
}

const stageStatus = (name: string) => screen.getAllByTestId("build-stage").find((s) => s.dataset.stage === name)?.dataset.status;

describe("BuildPage (stub tRPC server behind fetch, subscriptions over SSE)", () => {
  it("streams the log live, then shows the finished status and stages without a reload", async () => {
    const { backend, build } = openBuild(
      stubBuild("web-shop", 1, { status: "running", stages: stubStages({ fetch: { status: "running" } }) }),
      ["-----> unpacking app.tar.gz"],
    );
    expect((await screen.findByTestId("build-title")).textContent).toBe("Build #1");
    expect(await screen.findByText("-----> unpacking app.tar.gz")).toBeTruthy();
    await waitFor(() => expect(screen.getByTestId("log-connection").dataset.state).toBe("live"));
    expect(screen.getByTestId("build-plan").textContent).toContain("once the detect stage");

    backend.appendLog(build.id, "\u001b[32madded 68 packages\u001b[0m");
    expect(await screen.findByText("added 68 packages")).toBeTruthy();
    backend.updateBuild(build.id, {
      plan: PLAN,
      stages: stubStages({ fetch: { status: "succeeded", durationMs: 150 }, detect: { status: "succeeded", durationMs: 134 } }),
    });
    await waitFor(() => expect(stageStatus("detect")).toBe("succeeded"));
    expect(screen.getByTestId("plan-stack").textContent).toBe("nodejs");

    backend.appendLog(build.id, "-----> build succeeded in 6.7 s");
    backend.updateBuild(build.id, {
      status: "succeeded",
      durationMs: 6700,
      cacheHit: false,
      stages: stubStages({
        fetch: { status: "succeeded", durationMs: 150 },
        detect: { status: "succeeded", durationMs: 134 },
        dependencies: { status: "succeeded", durationMs: 4539, detail: "cache miss, fetched 2.4 MiB" },
        build: { status: "succeeded", durationMs: 80 },
        tests: { status: "skipped", detail: "no test command configured" },
        artifact: { status: "succeeded", durationMs: 109 },
        optimise: { status: "succeeded", durationMs: 3 },
      }),
    });
    await waitFor(() => expect(screen.getByTestId("build-status").dataset.status).toBe("succeeded"));
    await waitFor(() => expect(screen.getByTestId("log-connection").dataset.state).toBe("finished"));
    expect(screen.getByText("-----> build succeeded in 6.7 s")).toBeTruthy();
    expect(screen.getByTestId("build-cache").textContent).toBe("cache miss");
    expect(screen.getByTestId("build-stages-summary").textContent).toBe("7 of 7 stages done");
    expect(screen.queryByRole("button", { name: "Cancel build" })).toBeNull();
    // Each line once.
    expect(screen.getAllByText("-----> unpacking app.tar.gz")).toHaveLength(1);
  });

  it("reads a finished build's log in one request and highlights the plan's warnings", async () => {
    const build = stubBuild("web-shop", 4, { status: "failed", error: "npm ci failed", plan: PLAN });
    openBuild(build, ["line one", "line two"]);
    expect(await screen.findByText("line two")).toBeTruthy();
    expect(screen.getByTestId("log-connection").dataset.state).toBe("finished");
    expect(screen.getByTestId("build-error").textContent).toBe("npm ci failed");
    expect(within(screen.getByTestId("plan-warnings")).getByText("No engines.node; Node.js 20 assumed.")).toBeTruthy();
    expect(screen.getByTestId("plan-reasons").textContent).toContain("package.json found: Node.js.");
  });

  it("cancels a running build only after confirmation", async () => {
    const { backend, build } = openBuild();
    await userEvent.click(await screen.findByRole("button", { name: "Cancel build" }));
    const dialog = screen.getByRole("dialog", { name: "Cancel build #1?" });
    await userEvent.click(within(dialog).getByRole("button", { name: "Keep building" }));
    expect(backend.state.builds[0]?.status).toBe("running");

    await userEvent.click(screen.getByRole("button", { name: "Cancel build" }));
    await userEvent.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Cancel build" }));
    await waitFor(() => expect(screen.getByTestId("build-status").dataset.status).toBe("cancelled"));
    expect(backend.state.calls.filter((c) => c.path === "builds.cancel").map((c) => c.input)).toEqual([{ app: "web-shop", id: build.id }]);
  });

  it("says so when the app has no such build", async () => {
    renderWithBackend(<AppDashboard />, {
      fetch: createStubBackend({ apps: [stubApp("web-shop")] }).fetch,
      path: "/paas/apps/:id/*",
      url: "/paas/apps/web-shop/builds/00000000-0000-4000-8000-000000000099",
    });
    expect(await screen.findByTestId("build-not-found")).toBeTruthy();
  });

  it("says that the build deploys itself when it succeeds, and how that deployment stands", async () => {
    const build = stubBuild("web-shop", 1, { status: "running" });
    const backend = createStubBackend({
      apps: [stubApp("web-shop")],
      builds: [build],
      buildLogs: { [build.id]: [] },
      runtime: { deployments: [stubDeployment("web-shop", 1, { appId: "id-web-shop", status: "queued", options: { buildId: build.id } })] },
    });
    renderWithBackend(<AppDashboard />, { fetch: backend.fetch, path: "/paas/apps/:id/*", url: `/paas/apps/web-shop/builds/${build.id}` });
    const note = await screen.findByTestId("build-deployment");
    expect(note.textContent).toContain("Deploys when the build succeeds:");
    expect(within(note).getByTestId("deployment-status").dataset.status).toBe("queued");
    expect(within(note).getByRole("link").getAttribute("href")).toBe("/paas/apps/web-shop/deployments");
    expect(screen.queryByTestId("build-next")).toBeNull();
  });
});
