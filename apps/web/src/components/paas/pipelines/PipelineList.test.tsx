import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { renderWithBackend } from "../../../test/render.tsx";
import { createStubBackend } from "../../../test/stubBackend.ts";
import { PipelineList } from "./PipelineList.tsx";
import { pipelineBackend } from "./pipelineFixture.ts";

describe("PipelineList (stub tRPC server behind fetch)", () => {
  it("lists pipelines with their app counts, linking to each", async () => {
    const backend = pipelineBackend();
    renderWithBackend(<PipelineList />, { fetch: backend.fetch });
    const card = within(await screen.findByTestId("pipeline-card"));
    expect(card.getByRole("link", { name: "shop" }).getAttribute("href")).toBe("/paas/pipelines/shop");
    expect(card.getByText("3 apps, 1 review app")).toBeTruthy();
  });

  it("creates a pipeline and opens it; a taken name is said next to the field", async () => {
    const backend = createStubBackend();
    renderWithBackend(<PipelineList />, { fetch: backend.fetch });
    expect((await screen.findByTestId("pipelines-empty")).textContent).toContain("No pipelines yet.");

    await userEvent.click(screen.getByRole("button", { name: "Create pipeline" }));
    const dialog = within(screen.getByRole("dialog", { name: "Create a pipeline" }));
    await userEvent.type(dialog.getByRole("textbox", { name: "Pipeline name" }), "shop");
    await userEvent.click(dialog.getByRole("button", { name: "Create pipeline" }));
    await waitFor(() => expect(screen.getByTestId("location").textContent).toBe("/paas/pipelines/shop"));
    expect(backend.state.pipelines.pipelines.map((p) => p.name)).toEqual(["shop"]);

    await userEvent.click(screen.getByRole("button", { name: "Create pipeline" }));
    const again = within(screen.getByRole("dialog", { name: "Create a pipeline" }));
    await userEvent.type(again.getByRole("textbox", { name: "Pipeline name" }), "shop");
    await userEvent.click(again.getByRole("button", { name: "Create pipeline" }));
    expect((await again.findByRole("alert")).textContent).toContain('The name "shop" is already taken');
  });
});
