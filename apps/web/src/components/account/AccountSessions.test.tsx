import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { renderWithBackend } from "../../test/render.tsx";
import { createStubBackend, stubSession } from "../../test/stubBackend.ts";
import { AccountSessions } from "./AccountSessions.tsx";

describe("AccountSessions (stub tRPC server behind fetch)", () => {
  it("marks the current session, ends another, then logs out all the others after confirmation", async () => {
    const backend = createStubBackend({
      sessions: [stubSession(1, { current: true, userAgent: "This laptop" }), stubSession(2, { userAgent: "Old phone" }), stubSession(3)],
    });
    renderWithBackend(<AccountSessions />, { fetch: backend.fetch });

    const rows = await screen.findAllByTestId("account-session");
    expect(rows).toHaveLength(3);
    expect(within(rows[0] as HTMLElement).getByTestId("current-session").textContent).toBe("This session");
    expect(within(rows[0] as HTMLElement).queryByRole("button", { name: /End session/ })).toBeNull();

    await userEvent.click(screen.getByRole("button", { name: "End session: Old phone, 192.0.2.2" }));
    await waitFor(() => expect(screen.getAllByTestId("account-session")).toHaveLength(2));

    await userEvent.click(screen.getByRole("button", { name: "Log out other sessions" }));
    await userEvent.click(
      within(screen.getByRole("dialog", { name: "Log out other sessions?" })).getByRole("button", { name: "Log out others" }),
    );
    await waitFor(() => expect(screen.getAllByTestId("account-session")).toHaveLength(1));
    expect(backend.state.sessions.map((s) => s.userAgent)).toEqual(["This laptop"]);
    expect(screen.queryByRole("button", { name: "Log out other sessions" })).toBeNull();
  });
});
