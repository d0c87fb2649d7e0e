import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { renderWithBackend } from "../../../test/render.tsx";
import { type StubAlertChannel, type StubAlertEvent, stubAlertChannel, stubAlertEvent } from "../../../test/stubAlerts.ts";
import { createStubBackend, stubApp } from "../../../test/stubBackend.ts";
import { AppDashboard } from "../AppDashboard.tsx";
// The tab is lazy; loading it here keeps the first test from timing out on the import.
import "./AlertsTab.tsx";

function openAlerts(init: { role?: "owner" | "member" | "viewer"; channels?: StubAlertChannel[]; events?: StubAlertEvent[] } = {}) {
  const backend = createStubBackend({
    role: init.role ?? "owner",
    apps: [stubApp("web-shop")],
    alerts: { channels: init.channels ?? [], events: init.events ?? [] },
  });
  renderWithBackend(<AppDashboard />, { fetch: backend.fetch, path: "/paas/apps/:id/*", url: "/paas/apps/web-shop/alerts" });
  return backend;
}

const ruleForm = () => within(screen.getByRole("form", { name: "Add an alert rule" }));
const channelForm = () => within(screen.getByRole("form", { name: "Add a notification channel" }));
const calls = (backend: ReturnType<typeof openAlerts>, path: string) => backend.state.calls.filter((c) => c.path === path);

