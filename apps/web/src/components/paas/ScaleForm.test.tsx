import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { renderWithBackend } from "../../test/render.tsx";
import { createStubBackend, stubApp, stubFormation } from "../../test/stubBackend.ts";
import { AppDashboard } from "./AppDashboard.tsx";

function openScale(role: "owner" | "viewer" = "owner") {
  const backend = createStubBackend({
    role,
    apps: [stubApp("web-shop")],
    runtime: { formation: [stubFormation("web-shop", "web", 2), stubFormation("web-shop", "worker", 1)] },
  });
  renderWithBackend(<AppDashboard />, { fetch: backend.fetch, path: "/paas/apps/:id/*", url: "/paas/apps/web-shop" });
  return backend;
}

const scaleCalls = (backend: ReturnType<typeof openScale>) => backend.state.calls.filter((c) => c.path === "formation.scale");
const quantity = (type: string) => screen.getByRole("spinbutton", { name: `${type} instances` }) as HTMLInputElement;

describe("ScaleForm on the overview (stub tRPC server behind fetch)", () => {
  it("sends only the process types that changed, as { web: N }, and shows the new formation", async () => {
    const backend = openScale();
    const form = within(await screen.findByRole("form", { name: "Scale" }));
    const save = form.getByRole("button", { name: "Save scale" }) as HTMLButtonElement;
    expect(quantity("web").value).toBe("2");
    expect(save.disabled).toBe(true);

    await userEvent.click(form.getByRole("button", { name: "One more web instance" }));
    await userEvent.click(form.getByRole("button", { name: "One more web instance" }));
    await userEvent.click(form.getByRole("button", { name: "One fewer web instance" }));
    expect(quantity("web").value).toBe("3");
    await userEvent.click(save);

    await waitFor(() => expect(scaleCalls(backend)).toHaveLength(1));
    expect(scaleCalls(backend)[0]?.input).toEqual({ app: "web-shop", changes: { web: 3 } });
    await waitFor(() => expect(save.disabled).toBe(true));
    expect(quantity("web").value).toBe("3");
    expect(quantity("worker").value).toBe("1");
    expect(backend.state.runtime.formation.find((f) => f.processType === "web")?.quantity).toBe(3);
  });

  it("shows the server's refusal and keeps what the user typed", async () => {
    const backend = openScale();
    await screen.findByRole("form", { name: "Scale" });
    await userEvent.clear(quantity("worker"));
    await userEvent.type(quantity("worker"), "150");
    await userEvent.click(screen.getByRole("button", { name: "Save scale" }));

    expect((await screen.findByTestId("scale-error")).textContent).toBe("worker: the number of instances is a whole number from 0 to 100.");
    expect(scaleCalls(backend)[0]?.input).toEqual({ app: "web-shop", changes: { worker: 150 } });
    expect(quantity("worker").value).toBe("150");
    expect(backend.state.runtime.formation.find((f) => f.processType === "worker")?.quantity).toBe(1);
  });

  it("lets a viewer see the formation but not change it", async () => {
    openScale("viewer");
    const form = within(await screen.findByRole("form", { name: "Scale" }));
    expect(form.getByText(/Your role in this team is viewer/)).toBeTruthy();
    expect(quantity("web").disabled).toBe(true);
    expect((form.getByRole("button", { name: "One more web instance" }) as HTMLButtonElement).disabled).toBe(true);
    expect(form.queryByRole("button", { name: "Save scale" })).toBeNull();
  });
});
