import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { renderWithBackend } from "../../../test/render.tsx";
import { createStubBackend, stubApp } from "../../../test/stubBackend.ts";
import { AppDashboard } from "../AppDashboard.tsx";

function openSettings(role: "owner" | "viewer" = "owner") {
  const backend = createStubBackend({ role, apps: [stubApp("shop")] });
  renderWithBackend(<AppDashboard />, { fetch: backend.fetch, path: "/paas/apps/:id/*", url: "/paas/apps/shop/settings" });
  return backend;
}

describe("Settings: traffic protection (stub tRPC server behind fetch, Debian's Caddy)", () => {
  it("saves limits as typed (KiB as bytes, empty as none) and says which ones need the custom router build", async () => {
    const backend = openSettings();
    await screen.findByRole("form", { name: "Traffic protection" }, { timeout: 5000 });
    // A saved policy starts the form afresh, so it is found again each time.
    const form = () => within(screen.getByRole("form", { name: "Traffic protection" }));
    expect(form().getByTestId("traffic-router").textContent).toContain("only the maximum body size is in force");
    const save = () => form().getByRole("button", { name: "Save traffic protection" }) as HTMLButtonElement;
    expect(save().disabled).toBe(true);

    await userEvent.type(form().getByRole("spinbutton", { name: "Requests per minute" }), "120");
    await userEvent.type(form().getByRole("spinbutton", { name: "Maximum body (KiB)" }), "64");
    await userEvent.selectOptions(form().getByRole("combobox", { name: /Web application firewall/ }), "block");
    await userEvent.click(save());
    await waitFor(() => expect(save().disabled).toBe(true));
    expect(backend.state.calls.filter((c) => c.path === "traffic.set").at(-1)?.input).toEqual({
      app: "id-shop",
      requestsPerMinute: 120,
      burst: null,
      maxConcurrentRequests: null,
      maxBodyBytes: 65536,
      wafMode: "block",
    });
    expect(form().getByTestId("traffic-needs-custom").textContent).toBe(
      "Not in force: Requests per minute, Web application firewall (needs the custom router build).",
    );
    expect((form().getByRole("spinbutton", { name: "Maximum body (KiB)" }) as HTMLInputElement).value).toBe("64");

    await userEvent.clear(form().getByRole("spinbutton", { name: "Requests per minute" }));
    await userEvent.type(form().getByRole("spinbutton", { name: "Burst" }), "5");
    await userEvent.click(save());
    expect((await form().findByRole("alert")).textContent).toBe("A burst needs a rate limit: set requests per minute too.");
  });

  it("shows a viewer the policy without a way to change it", async () => {
    openSettings("viewer");
    const form = within(await screen.findByRole("form", { name: "Traffic protection" }, { timeout: 5000 }));
    expect((form.getByRole("spinbutton", { name: "Requests per minute" }) as HTMLInputElement).disabled).toBe(true);
    expect(form.queryByRole("button", { name: "Save traffic protection" })).toBeNull();
  });
});
