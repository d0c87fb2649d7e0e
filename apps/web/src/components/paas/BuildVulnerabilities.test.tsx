import { screen, within } from "@testing-library/react";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { describe, expect, it } from "vitest";
import type { RouterOutputs } from "../../lib/trpc.ts";
import { renderWithBackend } from "../../test/render.tsx";
import { stubBuild } from "../../test/stubBackend.ts";
import { stubProcedure, t } from "../../test/stubTrpc.ts";
import { BuildVulnerabilities } from "./BuildVulnerabilities.tsx";
import type { Build } from "./builds.ts";

type Report = RouterOutputs["builds"]["vulnerabilities"];

const finding = (
  advisoryId: string,
  severity: Report["findings"][number]["severity"],
  extra: Partial<Report["findings"][number]> = {},
) => ({
  id: `f-${advisoryId}`,
  ecosystem: "npm" as const,
  package: "minimist",
  version: "0.0.8",
  advisoryId,
  url: null,
  title: "Prototype Pollution in minimist",
  severity,
  fixedIn: null,
  createdAt: new Date("2025-01-02T03:04:05Z"),
  ...extra,
});

/** The stub BFF with only builds.vulnerabilities, answering `report`. */
function show(report: Report) {
  const session = { loggedIn: true, calls: [] as { path: string; input: unknown }[] };
  const procedure = stubProcedure(session);
  const router = t.router({ builds: t.router({ vulnerabilities: procedure("builds.vulnerabilities").query(() => report) }) });
  const fetch = (async (url: string | URL | Request, init?: RequestInit) =>
    fetchRequestHandler({
      endpoint: "/api/trpc",
      req: new Request(new URL(String(url), "http://skypanel.test"), init),
      router,
      createContext: () => ({ csrf: null }),
    })) as typeof globalThis.fetch;
  const build = stubBuild("shop", 3, { status: "succeeded" }) as unknown as Build;
  renderWithBackend(<BuildVulnerabilities app="shop" build={build} />, { fetch });
}

describe("BuildVulnerabilities (stub tRPC server behind fetch)", () => {
  it("shows counts by severity, each ecosystem's result with why it was not checked, and the findings worst first with links", async () => {
    show({
      scanned: true,
      counts: { critical: 1, high: 0, moderate: 1, low: 0, unrated: 0 },
      scans: [
        { ecosystem: "npm", status: "findings", reason: null, lockfile: "package-lock.json", packages: 2, scannedAt: new Date() },
        {
          ecosystem: "Go",
          status: "not_checked",
          reason: "the Go vulnerability database is not reachable from this machine",
          lockfile: "go.mod",
          packages: 4,
          scannedAt: new Date(),
        },
      ],
      findings: [
        finding("GHSA-xvch-5gv4-984h", "critical", { url: "https://github.com/advisories/GHSA-xvch-5gv4-984h", fixedIn: "0.2.4" }),
        finding("GHSA-vh95-rmgr-6w4m", "moderate"),
      ],
    });
    const counts = await screen.findByTestId("vulnerability-counts");
    expect(
      within(counts)
        .getAllByRole("listitem")
        .map((li) => li.textContent),
    ).toEqual(["1 critical", "0 high", "1 moderate", "0 low"]);
    const scans = screen.getByTestId("vulnerability-scans");
    expect(scans.querySelector('[data-ecosystem="Go"]')?.textContent).toBe(
      "Go modules · go.mod, 4 packages: not checked: the Go vulnerability database is not reachable from this machine",
    );
    const rows = screen.getAllByTestId("vulnerability-row");
    expect(rows.map((r) => r.textContent)).toEqual([
      "criticalminimist@0.0.8GHSA-xvch-5gv4-984hPrototype Pollution in minimist0.2.4",
      "moderateminimist@0.0.8GHSA-vh95-rmgr-6w4mPrototype Pollution in minimist—",
    ]);
    expect(
      within(rows[0] as HTMLElement)
        .getByRole("link", { name: "GHSA-xvch-5gv4-984h" })
        .getAttribute("href"),
    ).toBe("https://github.com/advisories/GHSA-xvch-5gv4-984h");
  });

  it("says so when the build was never scanned, and shows no table", async () => {
    show({ scanned: false, counts: { critical: 0, high: 0, moderate: 0, low: 0, unrated: 0 }, scans: [], findings: [] });
    expect((await screen.findByTestId("vulnerabilities-not-scanned")).textContent).toMatch(/was not scanned/);
    expect(screen.queryByTestId("vulnerability-table")).toBeNull();
  });
});
