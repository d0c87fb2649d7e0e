import { useQuery } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import { useEffect } from "react";
import { type RouterOutputs, useTRPC } from "../../lib/trpc.ts";
import { ErrorNotice } from "../ui/ErrorNotice.tsx";
import { type Build, isActiveBuild } from "./builds.ts";
import { TD, TH } from "./tableStyles.ts";

type Report = RouterOutputs["builds"]["vulnerabilities"];
type Severity = keyof Report["counts"];

const SEVERITIES: Severity[] = ["critical", "high", "moderate", "low", "unrated"];
const BADGE: Record<Severity, string> = {
  critical: "bg-red-700 text-white",
  high: "bg-orange-100 text-orange-900 ring-1 ring-orange-300",
  moderate: "bg-amber-50 text-amber-900 ring-1 ring-amber-300",
  low: "bg-slate-100 text-slate-800 ring-1 ring-slate-300",
  unrated: "bg-white text-slate-700 ring-1 ring-slate-300",
};
const ECOSYSTEM: Record<string, string> = { npm: "Node.js (npm)", PyPI: "Python (PyPI)", Go: "Go modules", other: "Dependencies" };

/** The build's dependency scan: counts by severity, each ecosystem's result (or why it was not checked), the findings. */
export function BuildVulnerabilities({ app, build }: { app: string; build: Build }) {
  const trpc = useTRPC();
  const active = isActiveBuild(build.status);
  const report = useQuery(trpc.builds.vulnerabilities.queryOptions({ app, id: build.id }));
  const { refetch } = report;
  // The scan is stored as the build finishes: read again whenever its status moves.
  useEffect(() => {
    if (build.status) void refetch();
  }, [build.status, refetch]);
  const r = report.data;
  return (
    <section
      aria-labelledby="build-vulnerabilities-title"
      data-testid="build-vulnerabilities"
      className="rounded-lg border border-slate-200 bg-white p-4"
    >
      <h2 id="build-vulnerabilities-title" className="text-base font-semibold">
        Vulnerabilities
      </h2>
      {report.isError ? (
        <div className="mt-2">
          <ErrorNotice title="The scan could not be loaded." error={report.error} onRetry={() => report.refetch()} />
        </div>
      ) : !r ? (
        <p className="mt-2 text-sm text-slate-600">Loading the scan…</p>
      ) : !r.scanned ? (
        <p className="mt-2 text-sm text-slate-600" data-testid="vulnerabilities-not-scanned">
          {active
            ? "The locked dependencies are scanned while the build runs; the result appears when it finishes."
            : "This build was not scanned (it was made before scanning, or ended before the scan was stored)."}
        </p>
      ) : (
        <div className="mt-3 space-y-3 text-sm">
          <ul aria-label="Findings by severity" className="flex flex-wrap gap-2" data-testid="vulnerability-counts">
            {SEVERITIES.filter((s) => s !== "unrated" || r.counts.unrated > 0).map((s) => (
              <li key={s} data-severity={s} className={`rounded-full px-2.5 py-0.5 text-xs font-medium ${BADGE[s]}`}>
                {r.counts[s]} {s}
              </li>
            ))}
          </ul>
          <ul className="space-y-1" data-testid="vulnerability-scans">
            {r.scans.map((s) => (
              <li key={s.ecosystem} data-ecosystem={s.ecosystem} data-status={s.status}>
                <span className="font-medium">{ECOSYSTEM[s.ecosystem] ?? s.ecosystem}</span>
                {s.lockfile && (
                  <span className="text-slate-600">
                    {" "}
                    · {s.lockfile}, {s.packages} packages
                  </span>
                )}
                {": "}
                {s.status === "not_checked" ? (
                  <span className="text-amber-900">not checked: {s.reason}</span>
                ) : (
                  <span>
                    {s.status === "clean" ? "no known vulnerabilities" : "findings below"}
                    {s.reason && <span className="text-slate-600"> ({s.reason})</span>}
                  </span>
                )}
              </li>
            ))}
          </ul>
          {r.findings.length > 0 && <FindingsTable findings={r.findings} />}
          {r.findings.some((f) => f.severity === null) && (
            <p className="text-xs text-slate-600">PyPI's and Go's advisory data carry no severity: their findings are shown as unrated.</p>
          )}
        </div>
      )}
    </section>
  );
}

function FindingsTable({ findings }: { findings: Report["findings"] }) {
  return (
    <div className="overflow-x-auto">
      <table className="min-w-full divide-y divide-slate-200" data-testid="vulnerability-table">
        <thead>
          <tr>
            <th className={TH}>Severity</th>
            <th className={TH}>Package</th>
            <th className={TH}>Advisory</th>
            <th className={TH}>Fixed in</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {findings.map((f) => (
            <tr key={f.id} data-testid="vulnerability-row">
              <td className={TD}>
                <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${BADGE[f.severity ?? "unrated"]}`}>
                  {f.severity ?? "unrated"}
                </span>
              </td>
              <td className={`${TD} font-mono text-xs`}>
                {f.package}@{f.version}
              </td>
              <td className={TD}>
                {f.url ? (
                  <a href={f.url} target="_blank" rel="noreferrer noopener" className="text-indigo-800 hover:underline">
                    {f.advisoryId}
                  </a>
                ) : (
                  f.advisoryId
                )}
                {f.title && <div className="text-xs text-slate-600">{f.title}</div>}
              </td>
              <td className={`${TD} font-mono text-xs`}>{f.fixedIn ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The critical findings a refused deploy named (the team blocks them), or null for any other error. */
export function blockedByFindings(error: unknown): { advisoryId: string; package: string; version: string }[] | null {
  if (!(error instanceof TRPCClientError)) return null;
  const findings = (error.data as { details?: { findings?: unknown } } | undefined)?.details?.findings;
  return Array.isArray(findings) && findings.length > 0 ? (findings as { advisoryId: string; package: string; version: string }[]) : null;
}
