import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { renderWithBackend } from "../../../test/render.tsx";
import { PipelinePage } from "./PipelinePage.tsx";
import { pipelineBackend } from "./pipelineFixture.ts";

function open(backend = pipelineBackend()) {
  renderWithBackend(<PipelinePage />, { fetch: backend.fetch, path: "/paas/pipelines/:pipeline", url: "/paas/pipelines/shop" });
  return backend;
}

const card = (name: string) => within(screen.getAllByTestId("stage-app").find((el) => el.dataset.app === name) as HTMLElement);

describe("PipelinePage (stub tRPC server behind fetch)", () => {
  it("shows the stages side by side in order, each app with its release, commit, promotion source and build", async () => {
    open();
    expect(await screen.findByTestId("pipeline-name")).toHaveProperty("textContent", "shop");

    const columns = within(screen.getByTestId("pipeline-stages")).getAllByTestId("stage");
    expect(columns.map((c) => c.dataset.stage)).toEqual(["review", "development", "staging", "production"]);
    expect(columns.map((c) => c.getAttribute("aria-label"))).toEqual(["Review apps", "Development", "Staging", "Production"]);

    const staging = card("web-staging");
    expect(staging.getByRole("link", { name: "web-staging" }).getAttribute("href")).toBe("/paas/apps/web-staging");
    expect(staging.getByTestId("app-status").textContent).toContain("running");
    expect(staging.getByTestId("stage-app-url").textContent).toBe("http://web-staging.localhost:8080/");
    expect(staging.getByTestId("release-version").textContent).toBe("v3");
    expect(staging.getByTestId("release-kind").textContent).toBe("build");
    expect(staging.getByTestId("release-commit").textContent).toBe("abcdef1");
    expect(staging.getByTestId("release-store-path").textContent).toBe("bbbbbbbb…-web-1.0.0");
    expect(staging.queryByTestId("promoted-from")).toBeNull();

    const prod = card("web-prod");
    expect(prod.getByTestId("release-kind").textContent).toBe("promotion");
    expect(prod.getByTestId("promoted-from").textContent).toBe("web-staging v2");
    // Production is the last stage: nothing to promote it to.
    expect(prod.queryByRole("button", { name: /Promote/ })).toBeNull();
    expect(card("web-dev").getByText("No release yet")).toBeTruthy();
    expect((card("web-dev").getByRole("button", { name: "Promote web-dev" }) as HTMLButtonElement).disabled).toBe(true);

    const review = within(screen.getByTestId("review-app"));
    expect(review.getByText("PR #42")).toBeTruthy();
    expect(review.getByTestId("review-app-status").textContent).toContain("deployed");
    expect(review.getByTestId("review-app-url").textContent).toBe("http://shop-login-form.localhost:8080/");
    expect(review.getByTestId("review-app-origin").textContent).toBe("From api, expires in 3 days");
  });

  it("adds one of the team's apps to a stage and takes one out", async () => {
    const backend = open();
    await screen.findByTestId("pipeline-name");
    const staging = within(screen.getByRole("form", { name: "Add an app to Staging" }));
    // Apps already at this stage are not offered.
    await waitFor(() =>
      expect(
        staging
          .getAllByRole("option")
          .map((o) => o.textContent)
          .sort(),
      ).toEqual(["Choose an app…", "other-app", "web-dev", "web-prod"]),
    );
    await userEvent.selectOptions(staging.getByRole("combobox"), "other-app");
    await userEvent.click(staging.getByRole("button", { name: "Add" }));
    await waitFor(() => expect(card("other-app").getByRole("link", { name: "other-app" })).toBeTruthy());
    expect(backend.state.pipelines.pipelines[0]?.stages.staging).toEqual(["web-staging", "other-app"]);

    await userEvent.click(card("web-dev").getByRole("button", { name: "Take web-dev out of the pipeline" }));
    await waitFor(() => expect(screen.queryByRole("link", { name: "web-dev" })).toBeNull());
    expect(backend.state.pipelines.pipelines[0]?.stages.development).toEqual([]);
  });

  it("destroys a review app only after its app name is typed", async () => {
    const backend = open();
    await screen.findByTestId("review-app");
    await userEvent.click(screen.getByRole("button", { name: "Destroy the review app of login-form" }));
    const dialog = within(screen.getByRole("dialog", { name: "Destroy the review app of login-form?" }));
    const destroy = dialog.getByRole("button", { name: "Destroy review app" }) as HTMLButtonElement;
    expect(destroy.disabled).toBe(true);
    await userEvent.type(dialog.getByRole("textbox", { name: /Type shop-login-form to confirm/ }), "shop-login-for");
    expect(destroy.disabled).toBe(true);
    // Enter in the field submits the form: a wrong name must not reach the server either.
    await userEvent.keyboard("{Enter}");
    expect(backend.state.calls.filter((c) => c.path === "reviewApps.destroy")).toHaveLength(0);

    await userEvent.type(dialog.getByRole("textbox", { name: /Type shop-login-form to confirm/ }), "m");
    await userEvent.click(destroy);
    await waitFor(() => expect(screen.queryByTestId("review-app")).toBeNull());
    expect(backend.state.calls.filter((c) => c.path === "reviewApps.destroy").map((c) => c.input)).toEqual([
      { pipeline: "pipeline-shop", reviewApp: "review-login-form", confirm: "shop-login-form" },
    ]);
  });

  it("creates a review app for a branch and shows the server's refusal when the pipeline is full", async () => {
    const backend = pipelineBackend();
    const shop = backend.state.pipelines.pipelines[0];
    if (shop) shop.review.maxApps = 2;
    open(backend);
    const form = within(await screen.findByRole("form", { name: "Create a review app" }));
    await userEvent.type(form.getByRole("textbox", { name: "Branch" }), "checkout");
    await userEvent.click(form.getByRole("button", { name: "Create" }));
    await waitFor(() => expect(screen.getAllByTestId("review-app").map((el) => el.dataset.branch)).toEqual(["login-form", "checkout"]));

    await userEvent.type(form.getByRole("textbox", { name: "Branch" }), "third");
    await userEvent.click(form.getByRole("button", { name: "Create" }));
    expect((await form.findByRole("alert")).textContent).toContain("has 2 review apps, its maximum");
    expect(screen.getAllByTestId("review-app")).toHaveLength(2);
  });

  it("saves the review settings and shows a rotated webhook secret once, with the full webhook URL", async () => {
    const backend = open();
    const settings = within(await screen.findByRole("region", { name: "Review app settings" }));
    await userEvent.clear(settings.getByRole("spinbutton", { name: "Destroyed after (hours)" }));
    await userEvent.type(settings.getByRole("spinbutton", { name: "Destroyed after (hours)" }), "48");
    await userEvent.selectOptions(settings.getByRole("combobox", { name: "When that many exist" }), "destroy_oldest");
    await userEvent.click(settings.getByRole("button", { name: "Save settings" }));
    await waitFor(() =>
      expect(backend.state.pipelines.pipelines[0]?.review).toMatchObject({ ttlSeconds: 172_800, whenFull: "destroy_oldest" }),
    );

    expect(settings.queryByTestId("webhook-secret")).toBeNull();
    await userEvent.click(settings.getByRole("button", { name: "Make a webhook secret" }));
    expect((await settings.findByTestId("webhook-secret-value")).textContent).toBe("whsec-shop-0123456789");
    expect(settings.getByTestId("webhook-url").textContent).toBe(`${window.location.origin}/api/pipelines/pipeline-shop/webhook`);
    await waitFor(() => expect(settings.getByRole("button", { name: "Rotate the webhook secret" })).toBeTruthy());
  });

  it("deletes the pipeline only after its name is typed, then goes back to the list", async () => {
    const backend = open();
    await userEvent.click(await screen.findByRole("button", { name: "Delete pipeline" }));
    const dialog = within(screen.getByRole("dialog", { name: "Delete the pipeline shop?" }));
    const confirm = dialog.getByRole("button", { name: "Delete pipeline" }) as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    await userEvent.type(dialog.getByRole("textbox", { name: /Type shop to confirm/ }), "shop");
    await userEvent.click(confirm);
    await waitFor(() => expect(screen.getByTestId("location").textContent).toBe("/paas/pipelines"));
    expect(backend.state.pipelines.pipelines).toHaveLength(0);
    expect(backend.state.apps).toHaveLength(4);
  });
});
