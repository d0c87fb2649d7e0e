import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { describe, expect, it } from "vitest";
import { renderWithBackend } from "../../test/render.tsx";
import { stubProcedure, t } from "../../test/stubTrpc.ts";
import { TeamDeployPolicy } from "./TeamDeployPolicy.tsx";

/** The stub BFF with the three procedures the section uses; policies change as the BFF would change them. */
function show() {
  const session = { loggedIn: true, calls: [] as { path: string; input: unknown }[] };
  const proc = stubProcedure(session);
  const policies = new Map([
    ["team-shop", false],
    ["team-ops", true],
  ]);
  const team = (id: string, name: string, role: "owner" | "member") => ({
    id,
    name,
    personal: false,
    mfaRequired: false,
    role,
    createdAt: new Date("2025-01-01"),
  });
  const router = t.router({
    teams: t.router({
      list: proc("teams.list").query(() => [team("team-shop", "shop", "owner"), team("team-ops", "ops", "member")]),
      deployPolicy: proc("teams.deployPolicy").query(({ input }) => ({
        teamId: input.teamId,
        blockCriticalDeploys: policies.get(input.teamId) ?? false,
      })),
      setDeployPolicy: proc("teams.setDeployPolicy").mutation(({ input }) => {
        policies.set(input.teamId, input.blockCriticalDeploys);
        return input;
      }),
    }),
  });
  const fetch = (async (url: string | URL | Request, init?: RequestInit) =>
    fetchRequestHandler({
      endpoint: "/api/trpc",
      req: new Request(new URL(String(url), "http://skypanel.test"), init),
      router,
      createContext: ({ req }) => ({ csrf: req.headers.get("x-csrf-token") }),
    })) as typeof globalThis.fetch;
  renderWithBackend(<TeamDeployPolicy />, { fetch });
  return { policies, session };
}

const checkbox = (team: string) => {
  const row = screen.getAllByTestId("team-deploy-policy").find((r) => r.dataset.team === team);
  if (!row) throw new Error(`no row for ${team}`);
  return within(row).getByRole("checkbox") as HTMLInputElement;
};

describe("TeamDeployPolicy (stub tRPC server behind fetch)", () => {
  it("an owner turns the block on for their team; a member sees their team's setting but cannot change it", async () => {
    const { policies, session } = show();
    await waitFor(() => expect(checkbox("ops").checked).toBe(true));
    expect(checkbox("ops").disabled).toBe(true);
    expect(checkbox("shop").checked).toBe(false);
    await waitFor(() => expect(checkbox("shop").disabled).toBe(false));
    await userEvent.click(checkbox("shop"));
    await waitFor(() => expect(checkbox("shop").checked).toBe(true));
    expect(policies.get("team-shop")).toBe(true);
    expect(session.calls.filter((c) => c.path === "teams.setDeployPolicy").map((c) => c.input)).toEqual([
      { teamId: "team-shop", blockCriticalDeploys: true },
    ]);
  });
});