describe("Alerts tab (stub tRPC server behind fetch)", () => {
  it("is a tab of the app with its own address; adds a latency rule from the keyboard, telling the chosen channel", async () => {
    const pager = stubAlertChannel("pager");
    const backend = openAlerts({ channels: [pager, stubAlertChannel("mail", "email")] });
    const tab = within(await screen.findByRole("navigation", { name: "App sections" })).getByRole("link", { name: "Alerts" });
    expect(tab.getAttribute("href")).toBe("/paas/apps/web-shop/alerts");
    expect(await screen.findByText("No alert rules yet.")).toBeTruthy();

    // The kind's unit labels the threshold; the duration is asked in minutes.
    const form = ruleForm();
    await userEvent.selectOptions(form.getByLabelText("Alert when"), "latency_p95");
    await userEvent.type(form.getByLabelText("Threshold (ms)"), "500");
    await userEvent.type(form.getByLabelText("For (minutes)"), "5");
    await userEvent.click(await form.findByRole("checkbox", { name: "pager (webhook)" }));
    form.getByRole("button", { name: "Add alert" }).focus();
    await userEvent.keyboard("{Enter}");

    await waitFor(() => expect(calls(backend, "alerts.addRule")).toHaveLength(1));
    expect(calls(backend, "alerts.addRule")[0]?.input).toEqual({
      app: "web-shop",
      kind: "latency_p95",
      threshold: 500,
      durationSeconds: 300,
      channelIds: [pager.id],
    });
    const rule = within(await screen.findByRole("list", { name: "Alert rules" })).getByTestId("alert-rule");
    expect(rule.textContent).toContain("Response time (p95) above 500 ms for 5 min");
    expect(rule.textContent).toContain("Notifies pager");
    expect(rule.textContent).toContain("OK");
  });

  it("asks no threshold for a crash loop, shows the engine's refusal next to the form, and turns a rule off and removes it", async () => {
    const backend = openAlerts();
    await screen.findByText("No alert rules yet.");
    await userEvent.selectOptions(ruleForm().getByLabelText("Alert when"), "crash_loop");
    expect(ruleForm().queryByLabelText(/Threshold/)).toBeNull();
    expect(ruleForm().queryByLabelText(/minutes/)).toBeNull();
    expect(ruleForm().getByText(/The team has no channels yet/)).toBeTruthy();
    await userEvent.click(ruleForm().getByRole("button", { name: "Add alert" }));
    await screen.findByText("An instance is in a crash loop");

    await userEvent.selectOptions(ruleForm().getByLabelText("Alert when"), "memory");
    await userEvent.type(ruleForm().getByLabelText("Threshold (%)"), "250");
    // The browser's own range check would stop this; the engine's message is what the user sees past it.
    ruleForm().getByLabelText("Threshold (%)").removeAttribute("max");
    await userEvent.click(ruleForm().getByRole("button", { name: "Add alert" }));
    expect((await ruleForm().findByRole("alert")).textContent).toBe("memory: the threshold is a number from 1 to 100 %.");

    await userEvent.click(screen.getByRole("button", { name: "Turn off An instance is in a crash loop" }));
    await waitFor(() => expect(calls(backend, "alerts.updateRule")[0]?.input).toMatchObject({ enabled: false }));
    expect(await screen.findByRole("button", { name: "Turn on An instance is in a crash loop" })).toBeTruthy();
    await userEvent.click(screen.getByRole("button", { name: "Remove An instance is in a crash loop" }));
    expect(await screen.findByText("No alert rules yet.")).toBeTruthy();
  });

  it("adds a webhook channel and shows its signing secret once; a test send says how it went", async () => {
    const backend = openAlerts();
    await screen.findByText("No channels yet.");
    await userEvent.type(channelForm().getByLabelText("Name"), "pager");
    await userEvent.type(channelForm().getByLabelText("URL"), "https://hooks.example.com/skypanel");
    await userEvent.click(channelForm().getByRole("button", { name: "Add channel" }));
    const secret = await screen.findByTestId("signing-secret");
    expect(secret.textContent).toContain("5ec7e7".repeat(10));
    expect(secret.getAttribute("role")).toBe("status");
    const row = within(await screen.findByRole("list", { name: "Notification channels" })).getByTestId("alert-channel");
    expect(row.textContent).toContain("Webhook (signed JSON) · hooks.example.com");

    await userEvent.click(screen.getByRole("button", { name: "Send a test notification to pager" }));
    await waitFor(() => expect(calls(backend, "alerts.testChannel")).toHaveLength(1));
    expect(await screen.findByText("The test notification was delivered.")).toBeTruthy();

    // An email channel: recipients instead of a URL.
    await userEvent.selectOptions(channelForm().getByLabelText("Type"), "email");
    expect(channelForm().queryByLabelText("URL")).toBeNull();
    await userEvent.type(channelForm().getByLabelText("Name"), "mail");
    await userEvent.type(channelForm().getByLabelText(/Recipients/), "a@example.com, b@example.com");
    await userEvent.click(channelForm().getByRole("button", { name: "Add channel" }));
    await waitFor(() =>
      expect(calls(backend, "alerts.addChannel")[1]?.input).toMatchObject({ type: "email", to: ["a@example.com", "b@example.com"] }),
    );
  });

  it("lists the history newest first with each channel's answer; a member sees the channels but cannot change them", async () => {
    openAlerts({
      role: "member",
      channels: [stubAlertChannel("pager")],
      events: [
        stubAlertEvent("id-web-shop", "firing", "p95 response time is 900 ms, above 500 ms.", {
          deliveries: [{ channelId: "c1", name: "pager", type: "webhook", ok: true, attempts: 1, at: "2025-01-02T03:04:05Z" }],
        }),
        stubAlertEvent("id-web-shop", "resolved", "p95 response time is 80 ms.", {
          deliveries: [
            { channelId: "c1", name: "pager", type: "webhook", ok: false, attempts: 3, error: "answered 503", at: "2025-01-02T03:05:05Z" },
          ],
        }),
      ],
    });
    const rows = await screen.findAllByTestId("alert-event");
    expect(rows.map((r) => within(r).getAllByRole("cell")[1]?.textContent)).toEqual(["Resolved", "Firing"]);
    expect(rows[0]?.textContent).toContain("pager: failed (answered 503)");
    expect(rows[1]?.textContent).toContain("pager: delivered");
    expect(screen.getByRole("table", { name: "Alert history, newest first" })).toBeTruthy();

    expect(await screen.findByText("Your role (member) cannot change the team's channels; an admin can.")).toBeTruthy();
    expect(screen.queryByRole("form", { name: "Add a notification channel" })).toBeNull();
    expect(screen.queryByRole("button", { name: /Send a test notification/ })).toBeNull();
    // Members still add rules.
    expect(screen.getByRole("form", { name: "Add an alert rule" })).toBeTruthy();
  });
});
