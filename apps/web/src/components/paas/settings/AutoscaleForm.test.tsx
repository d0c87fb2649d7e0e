import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { openSettings } from "../../../test/openSettings.tsx";
import { renderWithBackend } from "../../../test/render.tsx";
import { createStubBackend, stubApp, stubFormation } from "../../../test/stubBackend.ts";
import { AppDashboard } from "../AppDashboard.tsx";

async function fill(form: ReturnType<typeof within>, label: string, value: string) {
  const input = form.getByRole("spinbutton", { name: label });
  await userEvent.clear(input);
  if (value) await userEvent.type(input, value);
}
async function type(form: ReturnType<typeof within>, label: string, value: string) {
  const input = form.getByRole("textbox", { name: label });
  await userEvent.clear(input);
  await userEvent.type(input, value);
}

describe("Settings: autoscale policy (stub tRPC server behind fetch)", () => {
  it("saves a policy on a chosen metric with a schedule; no longer says it is only stored", async () => {
    const backend = openSettings();
    const section = within(await screen.findByTestId("settings-autoscale"));
    const form = within(await section.findByRole("form", { name: "Autoscale policy of web" }));
    expect(section.queryByText(/does not scale on it/)).toBeNull();
    expect(section.getByText(/runs ceil\(instances × metric ÷ target\) instances/)).toBeTruthy();
    await userEvent.click(form.getByRole("checkbox", { name: "Policy enabled" }));
    await userEvent.selectOptions(form.getByRole("combobox", { name: "Metric" }), "p95");
    await fill(form, "Target", "250");
    await fill(form, "Minimum instances", "2");
    await fill(form, "Maximum instances", "8");
    await fill(form, "Scale-down stabilization (seconds)", "120");
    await userEvent.click(form.getByRole("button", { name: "Add a schedule" }));
    const schedule = within(form.getByRole("listitem", { name: "Schedule 1" }));
    await type(schedule, "Cron", "0 8 * * 1-5");
    await type(schedule, "Time zone", "Europe/Berlin");
    await fill(schedule, "Window (minutes)", "600");
    await fill(schedule, "Minimum inside", "4");
    await userEvent.click(form.getByRole("button", { name: "Save policy" }));

    await waitFor(() => expect(backend.state.calls.filter((c) => c.path === "autoscale.put")).toHaveLength(1));
    expect(backend.state.calls.find((c) => c.path === "autoscale.put")?.input).toEqual({
      app: "web-shop",
      policies: [{ process: "web", enabled: true, min: 2, max: 8, metric: "p95", target: 250, stabilizationSeconds: 120 }],
      schedules: [{ process: "web", cron: "0 8 * * 1-5", timeZone: "Europe/Berlin", durationSeconds: 36_000, min: 4, max: null }],
    });
    // Scaling is the autoscaler's: saving changes no formation.
    expect(backend.state.runtime.formation.map((f) => f.quantity)).toEqual([2, 1]);
  });

  it("offers rps and p95 for web only, and keeps web's saved policy when worker's is saved", async () => {
    const backend = openSettings();
    let form = within(await screen.findByRole("form", { name: "Autoscale policy of web" }));
    await userEvent.click(form.getByRole("checkbox", { name: "Policy enabled" }));
    await fill(form, "Target", "50");
    await fill(form, "Maximum instances", "4");
    await userEvent.click(form.getByRole("button", { name: "Save policy" }));
    await waitFor(() => expect(backend.state.calls.filter((c) => c.path === "autoscale.put")).toHaveLength(1));

    await userEvent.selectOptions(await screen.findByRole("combobox", { name: "Process type" }), "worker");
    form = within(await screen.findByRole("form", { name: "Autoscale policy of worker" }));
    const metrics = within(form.getByRole("combobox", { name: "Metric" }))
      .getAllByRole("option")
      .map((o) => o.textContent);
    expect(metrics).toEqual(["CPU", "Memory", "Custom (pushed through the API)"]);
    await fill(form, "Minimum instances", "0");
    await userEvent.click(form.getByRole("button", { name: "Save policy" }));
    await waitFor(() => expect(backend.state.calls.filter((c) => c.path === "autoscale.put")).toHaveLength(2));
    const second = backend.state.calls.filter((c) => c.path === "autoscale.put")[1]?.input as { policies: { process: string }[] };
    expect(second.policies.map((p) => p.process)).toEqual(["web", "worker"]);
  });

  it("shows the engine's message for a maximum below the minimum or an enabled policy without a target; saves nothing", async () => {
    const backend = openSettings();
    const form = within(await screen.findByRole("form", { name: "Autoscale policy of web" }));
    await fill(form, "Minimum instances", "5");
    await fill(form, "Maximum instances", "2");
    await userEvent.click(form.getByRole("button", { name: "Save policy" }));
    expect((await form.findByRole("alert")).textContent).toBe("web: the maximum must be a whole number at least the minimum.");

    await fill(form, "Maximum instances", "6");
    await userEvent.click(form.getByRole("checkbox", { name: "Policy enabled" }));
    await userEvent.click(form.getByRole("button", { name: "Save policy" }));
    expect((await form.findByRole("alert")).textContent).toMatch(/an enabled policy needs a target for its metric \(rps\)/);
    expect(backend.state.settings.policies["id-web-shop"]).toBeUndefined();
  });

  it("lists the autoscaler's recent decisions with their reasons", async () => {
    const backend = createStubBackend({
      apps: [stubApp("web-shop")],
      runtime: { formation: [stubFormation("web-shop", "web", 1)] },
      settings: {
        domains: [],
        policies: {
          "id-web-shop": {
            policies: [],
            schedules: [],
            events: [
              {
                id: 2,
                appId: "id-web-shop",
                processType: "web",
                metric: "rps",
                value: 120,
                target: 40,
                fromQuantity: 1,
                toQuantity: 3,
                kind: "scale_up",
                reason: "120 requests/s per instance vs target 40/s: 1 → 3",
                at: new Date("2026-12-06T10:00:00Z"),
              },
            ],
          },
        },
      },
    });
    renderWithBackend(<AppDashboard />, { fetch: backend.fetch, path: "/paas/apps/:id/*", url: "/paas/apps/web-shop/settings" });
    const decisions = within(await screen.findByRole("region", { name: "Recent autoscaling decisions" }));
    expect((await decisions.findAllByRole("paragraph"))[0]?.textContent).toBe("Scaled up web 1 → 3");
    expect(decisions.getByText("120 requests/s per instance vs target 40/s: 1 → 3")).toBeTruthy();
  });

  it("shows a viewer the policy without a save button", async () => {
    openSettings("viewer");
    const form = within(await screen.findByRole("form", { name: "Autoscale policy of web" }));
    expect(form.queryByRole("button", { name: "Save policy" })).toBeNull();
    expect((form.getByRole("spinbutton", { name: "Minimum instances" }) as HTMLInputElement).disabled).toBe(true);
  });
});
