import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { renderWithBackend } from "../../test/render.tsx";
import { createStubBackend, stubApp } from "../../test/stubBackend.ts";
import { AppList } from "./AppList.tsx";

const many = (n: number) => Array.from({ length: n }, (_, i) => stubApp(`app-${String(i + 1).padStart(2, "0")}`));

describe("AppList (stub tRPC server behind fetch)", () => {
  it("shows each app with its status and team, linking to its dashboard", async () => {
    const backend = createStubBackend({ apps: [stubApp("web-shop", { status: "running", description: "The shop" }), stubApp("api-core")] });
    renderWithBackend(<AppList />, { fetch: backend.fetch });

    const cards = await screen.findAllByTestId("app-card");
    expect(cards).toHaveLength(2);
    const shop = within(cards[0] as HTMLElement);
    expect(shop.getByRole("link", { name: "web-shop" }).getAttribute("href")).toBe("/paas/apps/web-shop");
    expect(shop.getByTestId("app-status").textContent).toContain("running");
    expect(shop.getByText("The shop")).toBeTruthy();
    expect(shop.getByText("Ada's apps")).toBeTruthy();
    expect(screen.getByRole("heading", { name: /Apps \(2\)/ })).toBeTruthy();
  });

  it("shows an empty state with a create button when there are no apps", async () => {
    const backend = createStubBackend({ apps: [] });
    renderWithBackend(<AppList />, { fetch: backend.fetch });

    const empty = await screen.findByTestId("apps-empty");
    expect(empty.textContent).toContain("No apps yet.");
    await userEvent.click(within(empty).getByRole("button", { name: "Create your first app" }));
    expect(screen.getByRole("dialog", { name: "Create an app" })).toBeTruthy();
    expect(screen.queryByRole("navigation", { name: "Pagination" })).toBeNull();
  });

  it("pages through apps with Previous and Next and asks the server for that page", async () => {
    const backend = createStubBackend({ apps: many(25) });
    renderWithBackend(<AppList />, { fetch: backend.fetch });

    expect(await screen.findAllByTestId("app-card")).toHaveLength(20);
    expect(screen.getByTestId("page-indicator").textContent).toBe("Page 1 of 2");
    expect((screen.getByRole("button", { name: "Previous" }) as HTMLButtonElement).disabled).toBe(true);

    await userEvent.click(screen.getByRole("button", { name: "Next" }));
    await waitFor(() => expect(screen.getAllByTestId("app-card")).toHaveLength(5));
    expect(screen.getByRole("link", { name: "app-21" })).toBeTruthy();
    expect(screen.getByTestId("page-indicator").textContent).toBe("Page 2 of 2");
    expect((screen.getByRole("button", { name: "Next" }) as HTMLButtonElement).disabled).toBe(true);
    expect(backend.state.calls.filter((c) => c.path === "apps.list").at(-1)?.input).toMatchObject({ page: 2, perPage: 20 });
  });

  it("searches by name and says so when nothing matches", async () => {
    const backend = createStubBackend({ apps: [stubApp("web-shop"), stubApp("api-core")] });
    renderWithBackend(<AppList />, { fetch: backend.fetch });
    await screen.findAllByTestId("app-card");

    await userEvent.type(screen.getByRole("searchbox", { name: "Search" }), "shop");
    await waitFor(() => expect(screen.getAllByTestId("app-card")).toHaveLength(1));
    expect(screen.getByRole("link", { name: "web-shop" })).toBeTruthy();

    await userEvent.type(screen.getByRole("searchbox", { name: "Search" }), "-nothing");
    expect((await screen.findByTestId("apps-empty")).textContent).toContain("No app matches these filters.");
  });

  it("deletes an app from the list only after its name is typed in the confirmation", async () => {
    const backend = createStubBackend({ apps: [stubApp("web-shop"), stubApp("api-core")] });
    renderWithBackend(<AppList />, { fetch: backend.fetch });
    await screen.findAllByTestId("app-card");

    await userEvent.click(screen.getByRole("button", { name: "Delete web-shop" }));
    const dialog = within(screen.getByRole("dialog", { name: "Delete web-shop?" }));
    const confirm = dialog.getByRole("button", { name: "Delete app" }) as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    await userEvent.type(dialog.getByRole("textbox", { name: /Type web-shop to confirm/ }), "web-shop");
    await userEvent.click(confirm);

    await waitFor(() => expect(screen.queryByRole("link", { name: "web-shop" })).toBeNull());
    expect(screen.getAllByTestId("app-card")).toHaveLength(1);
    expect(backend.state.apps.map((a) => a.name)).toEqual(["api-core"]);
  });
});
