import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { renderWithBackend } from "../../test/render.tsx";
import { createStubBackend, stubApp } from "../../test/stubBackend.ts";
import { AppDashboard } from "./AppDashboard.tsx";

function openSettings(role: "owner" | "member" = "owner") {
  const backend = createStubBackend({ role, apps: [stubApp("web-shop")] });
  const view = renderWithBackend(<AppDashboard />, { fetch: backend.fetch, path: "/paas/apps/:id/*", url: "/paas/apps/web-shop/settings" });
  return { backend, ...view };
}

describe("AppSettings danger zone (stub tRPC server behind fetch)", () => {
  it("keeps Delete disabled until the app's exact name is typed, then deletes and returns to the list", async () => {
    const { backend } = openSettings();
    const zone = within(await screen.findByTestId("danger-zone"));
    const remove = zone.getByRole("button", { name: "Delete app" }) as HTMLButtonElement;
    const confirm = zone.getByRole("textbox", { name: /Type web-shop to confirm/ });
    expect(remove.disabled).toBe(true);

    await userEvent.type(confirm, "web-sho");
    expect(remove.disabled).toBe(true);
    await userEvent.type(confirm, "p");
    expect(remove.disabled).toBe(false);

    await userEvent.click(remove);
    await waitFor(() => expect(screen.getByTestId("location").textContent).toBe("/paas/apps"));
    expect(backend.state.apps).toHaveLength(0);
  });

  it("offers a member no delete, because only admins and owners may delete", async () => {
    openSettings("member");
    const zone = within(await screen.findByTestId("danger-zone"));
    expect(zone.queryByRole("button", { name: "Delete app" })).toBeNull();
    expect(zone.getByText(/Only the team's admins and owners can delete this app/)).toBeTruthy();
  });

  it("renames the app and moves to its new address", async () => {
    const { backend } = openSettings();
    const form = within(await screen.findByRole("form", { name: "App details" }));
    const name = form.getByRole("textbox", { name: "App name" });
    await userEvent.clear(name);
    await userEvent.type(name, "web-store");
    await userEvent.click(form.getByRole("button", { name: "Save changes" }));

    await waitFor(() => expect(screen.getByTestId("location").textContent).toBe("/paas/apps/web-store/settings"));
    expect(backend.state.apps[0]?.name).toBe("web-store");
    expect((await screen.findByTestId("app-name")).textContent).toBe("web-store");
  });
});
