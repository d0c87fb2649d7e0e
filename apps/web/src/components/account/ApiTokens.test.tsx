import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { renderWithBackend } from "../../test/render.tsx";
import { createStubBackend } from "../../test/stubBackend.ts";
import { ApiTokens } from "./ApiTokens.tsx";

describe("ApiTokens (stub tRPC server behind fetch)", () => {
  it("shows a new token's secret once, then lists it by name and prefix only", async () => {
    const backend = createStubBackend();
    renderWithBackend(<ApiTokens />, { fetch: backend.fetch });
    await screen.findByText("No API tokens.");

    await userEvent.type(screen.getByRole("textbox", { name: "Token name" }), "laptop CLI");
    await userEvent.selectOptions(screen.getByRole("combobox", { name: "May" }), "deploy");
    await userEvent.click(screen.getByRole("button", { name: "Create token" }));
    expect((await screen.findByTestId("new-token-value")).textContent).toBe("spt_abcd-secret-tok-1");
    expect(backend.state.calls.find((c) => c.path === "tokens.create")?.input).toEqual({
      name: "laptop CLI",
      expiresInDays: 90,
      scope: "deploy",
    });

    await userEvent.click(screen.getByRole("button", { name: "Done" }));
    const row = within(await screen.findByTestId("api-token"));
    expect(row.getByText("laptop CLI")).toBeTruthy();
    expect(row.getByText("spt_abcd…")).toBeTruthy();
    expect(row.getByTestId("api-token-scope").textContent).toBe("deploy");
    expect(screen.queryByText("spt_abcd-secret-tok-1")).toBeNull();
  });

  it("revokes a token after confirmation", async () => {
    const backend = createStubBackend();
    backend.state.tokens.push({
      id: "tok-9",
      name: "ci",
      prefix: "spt_zzzz",
      scope: "read",
      createdAt: new Date(),
      lastUsedAt: null,
      expiresAt: null,
    });
    renderWithBackend(<ApiTokens />, { fetch: backend.fetch });

    await userEvent.click(await screen.findByRole("button", { name: "Revoke ci" }));
    await userEvent.click(within(screen.getByRole("dialog", { name: "Revoke ci?" })).getByRole("button", { name: "Revoke" }));
    expect(await screen.findByText("No API tokens.")).toBeTruthy();
    await waitFor(() => expect(backend.state.tokens).toHaveLength(0));
  });
});
