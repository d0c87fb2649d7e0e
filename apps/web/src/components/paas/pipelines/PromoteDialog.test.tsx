import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { renderWithBackend } from "../../../test/render.tsx";
import { stubApp } from "../../../test/stubBackend.ts";
import { PipelinePage } from "./PipelinePage.tsx";
import { pipelineBackend, STORE } from "./pipelineFixture.ts";

function open(backend = pipelineBackend()) {
  renderWithBackend(<PipelinePage />, { fetch: backend.fetch, path: "/paas/pipelines/:pipeline", url: "/paas/pipelines/shop" });
  return backend;
}

const prodCard = () => within(screen.getAllByTestId("stage-app").find((el) => el.dataset.app === "web-prod") as HTMLElement);
const promoteCalls = (backend: ReturnType<typeof pipelineBackend>) => backend.state.calls.filter((c) => c.path === "pipelines.promote");

describe("Promote from the pipeline view (stub tRPC server behind fetch)", () => {
  it("lists the targets and the config-key diff (keys only), and promotes only after confirmation", async () => {
    const backend = open();
    await userEvent.click(await screen.findByRole("button", { name: "Promote web-staging" }));
    const dialog = within(screen.getByRole("dialog", { name: "Promote web-staging?" }));
    const target = within(await dialog.findByTestId("promotion-target"));

    expect(dialog.getByText(/Production gets the build of/).textContent).toContain("web-staging v3");
    expect(target.getByRole("checkbox", { name: "web-prod" })).toHaveProperty("checked", true);
    expect(target.getByTestId("promotion-change").textContent).toBe(
      "v1 → the build of web-staging v3, with web-prod's own config, deployed Rolling",
    );
    const keys = (group: string) =>
      within(target.getByTestId(`config-keys-${group}`))
        .queryAllByRole("listitem")
        .map((li) => li.textContent);
    expect(keys("onlyInSource")).toEqual(["DEBUG"]);
    expect(keys("onlyInTarget")).toEqual(["SENTRY_DSN"]);
    expect(keys("inBoth")).toEqual(["DATABASE_URL", "GREETING"]);
    // Keys, never values.
    expect(screen.getByRole("dialog").textContent).not.toMatch(/secret|hi prod|hi staging|prod-dsn/);

    // Looking is not promoting; cancelling neither.
    expect(promoteCalls(backend)).toHaveLength(0);
    await userEvent.click(dialog.getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(promoteCalls(backend)).toHaveLength(0);

    await userEvent.click(screen.getByRole("button", { name: "Promote web-staging" }));
    const again = within(screen.getByRole("dialog", { name: "Promote web-staging?" }));
    await userEvent.click(await again.findByRole("button", { name: "Promote to 1 app" }));
    await waitFor(() => expect(promoteCalls(backend)).toHaveLength(1));
    expect(promoteCalls(backend)[0]?.input).toEqual({ pipeline: "pipeline-shop", from: "web-staging" });
  });

  it("follows the new deployment, then shows production's new release: kind promotion, from staging v3, the same build", async () => {
    const backend = open();
    await userEvent.click(await screen.findByRole("button", { name: "Promote web-staging" }));
    const dialog = within(screen.getByRole("dialog", { name: "Promote web-staging?" }));
    await userEvent.click(await dialog.findByRole("button", { name: "Promote to 1 app" }));

    const progress = within(await dialog.findByTestId("promotion"));
    expect(progress.getByText("web-prod v2")).toBeTruthy();
    expect(progress.getByRole("link", { name: "See the deployment" }).getAttribute("href")).toBe("/paas/apps/web-prod/deployments");
    await waitFor(() => expect(progress.getByTestId("deployment-status").dataset.status).toBe("queued"));

    // The engine deploys it: the release becomes production's current one, and the event stream says so.
    const deployment = backend.state.runtime.deployments.at(-1);
    const prod = backend.state.apps.find((a) => a.name === "web-prod");
    if (!deployment || !prod) throw new Error("no deployment");
    Object.assign(deployment, { status: "succeeded", finishedAt: new Date() });
    prod.currentReleaseId = deployment.releaseId;
    backend.publishAppEvent({ type: "deployment.updated", appId: prod.id, deploymentId: deployment.id, status: "succeeded" });

    await waitFor(() => expect(progress.getByTestId("deployment-status").dataset.status).toBe("succeeded"));
    await userEvent.click(dialog.getByRole("button", { name: "Close" }));
    await waitFor(() => expect(prodCard().getByTestId("release-version").textContent).toBe("v2"));
    expect(prodCard().getByTestId("release-kind").textContent).toBe("promotion");
    expect(prodCard().getByTestId("promoted-from").textContent).toBe("web-staging v3");
    expect(prodCard().getByTestId("release-store-path").getAttribute("title")).toBe(STORE);
    expect(prodCard().getByTestId("release-commit").textContent).toBe("—");
  });

  it("promotes to the chosen targets only when some are unticked, and shows the server's refusal", async () => {
    const backend = pipelineBackend();
    backend.state.apps.push(stubApp("web-prod-eu"));
    backend.state.pipelines.pipelines[0]?.stages.production.push("web-prod-eu");
    open(backend);
    await userEvent.click(await screen.findByRole("button", { name: "Promote web-staging" }));
    const dialog = within(screen.getByRole("dialog", { name: "Promote web-staging?" }));
    await dialog.findAllByTestId("promotion-target");
    await userEvent.click(dialog.getByRole("checkbox", { name: "web-prod-eu" }));
    // The viewer role is refused by the server; the dialog says why and stays open.
    backend.state.role = "viewer";
    await userEvent.click(dialog.getByRole("button", { name: "Promote to 1 app" }));
    expect((await dialog.findByRole("alert")).textContent).toContain("Your role in this team is viewer.");
    expect(promoteCalls(backend).map((c) => c.input)).toEqual([{ pipeline: "pipeline-shop", from: "web-staging", to: ["web-prod"] }]);
    expect(backend.state.runtime.deployments).toHaveLength(0);

    await userEvent.click(dialog.getByRole("checkbox", { name: "web-prod" }));
    expect(dialog.getByRole("button", { name: "Promote to 0 apps" })).toHaveProperty("disabled", true);
  });

  it("asks for an override reason when the team's policy blocks the build, and sends it with the promotion", async () => {
    const backend = pipelineBackend();
    backend.state.pipelines.blocked.push("release-staging-v3");
    open(backend);
    await userEvent.click(await screen.findByRole("button", { name: "Promote web-staging" }));
    const dialog = within(screen.getByRole("dialog", { name: "Promote web-staging?" }));
    await userEvent.click(await dialog.findByRole("button", { name: "Promote to 1 app" }));
    expect((await dialog.findByRole("alert")).textContent).toContain("critical findings: minimist 0.0.8");
    const promote = dialog.getByRole("button", { name: "Promote to 1 app" }) as HTMLButtonElement;
    expect(promote.disabled).toBe(true);
    await userEvent.type(dialog.getByRole("textbox", { name: "Override reason" }), "fixed upstream, patch next week");
    await userEvent.click(promote);
    expect(await dialog.findByTestId("promotion")).toBeTruthy();
    expect(promoteCalls(backend).map((c) => c.input)).toEqual([
      { pipeline: "pipeline-shop", from: "web-staging" },
      { pipeline: "pipeline-shop", from: "web-staging", overrideReason: "fixed upstream, patch next week" },
    ]);
  });
});
