import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { renderWithBackend } from "../../../test/render.tsx";
import { createStubBackend, stubApp } from "../../../test/stubBackend.ts";
import { AppDashboard } from "../AppDashboard.tsx";

function openSettings(role: "owner" | "viewer" = "owner") {
  const backend = createStubBackend({ role, apps: [stubApp("calm")] });
  renderWithBackend(<AppDashboard />, { fetch: backend.fetch, path: "/paas/apps/:id/*", url: "/paas/apps/calm/settings" });
  return backend;
}

const section = async () => within(await screen.findByTestId("maintenance", {}, { timeout: 5000 }));
const sets = (backend: ReturnType<typeof openSettings>) => backend.state.calls.filter((c) => c.path === "maintenance.set");

describe("Settings: maintenance mode (stub tRPC server behind fetch)", () => {
  it("asks before turning it on, sends nothing when kept serving, then turns it on with the typed page, and off", async () => {
    const backend = openSettings();
    const form = await section();
    expect(form.getByText(/Not in maintenance/)).toBeTruthy();
    // No frame until asked for; then the preview shows the default page naming the app, sandboxed.
    expect(form.queryByTitle("Maintenance page preview")).toBeNull();
    await userEvent.click(form.getByRole("button", { name: "Preview the page" }));
    const preview = form.getByTitle("Maintenance page preview") as HTMLIFrameElement;
    expect(preview.getAttribute("sandbox")).toBe("");
    expect(preview.getAttribute("srcdoc")).toContain('The app "calm" is down for maintenance');

    await userEvent.click(form.getByRole("button", { name: "Turn maintenance on…" }));
    const dialog = within(screen.getByRole("dialog", { name: "Put calm in maintenance?" }));
    expect(dialog.getByText(/Its instances keep running/)).toBeTruthy();
    await userEvent.click(dialog.getByRole("button", { name: "Keep serving" }));
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(sets(backend)).toEqual([]);

    const editor = form.getByRole("textbox", { name: "Maintenance page (HTML)" });
    // userEvent reads braces as key names; {{ types one.
    await userEvent.type(editor, "<h1>Back at noon {{ soon }</h1>");
    expect((form.getByTitle("Maintenance page preview") as HTMLIFrameElement).getAttribute("srcdoc")).toBe(
      "<h1>Back at noon { soon }</h1>",
    );
    const retry = form.getByRole("textbox", { name: "Retry-After (seconds)" });
    await userEvent.clear(retry);
    await userEvent.type(retry, "300");
    await userEvent.click(form.getByRole("button", { name: "Turn maintenance on…" }));
    await userEvent.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Turn maintenance on" }));

    const on = await section();
    await waitFor(() => expect(on.getByText(/In maintenance: visitors get this page with 503/)).toBeTruthy());
    expect(sets(backend).map((c) => c.input)).toEqual([
      { app: "id-calm", enabled: true, page: "<h1>Back at noon { soon }</h1>", retryAfterSeconds: 300 },
    ]);
    // The header says so on every tab.
    expect(screen.getByTestId("maintenance-badge").textContent).toBe("Maintenance");

    await userEvent.click((await section()).getByRole("button", { name: "Turn maintenance off" }));
    await waitFor(async () => expect((await section()).getByText(/Not in maintenance/)).toBeTruthy());
    expect(sets(backend).at(-1)?.input).toEqual({ app: "id-calm", enabled: false });
    expect(screen.queryByTestId("maintenance-badge")).toBeNull();
  });

  it("says what the server refused, and keeps the app out of maintenance", async () => {
    const backend = openSettings();
    const form = await section();
    const retry = form.getByRole("textbox", { name: "Retry-After (seconds)" });
    await userEvent.clear(retry);
    await userEvent.type(retry, "0");
    await userEvent.click(form.getByRole("button", { name: "Save page" }));
    expect((await form.findByRole("alert")).textContent).toBe("Retry-After is a whole number of seconds from 1 to 86400 (a day).");
    expect(form.getByText(/Not in maintenance/)).toBeTruthy();
    expect(sets(backend).map((c) => c.input)).toEqual([{ app: "id-calm", page: null, retryAfterSeconds: 0 }]);
  });

  it("shows a viewer the state and page without buttons", async () => {
    openSettings("viewer");
    const form = await section();
    expect((form.getByRole("textbox", { name: "Maintenance page (HTML)" }) as HTMLTextAreaElement).disabled).toBe(true);
    expect(form.queryByRole("button", { name: /Turn maintenance/ })).toBeNull();
    expect(form.queryByRole("button", { name: "Save page" })).toBeNull();
  });
});
