// The pipeline's side of the scan: start it while the source is staged, collect it before the
// build is marked succeeded, store it with the build, and say what it found in the build log.
import type { Database } from "@skypanel/db";
import { replaceBuildScan } from "@skypanel/db/queries";
import type { BuildPlan } from "../../detect/plan.ts";
import { type LockedEcosystem, lockedVersions, lookUpVulnerabilities, type ScanSettings } from "./scan.ts";
import { describeFindings } from "./severity.ts";
import type { ScanReport } from "./types.ts";

export interface RunningScan {
  /** Waits for the answers (within the scan's deadline), stores them and logs the summary. */
  finish(say: (line: string) => void): Promise<ScanReport>;
  /** Stops the lookups of a build that ended another way. */
  cancel(): void;
}

/** Reads the lockfiles now and starts asking; `settings` null means scanning is off on this platform. */
export function scanBuildDependencies(
  db: Database,
  buildId: string,
  plan: Pick<BuildPlan, "stack" | "lockfiles">,
  sourceDir: string,
  settings: ScanSettings | null,
): RunningScan {
  const stop = new AbortController();
  let locked: LockedEcosystem[];
  try {
    locked = lockedVersions(plan, sourceDir);
  } catch (err) {
    locked = [{ ecosystem: "other", notChecked: `the lockfiles could not be read (${(err as Error).message})` }];
  }
  if (!settings)
    locked = locked.map((l) => ({ ecosystem: l.ecosystem, notChecked: "vulnerability scanning is turned off on this platform" }));
  const pending = settings
    ? lookUpVulnerabilities(locked, settings, stop.signal)
    : Promise.resolve({
        scans: locked.map((l) => ({
          ecosystem: l.ecosystem,
          status: "not_checked" as const,
          reason: (l as { notChecked: string }).notChecked,
          lockfile: null,
          packages: 0,
        })),
        findings: [],
      });
  // Never an unhandled rejection, whatever happens to the build meanwhile.
  pending.catch(() => {});
  return {
    async finish(say) {
      const report = await pending;
      await replaceBuildScan(db, buildId, report.scans, report.findings);
      say(`-----> Scanning dependencies… ${describeFindings(report.findings)}`);
      for (const s of report.scans) {
        const what = s.lockfile ? `${s.ecosystem} (${s.lockfile}, ${s.packages} package${s.packages === 1 ? "" : "s"})` : s.ecosystem;
        if (s.status === "not_checked") say(` !     ${what}: not checked: ${s.reason}`);
        else {
          const mine = report.findings.filter((f) => f.ecosystem === s.ecosystem);
          say(`       ${what}: ${describeFindings(mine)}${s.reason ? `; ${s.reason}` : ""}`);
        }
      }
      for (const f of report.findings.slice(0, 20)) {
        say(
          `       ${f.severity ?? "unrated"}: ${f.package}@${f.version} ${f.advisoryId} ${f.title}${f.fixedIn ? ` (fixed in ${f.fixedIn})` : ""}`,
        );
      }
      if (report.findings.length > 20) say(`       … and ${report.findings.length - 20} more on the build page`);
      return report;
    },
    cancel: () => stop.abort(),
  };
}
