import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { renderWithBackend } from "../../../test/render.tsx";
import { createStubBackend, stubApp } from "../../../test/stubBackend.ts";
import { AppDashboard } from "../AppDashboard.tsx";

function openSettings(role: "owner" | "viewer" = "owner") {
  const backend = createStubBackend({ role, apps: [stubApp("walled")] });
  renderWithBackend(<AppDashboard />, { fetch: backend.fetch, path: "/paas/apps/:id/*", url: "/paas/apps/walled/settings" });
  return backend;
}

describe("Settings: outbound network (stub tRPC server behind fetch)", () => {
  it("starts at deny, saves an allow-list as typed, and says what the server refused", async () => {
    const backend = openSettings();
    await screen.findByRole("form", { name: "Outbound network access" }, { timeout: 5000 });
    // A saved policy starts the form afresh, so it is found again each time.
    const form = () => within(screen.getByRole("form", { name: "Outbound network access" }));
    expect((form().getByRole("radio", { name: /Deny all/ }) as HTMLInputElement).checked).toBe(true);
    expect(form().queryByRole("textbox", { name: "Allowed networks" })).toBeNull();
    const save = () => form().getByRole("button", { name: "Save egress policy" }) as HTMLButtonElement;
    expect(save().disabled).toBe(true);

    await userEvent.click(form().getByRole("radio", { name: /Allow-list/ }));
    await userEvent.type(form().getByRole("textbox", { name: "Allowed networks" }), "0.0.0.0/0");
    await userEvent.click(save());
    expect((await form().findByRole("alert")).textContent).toBe('"0.0.0.0/0" opens every address: set the egress mode to "allow" instead.');

    const rules = form().getByRole("textbox", { name: "Allowed networks" });
    await userEvent.clear(rules);
    await userEvent.type(rules, "203.0.113.0/24:443{enter}{enter}198.51.100.7");
    await userEvent.click(save());
    await waitFor(() => expect(save().disabled).toBe(true));
    expect(backend.state.calls.filter((c) => c.path === "egress.set").at(-1)?.input).toEqual({
      app: "id-walled",
      mode: "allowlist",
      rules: ["203.0.113.0/24:443", "198.51.100.7"],
    });
    expect((form().getByRole("textbox", { name: "Allowed networks" }) as HTMLTextAreaElement).value).toBe(
      "203.0.113.0/24:443\n198.51.100.7/32",
    );
    expect(form().queryByRole("alert")).toBeNull();
  });

  it("shows a viewer the policy without a way to change it", async () => {
    openSettings("viewer");
    const form = within(await screen.findByRole("form", { name: "Outbound network access" }, { timeout: 5000 }));
    expect((form.getByRole("radio", { name: /Allow all/ }) as HTMLInputElement).disabled).toBe(true);
    expect(form.queryByRole("button", { name: "Save egress policy" })).toBeNull();
  });
});
