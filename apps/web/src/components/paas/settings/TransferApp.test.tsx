import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { renderWithBackend } from "../../../test/render.tsx";
import { createStubBackend, stubApp } from "../../../test/stubBackend.ts";
import { AppDashboard } from "../AppDashboard.tsx";

const TEAMS = [
  { id: "team-ops", name: "Ops", role: "member" as const },
  { id: "team-view", name: "Readers", role: "viewer" as const },
];

function openSettings(role: "owner" | "member" = "owner", otherTeams = TEAMS) {
  const backend = createStubBackend({ role, apps: [stubApp("web-shop")], otherTeams });
  renderWithBackend(<AppDashboard />, { fetch: backend.fetch, path: "/paas/apps/:id/*", url: "/paas/apps/web-shop/settings" });
  return backend;
}

describe("Settings: transfer to another team (stub tRPC server behind fetch)", () => {
  it("offers only teams the user may create apps in, waits for the typed name, then moves the app and shows its new team", async () => {
    const backend = openSettings();
    const form = within(await screen.findByRole("form", { name: "Transfer app" }));
    const team = form.getByRole("combobox", { name: "New team" });
    await waitFor(() =>
      expect(
        within(team)
          .getAllByRole("option")
          .map((o) => o.textContent),
      ).toEqual(["Choose a team", "Ops (member)"]),
    );
    const button = () => form.getByRole("button", { name: /Transfer/ }) as HTMLButtonElement;
    expect(button().disabled).toBe(true);

    await userEvent.selectOptions(team, "team-ops");
    await userEvent.type(form.getByRole("textbox", { name: /To transfer, type web-shop/ }), "web-sho");
    expect(button().disabled).toBe(true);
    await userEvent.type(form.getByRole("textbox", { name: /To transfer, type web-shop/ }), "p");
    expect(button().textContent).toBe("Transfer to Ops");
    await userEvent.click(button());

    await waitFor(() => expect(backend.state.apps[0]).toMatchObject({ teamId: "team-ops", teamName: "Ops" }));
    expect(backend.state.calls.filter((c) => c.path === "apps.transfer").map((c) => c.input)).toEqual([
      { app: "id-web-shop", teamId: "team-ops" },
    ]);
    // The app's page was read again: the header names the new team.
    await waitFor(() => expect(screen.getByText("Ops", { selector: "span" })).toBeTruthy());
  });

  it("says why there is nothing to choose when the user is in no other team they may add apps to", async () => {
    openSettings("owner", [{ id: "team-view", name: "Readers", role: "viewer" }]);
    await waitFor(() => expect(screen.getByTestId("transfer-app").textContent).toMatch(/you are in no other such team/));
    expect(screen.queryByRole("form", { name: "Transfer app" })).toBeNull();
  });

  it("offers a member no transfer, because only admins and owners may move an app", async () => {
    openSettings("member");
    const zone = within(await screen.findByTestId("danger-zone"));
    expect(zone.queryByRole("form", { name: "Transfer app" })).toBeNull();
    expect(zone.getByText(/can delete this app or transfer it to another team/)).toBeTruthy();
  });
});
