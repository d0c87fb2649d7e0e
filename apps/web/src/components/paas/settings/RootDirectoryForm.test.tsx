import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { renderWithBackend } from "../../../test/render.tsx";
import { createStubBackend, stubApp } from "../../../test/stubBackend.ts";
import { AppDashboard } from "../AppDashboard.tsx";

function openSettings(role: "owner" | "viewer" = "owner", rootDirectory: string | null = null) {
  const backend = createStubBackend({ role, apps: [stubApp("mono-web", { rootDirectory })] });
  renderWithBackend(<AppDashboard />, { fetch: backend.fetch, path: "/paas/apps/:id/*", url: "/paas/apps/mono-web/settings" });
  return backend;
}

describe("Settings: root directory (stub tRPC server behind fetch)", () => {
  it("explains the field, saves a folder with the update mutation, and shows what the server kept", async () => {
    const backend = openSettings();
    // The settings tab is loaded lazily; the first render in a fresh worker can take a while.
    const form = within(await screen.findByRole("form", { name: "Root directory" }, { timeout: 5000 }));
    const field = form.getByRole("textbox", { name: "Root directory" }) as HTMLInputElement;
    expect(field.getAttribute("aria-describedby")).toBeTruthy();
    expect(form.getByText(/for monorepos; empty: the repository's root/)).toBeTruthy();
    const save = form.getByRole("button", { name: "Save root directory" }) as HTMLButtonElement;
    expect(save.disabled).toBe(true);

    await userEvent.type(field, "apps/web/");
    await userEvent.click(save);

    await waitFor(() => expect(backend.state.apps[0]?.rootDirectory).toBe("apps/web"));
    expect(backend.state.calls.filter((c) => c.path === "apps.update").map((c) => c.input)).toEqual([
      { app: "id-mono-web", rootDirectory: "apps/web/" },
    ]);
    await waitFor(() => expect((screen.getByRole("textbox", { name: "Root directory" }) as HTMLInputElement).value).toBe("apps/web"));
  });

  it("clears the setting with an empty field, sending null", async () => {
    const backend = openSettings("owner", "apps/web");
    const field = (await screen.findByRole("textbox", { name: "Root directory" })) as HTMLInputElement;
    expect(field.value).toBe("apps/web");
    await userEvent.clear(field);
    await userEvent.click(screen.getByRole("button", { name: "Save root directory" }));
    await waitFor(() => expect(backend.state.apps[0]?.rootDirectory).toBeNull());
    expect(backend.state.calls.find((c) => c.path === "apps.update")?.input).toEqual({ app: "id-mono-web", rootDirectory: null });
  });

  it("shows the server's reason for a path it refuses, and keeps the setting", async () => {
    const backend = openSettings();
    const form = within(await screen.findByRole("form", { name: "Root directory" }));
    await userEvent.type(form.getByRole("textbox", { name: "Root directory" }), "../secrets");
    await userEvent.click(form.getByRole("button", { name: "Save root directory" }));
    expect((await form.findByRole("alert")).textContent).toMatch(/not a valid root directory: it has a "\.\." part/);
    expect(backend.state.apps[0]?.rootDirectory).toBeNull();
  });

  it("lets a viewer read the setting but not change it", async () => {
    openSettings("viewer", "apps/web");
    const field = (await screen.findByRole("textbox", { name: "Root directory" })) as HTMLInputElement;
    expect(field.value).toBe("apps/web");
    expect(field.disabled).toBe(true);
    expect(screen.queryByRole("button", { name: "Save root directory" })).toBeNull();
  });
});
