import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { renderWithBackend } from "../../test/render.tsx";
import { APP_NAME_RULE, createStubBackend, stubApp } from "../../test/stubBackend.ts";
import { CreateAppDialog } from "./CreateAppDialog.tsx";

function open(backend: ReturnType<typeof createStubBackend>) {
  const onCreated = vi.fn();
  renderWithBackend(<CreateAppDialog onClose={() => {}} onCreated={onCreated} />, { fetch: backend.fetch });
  return { onCreated };
}

describe("CreateAppDialog (stub tRPC server behind fetch)", () => {
  it("shows the server's naming rule next to the name field and keeps what was typed", async () => {
    const backend = createStubBackend();
    const { onCreated } = open(backend);

    const name = screen.getByRole("textbox", { name: "App name" });
    await userEvent.type(name, "My_App");
    await userEvent.click(screen.getByRole("button", { name: "Create app" }));

    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain(APP_NAME_RULE);
    expect(name.getAttribute("aria-invalid")).toBe("true");
    expect((name as HTMLInputElement).value).toBe("My_App");
    expect(onCreated).not.toHaveBeenCalled();
  });

  it("says the name is taken when another app has it", async () => {
    const backend = createStubBackend({ apps: [stubApp("web-shop")] });
    open(backend);

    await userEvent.type(screen.getByRole("textbox", { name: "App name" }), "web-shop");
    await userEvent.click(screen.getByRole("button", { name: "Create app" }));

    expect((await screen.findByRole("alert")).textContent).toContain('The name "web-shop" is already taken');
    expect(backend.state.apps).toHaveLength(1);
  });

  it("creates the app with its description and hands it back", async () => {
    const backend = createStubBackend();
    const { onCreated } = open(backend);

    await userEvent.type(screen.getByRole("textbox", { name: "App name" }), "web-shop");
    await userEvent.type(screen.getByRole("textbox", { name: "Description (optional)" }), "The shop");
    await userEvent.click(screen.getByRole("button", { name: "Create app" }));

    await waitFor(() => expect(onCreated).toHaveBeenCalledOnce());
    expect(onCreated.mock.calls[0]?.[0]).toMatchObject({ name: "web-shop", description: "The shop" });
    expect(backend.state.apps.map((a) => a.name)).toEqual(["web-shop"]);
  });
});
