import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { renderWithBackend } from "../../../test/render.tsx";
import { createStubBackend, stubApp } from "../../../test/stubBackend.ts";
import { AppDashboard } from "../AppDashboard.tsx";

function openSettings(role: "owner" | "viewer" = "owner") {
  const backend = createStubBackend({ role, apps: [stubApp("chatty")] });
  renderWithBackend(<AppDashboard />, { fetch: backend.fetch, path: "/paas/apps/:id/*", url: "/paas/apps/chatty/settings" });
  return backend;
}
const calls = (backend: ReturnType<typeof openSettings>, path: string) =>
  backend.state.calls.filter((c) => c.path === path).map((c) => c.input);

describe("Settings: log retention (stub tRPC server behind fetch)", () => {
  it("shows the defaults, saves days and size, says what the server refused, and goes back to the defaults", async () => {
    const backend = openSettings();
    await screen.findByRole("form", { name: "Log retention" }, { timeout: 5000 });
    // Saved limits start the form afresh, so it is found again each time.
    const form = () => within(screen.getByRole("form", { name: "Log retention" }));
    const days = form().getByRole("spinbutton", { name: "Days kept" }) as HTMLInputElement;
    const size = form().getByRole("spinbutton", { name: "Size kept (MiB)" }) as HTMLInputElement;
    expect([days.value, size.value]).toEqual(["7", "100"]);
    expect(form().getByTestId("log-retention-summary").textContent).toMatch(/^These are the platform's defaults\./);
    const save = form().getByRole("button", { name: "Save log retention" }) as HTMLButtonElement;
    expect(save.disabled).toBe(true);

    await userEvent.clear(days);
    await userEvent.type(days, "0");
    await userEvent.click(save);
    expect((await form().findByRole("alert")).textContent).toBe("Log retention days is a whole number from 1 to 365.");

    await userEvent.clear(days);
    await userEvent.type(days, "14");
    await userEvent.clear(size);
    await userEvent.type(size, "512");
    await userEvent.click(save);
    await waitFor(() => expect(form().getByTestId("log-retention-summary").textContent).toMatch(/defaults are 7 days and 100 MiB/));
    expect(calls(backend, "logs.setRetention").at(-1)).toEqual({ app: "id-chatty", days: 14, maxBytes: 512 * 1024 * 1024 });
    expect(form().queryByRole("alert")).toBeNull();

    await userEvent.click(form().getByRole("button", { name: "Use the defaults" }));
    await waitFor(() => expect((form().getByRole("spinbutton", { name: "Days kept" }) as HTMLInputElement).value).toBe("7"));
    expect(calls(backend, "logs.resetRetention")).toEqual([{ app: "id-chatty" }]);
    expect(form().queryByRole("button", { name: "Use the defaults" })).toBeNull();
  });

  it("shows a viewer the limits without a way to change them", async () => {
    openSettings("viewer");
    const form = within(await screen.findByRole("form", { name: "Log retention" }, { timeout: 5000 }));
    expect((form.getByRole("spinbutton", { name: "Days kept" }) as HTMLInputElement).disabled).toBe(true);
    expect(form.queryByRole("button", { name: "Save log retention" })).toBeNull();
  });
});
