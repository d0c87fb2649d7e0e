import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { renderWithBackend } from "../../../test/render.tsx";
import { createStubBackend, stubApp, stubDomain } from "../../../test/stubBackend.ts";
import type { StubDomain } from "../../../test/stubSettings.ts";
import { AppDashboard } from "../AppDashboard.tsx";

const HSTS = (hostname: string) => `HSTS (Strict-Transport-Security for a year) on ${hostname}`;
const hstsCalls = (backend: ReturnType<typeof createStubBackend>) =>
  backend.state.calls.filter((c) => c.path === "domains.setHsts").map((c) => c.input);

/** `www` is the first domain; `first` changes it (to give it a certificate or HSTS). */
function openSettings(role: "owner" | "viewer" = "owner", first: Partial<StubDomain> = {}) {
  const backend = createStubBackend({
    role,
    apps: [stubApp("web-shop"), stubApp("other-app")],
    settings: {
      domains: [
        { ...stubDomain("web-shop", "www.shop.example"), ...first },
        stubDomain("other-app", "taken.example", 2),
        {
          ...stubDomain("web-shop", "old.shop.example", 3),
          dnsStatus: "wrong",
          error: "old.shop.example has a CNAME to shop.herokudns.example; expected a CNAME to web-shop.localhost.",
        },
      ],
    },
  });
  renderWithBackend(<AppDashboard />, { fetch: backend.fetch, path: "/paas/apps/:id/*", url: "/paas/apps/web-shop/settings" });
  return backend;
}

describe("Settings: custom domains (stub tRPC server behind fetch)", () => {
  it("lists each domain with its CNAME, DNS status and certificate state, adds one and removes one", async () => {
    const backend = openSettings();
    const section = within(await screen.findByTestId("settings-domains"));
    const [first, old] = (await section.findAllByTestId("domain-row")).map((row) => within(row));
    expect(first?.getByText("CNAME www.shop.example → web-shop.localhost")).toBeTruthy();
    expect(first?.getByText("DNS status: not checked yet")).toBeTruthy();
    expect(first?.getByText("HTTPS certificate: requested once the DNS points here")).toBeTruthy();
    expect(old?.getByText("DNS status: points elsewhere")).toBeTruthy();
    expect(old?.getByText(/has a CNAME to shop\.herokudns\.example; expected a CNAME to web-shop\.localhost/)).toBeTruthy();
    expect(section.queryByText("taken.example")).toBeNull();

    await userEvent.type(section.getByRole("textbox", { name: "Domain" }), "API.Shop.example");
    await userEvent.click(section.getByRole("button", { name: "Add domain" }));
    await waitFor(() => expect(section.getAllByTestId("domain-row")).toHaveLength(3));
    expect(section.getByText("CNAME api.shop.example → web-shop.localhost")).toBeTruthy();
    expect((section.getByRole("textbox", { name: "Domain" }) as HTMLInputElement).value).toBe("");

    await userEvent.click(section.getByRole("button", { name: "Remove www.shop.example" }));
    await waitFor(() => expect(section.getAllByTestId("domain-row")).toHaveLength(2));
    expect(backend.state.settings.domains.map((d) => d.hostname).sort()).toEqual(["api.shop.example", "old.shop.example", "taken.example"]);
  });

  it("checks a domain now and shows its DNS ok and the certificate's expiry", async () => {
    openSettings();
    const section = within(await screen.findByTestId("settings-domains"));
    await section.findAllByTestId("domain-row");
    await userEvent.click(section.getByRole("button", { name: "Check DNS of old.shop.example" }));
    const old = within(await section.findByText("old.shop.example").then((el) => el.closest("li") as HTMLElement));
    await waitFor(() => expect(old.getByText("DNS status: ok — it points here")).toBeTruthy());
    expect(old.getByText("HTTPS certificate: issued, expires 2026-03-01")).toBeTruthy();
    expect(old.queryByText(/herokudns/)).toBeNull();
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
    expect(backend.state.settings.domains).toHaveLength(3);
  });

  it("offers HSTS only once the certificate is issued, and turns it on only after a confirmation", async () => {
    const backend = openSettings();
    const section = within(await screen.findByTestId("settings-domains"));
    const row = within(await section.findByText("old.shop.example").then((el) => el.closest("li") as HTMLElement));
    const hsts = () => row.getByRole("checkbox", { name: HSTS("old.shop.example") }) as HTMLInputElement;
    expect(hsts().disabled).toBe(true);
    expect(row.getByText("HSTS applies once the domain is served over HTTPS.")).toBeTruthy();

    await userEvent.click(row.getByRole("button", { name: "Check DNS of old.shop.example" }));
    await waitFor(() => expect(hsts().disabled).toBe(false));
    expect(row.queryByText(/HSTS applies once/)).toBeNull();

    await userEvent.click(hsts());
    const dialog = within(await screen.findByRole("dialog", { name: "Turn on HSTS for old.shop.example?" }));
    expect(dialog.getByText(/refuse plain HTTP to it for a year, even if HSTS is turned off again/)).toBeTruthy();
    await userEvent.click(dialog.getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(hsts().checked).toBe(false);

    await userEvent.click(hsts());
    await userEvent.click(within(await screen.findByRole("dialog")).getByRole("button", { name: "Turn on HSTS" }));
    await waitFor(() => expect(hsts().checked).toBe(true));
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(hstsCalls(backend)).toEqual([{ app: "web-shop", domain: "old.shop.example", hsts: true }]);
    expect(backend.state.settings.domains.find((d) => d.hostname === "old.shop.example")?.hsts).toBe(true);
  });

  it("turns HSTS off at once, with no confirmation", async () => {
    const backend = openSettings("owner", { hsts: true, tlsStatus: "issued" });
    const section = within(await screen.findByTestId("settings-domains"));
    const hsts = (await section.findByRole("checkbox", { name: HSTS("www.shop.example") })) as HTMLInputElement;
    expect(hsts.checked).toBe(true);
    await userEvent.click(hsts);
    await waitFor(() => expect(hsts.checked).toBe(false));
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(hstsCalls(backend)).toEqual([{ app: "web-shop", domain: "www.shop.example", hsts: false }]);
    expect(backend.state.settings.domains[0]?.hsts).toBe(false);
  });

  it("shows a viewer the domains and their HSTS state, with no way to add, remove or change one", async () => {
    openSettings("viewer", { hsts: true, tlsStatus: "issued" });
    const section = within(await screen.findByTestId("settings-domains"));
    const [first, old] = (await section.findAllByTestId("domain-row")).map((row) => within(row));
    expect(first?.getByText("HSTS: on")).toBeTruthy();
    expect(old?.getByText("HSTS: off")).toBeTruthy();
    expect(section.queryByRole("checkbox")).toBeNull();
    expect(section.queryByRole("textbox", { name: "Domain" })).toBeNull();
    expect(section.queryByRole("button", { name: /Remove|Check/ })).toBeNull();
  });
});
