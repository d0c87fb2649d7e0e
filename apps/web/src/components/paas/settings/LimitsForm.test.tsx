import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { openSettings } from "../../../test/openSettings.tsx";

const row = async (type: string) => within(await screen.findByRole("form", { name: `Limits of ${type}` }));

describe("Settings: resource limits per process type (stub tRPC server behind fetch)", () => {
  it("saves one row's changed limits only, keeps its instance count, and says when limits take effect", async () => {
    const backend = openSettings();
    const web = await row("web");
    expect((await screen.findByTestId("limits-note")).textContent).toMatch(/Running instances keep the limits they started with/);
    const save = web.getByRole("button", { name: "Save web" }) as HTMLButtonElement;
    expect(save.disabled).toBe(true);

    const memory = web.getByRole("spinbutton", { name: "web Memory (MB)" });
    await userEvent.clear(memory);
    await userEvent.type(memory, "1024");
    const cpu = web.getByRole("spinbutton", { name: "web CPU (cores)" });
    await userEvent.clear(cpu);
    await userEvent.type(cpu, "0.5");
    await userEvent.click(save);

    await waitFor(() =>
      expect(backend.state.runtime.formation[0]).toMatchObject({ memoryMb: 1024, cpuQuota: 0.5, maxProcs: 256, quantity: 2 }),
    );
    expect(backend.state.calls.filter((c) => c.path === "formation.scale").map((c) => c.input)).toEqual([
      { app: "web-shop", changes: { web: { memoryMb: 1024, cpuQuota: 0.5 } } },
    ]);
    expect(backend.state.runtime.formation[1]).toMatchObject({ memoryMb: 512, cpuQuota: 1 });
    await waitFor(() => expect(save.disabled).toBe(true));
  });

  it("shows the engine's message for a limit out of bounds and changes nothing", async () => {
    const backend = openSettings();
    const worker = await row("worker");
    const procs = worker.getByRole("spinbutton", { name: "worker Max processes" });
    await userEvent.clear(procs);
    await userEvent.type(procs, "4");
    await userEvent.click(worker.getByRole("button", { name: "Save worker" }));
    expect((await worker.findByRole("alert")).textContent).toBe("worker: the process limit is 8 to 65536.");
    expect(backend.state.runtime.formation[1]).toMatchObject({ maxProcs: 256 });
  });

  it("shows a viewer the limits without a way to change them", async () => {
    openSettings("viewer");
    const web = await row("web");
    expect((web.getByRole("spinbutton", { name: "web Memory (MB)" }) as HTMLInputElement).value).toBe("512");
    expect((web.getByRole("spinbutton", { name: "web Memory (MB)" }) as HTMLInputElement).disabled).toBe(true);
    expect(web.queryByRole("button", { name: "Save web" })).toBeNull();
  });
});
