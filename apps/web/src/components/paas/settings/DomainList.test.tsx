import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { renderWithBackend } from "../../../test/render.tsx";
import { createStubBackend, stubApp, stubDomain } from "../../../test/stubBackend.ts";
import { AppDashboard } from "../AppDashboard.tsx";

function openSettings(role: "owner" | "viewer" = "owner") {
  const backend = createStubBackend({
    role,
    apps: [stubApp("web-shop"), stubApp("other-app")],
    settings: { domains: [stubDomain("web-shop", "www.shop.example"), stubDomain("other-app", "taken.example", 2)] },
  });
  renderWithBackend(<AppDashboard />, { fetch: backend.fetch, path: "/paas/apps/:id/*", url: "/paas/apps/web-shop/settings" });
  return backend;
}

describe("Settings: custom domains (stub tRPC server behind fetch)", () => {
  it("lists each domain with its CNAME and the plain truth about HTTPS, adds one and removes one", async () => {
    const backend = openSettings();
    const section = within(await screen.findByTestId("settings-domains"));
    const first = within(await section.findByTestId("domain-row"));
    expect(first.getByText("CNAME www.shop.example → web-shop.localhost")).toBeTruthy();
    expect(first.getByText("HTTPS certificate: not issued — automatic certificates are not available yet")).toBeTruthy();
    expect(section.queryByText("taken.example")).toBeNull();

    await userEvent.type(section.getByRole("textbox", { name: "Domain" }), "API.Shop.example");
    await userEvent.click(section.getByRole("button", { name: "Add domain" }));
    await waitFor(() => expect(section.getAllByTestId("domain-row")).toHaveLength(2));
    expect(section.getByText("CNAME api.shop.example → web-shop.localhost")).toBeTruthy();
    expect((section.getByRole("textbox", { name: "Domain" }) as HTMLInputElement).value).toBe("");

    await userEvent.click(section.getByRole("button", { name: "Remove www.shop.example" }));
    await waitFor(() => expect(section.getAllByTestId("domain-row")).toHaveLength(1));
    expect(backend.state.settings.domains.map((d) => d.hostname).sort()).toEqual(["api.shop.example", "taken.example"]);
  });

  it("shows the engine's message under the field for a wildcard or a domain another app has, adding nothing", async () => {
    const backend = openSettings();
    const section = within(await screen.findByTestId("settings-domains"));
    const field = await section.findByRole("textbox", { name: "Domain" });
    await userEvent.type(field, "*.shop.example");
    await userEvent.click(section.getByRole("button", { name: "Add domain" }));
    expect((await section.findByRole("alert")).textContent).toMatch(/wildcard domains are not supported/);

    await userEvent.clear(field);
    await userEvent.type(field, "taken.example");
    await userEvent.click(section.getByRole("button", { name: "Add domain" }));
    expect((await section.findByRole("alert")).textContent).toMatch(/already used by another app/);
    expect(backend.state.settings.domains).toHaveLength(2);
  });

  it("shows a viewer the domains, with no way to add or remove one", async () => {
    openSettings("viewer");
    const section = within(await screen.findByTestId("settings-domains"));
    await section.findByTestId("domain-row");
    expect(section.queryByRole("textbox", { name: "Domain" })).toBeNull();
    expect(section.queryByRole("button", { name: /Remove/ })).toBeNull();
  });
});
