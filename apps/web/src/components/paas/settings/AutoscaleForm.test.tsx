import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { openSettings } from "../../../test/openSettings.tsx";

async function fill(form: ReturnType<typeof within>, label: string, value: string) {
  const input = form.getByRole("spinbutton", { name: label });
  await userEvent.clear(input);
  if (value) await userEvent.type(input, value);
}

describe("Settings: autoscale policy (stub tRPC server behind fetch)", () => {
  it("says plainly that nothing scales on the policy, saves it, and leaves the formation alone", async () => {
    const backend = openSettings();
    const section = within(await screen.findByTestId("settings-autoscale"));
    expect((await section.findByRole("note")).textContent).toMatch(/Saved as a policy; SkyPanel does not scale on it automatically yet/);
    const form = within(await section.findByRole("form", { name: "Autoscale policy of web" }));
    await userEvent.click(form.getByRole("checkbox", { name: "Policy enabled" }));
    await fill(form, "Minimum instances", "2");
    await fill(form, "Maximum instances", "8");
    await fill(form, "Target CPU %", "75");
    await fill(form, "Target requests/s", "120.5");
    await fill(form, "Cooldown (seconds)", "90");
    await userEvent.click(form.getByRole("button", { name: "Save policy" }));

    await waitFor(() =>
      expect(backend.state.settings.policies["id-web-shop"]).toMatchObject([
        {
          processType: "web",
          enabled: true,
          minInstances: 2,
          maxInstances: 8,
          targetCpuPercent: 75,
          targetMemoryPercent: null,
          targetRequestsPerSecond: 120.5,
          cooldownSeconds: 90,
        },
      ]),
    );
    expect(backend.state.runtime.formation.map((f) => f.quantity)).toEqual([2, 1]);
  });

  it("shows the engine's message when the maximum is below the minimum, or an enabled policy has no target; saves nothing", async () => {
    const backend = openSettings();
    const form = within(await screen.findByRole("form", { name: "Autoscale policy of web" }));
    await fill(form, "Minimum instances", "5");
    await fill(form, "Maximum instances", "2");
    await userEvent.click(form.getByRole("button", { name: "Save policy" }));
    expect((await form.findByRole("alert")).textContent).toBe("web: the maximum must be a whole number at least the minimum.");

    await fill(form, "Maximum instances", "6");
    await userEvent.click(form.getByRole("checkbox", { name: "Policy enabled" }));
    await userEvent.click(form.getByRole("button", { name: "Save policy" }));
    expect((await form.findByRole("alert")).textContent).toMatch(/an enabled policy needs at least one target/);
    expect(backend.state.settings.policies["id-web-shop"]).toBeUndefined();
  });

  it("edits another process type's policy when it is chosen", async () => {
    const backend = openSettings();
    await userEvent.selectOptions(await screen.findByRole("combobox", { name: "Process type" }), "worker");
    const form = within(await screen.findByRole("form", { name: "Autoscale policy of worker" }));
    await fill(form, "Minimum instances", "0");
    await userEvent.click(form.getByRole("button", { name: "Save policy" }));
    await waitFor(() => expect(backend.state.calls.filter((c) => c.path === "autoscale.set")).toHaveLength(1));
    expect(backend.state.calls.find((c) => c.path === "autoscale.set")?.input).toMatchObject({ processType: "worker" });
  });

  it("shows a viewer the policy without a save button", async () => {
    openSettings("viewer");
    const form = within(await screen.findByRole("form", { name: "Autoscale policy of web" }));
    expect(form.queryByRole("button", { name: "Save policy" })).toBeNull();
    expect((form.getByRole("spinbutton", { name: "Minimum instances" }) as HTMLInputElement).disabled).toBe(true);
  });
});
