import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { renderWithBackend } from "../../../test/render.tsx";
import { createStubBackend, stubApp, stubDrain } from "../../../test/stubBackend.ts";
import { AppDashboard } from "../AppDashboard.tsx";

function openSettings(role: "owner" | "viewer" = "owner") {
  const backend = createStubBackend({
    role,
    apps: [stubApp("web-shop"), stubApp("other-app")],
    drains: [
      stubDrain("web-shop", "syslog+tls://logs.example.com:6514", 1, {
        deliveredCount: 1200,
        lastDeliveredAt: new Date("2025-01-02T03:04:05Z"),
      }),
      stubDrain("web-shop", "https://collector.example.com/v1/ingest?token=t0ken", 2, {
        deadLetterCount: 40,
        droppedCount: 3,
        lastError: "the drain answered HTTP 503: overloaded",
      }),
      stubDrain("other-app", "https://elsewhere.example.com/", 3),
    ],
  });
  renderWithBackend(<AppDashboard />, { fetch: backend.fetch, path: "/paas/apps/:id/*", url: "/paas/apps/web-shop/settings" });
  return backend;
}

describe("Settings: log drains (stub tRPC server behind fetch)", () => {
  it("lists the app's drains redacted, with delivered, dead-lettered and dropped counts and the last error", async () => {
    openSettings();
    const section = within(await screen.findByTestId("settings-log-drains"));
    const [syslog, https] = (await section.findAllByTestId("drain-row")).map((row) => within(row));
    expect(syslog?.getByText("syslog+tls://logs.example.com:6514")).toBeTruthy();
    expect(syslog?.getByText("syslog over TLS")).toBeTruthy();
    expect(syslog?.getByText("Delivered: 1200")).toBeTruthy();
    expect(syslog?.getByText(/last delivered 2025-01-02 03:04:05 UTC/)).toBeTruthy();
    expect(https?.getByText("https://collector.example.com/***?***")).toBeTruthy();
    expect(https?.getByText("Dead-lettered: 40")).toBeTruthy();
    expect(https?.getByText("Dropped: 3")).toBeTruthy();
    expect(https?.getByText(/HTTP 503: overloaded/)).toBeTruthy();
    expect(section.queryByText(/t0ken/)).toBeNull();
    expect(section.queryByText(/elsewhere/)).toBeNull();
  });

  it("adds a drain, and shows the engine's message under the field for a plain http:// URL", async () => {
    const backend = openSettings();
    const section = within(await screen.findByTestId("settings-log-drains"));
    await section.findAllByTestId("drain-row");
    const field = section.getByRole("textbox", { name: "Drain URL" });

    await userEvent.type(field, "http://logs.example.com/");
    await userEvent.click(section.getByRole("button", { name: "Add drain" }));
    expect((await section.findByRole("alert")).textContent).toMatch(/Plain http:\/\/ drains are refused/);
    expect(backend.state.drains).toHaveLength(3);

    await userEvent.clear(field);
    await userEvent.type(field, "https://new.example.com/logs?key=abc");
    await userEvent.click(section.getByRole("button", { name: "Add drain" }));
    await waitFor(() => expect(section.getAllByTestId("drain-row")).toHaveLength(3));
    expect(section.getByText("https://new.example.com/***?***")).toBeTruthy();
    expect((section.getByRole("textbox", { name: "Drain URL" }) as HTMLInputElement).value).toBe("");
    expect(backend.state.calls.filter((c) => c.path === "drains.add").map((c) => c.input)).toEqual([
      { app: "web-shop", url: "http://logs.example.com/" },
      { app: "web-shop", url: "https://new.example.com/logs?key=abc" },
    ]);
  });

  it("removes a drain only after confirming; cancelling keeps it", async () => {
    const backend = openSettings();
    const section = within(await screen.findByTestId("settings-log-drains"));
    await section.findAllByTestId("drain-row");
    const removeButton = () => section.getByRole("button", { name: "Remove the drain syslog+tls://logs.example.com:6514" });

    await userEvent.click(removeButton());
    const dialog = within(await screen.findByTestId("remove-drain-dialog"));
    await userEvent.click(dialog.getByRole("button", { name: "Cancel" }));
    expect(screen.queryByTestId("remove-drain-dialog")).toBeNull();
    expect(backend.state.calls.some((c) => c.path === "drains.remove")).toBe(false);

    await userEvent.click(removeButton());
    await userEvent.click(within(await screen.findByTestId("remove-drain-dialog")).getByRole("button", { name: "Remove drain" }));
    await waitFor(() => expect(section.getAllByTestId("drain-row")).toHaveLength(1));
    expect(screen.queryByTestId("remove-drain-dialog")).toBeNull();
    expect(backend.state.drains.map((d) => d.url)).toEqual(["https://collector.example.com/***?***", "https://elsewhere.example.com"]);
  });

  it("shows a viewer the drains without add or remove", async () => {
    openSettings("viewer");
    const section = within(await screen.findByTestId("settings-log-drains"));
    expect(await section.findAllByTestId("drain-row")).toHaveLength(2);
    expect(section.queryByRole("button", { name: /Remove/ })).toBeNull();
    expect(section.queryByRole("textbox", { name: "Drain URL" })).toBeNull();
    expect(section.getByText("Your role (viewer) cannot add or remove log drains.")).toBeTruthy();
  });
});
