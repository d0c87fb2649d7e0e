// `npm run chaos`'s global setup: starts each run with an empty chaos-report.json and ends it
// with one table of what every case lost and how long recovery took.
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { ChaosResult } from "./report.ts";

const REPORT_FILE = join(import.meta.dirname, "../../../../chaos-report.json");

export function setup() {
  rmSync(REPORT_FILE, { force: true });
}

export function teardown() {
  if (!existsSync(REPORT_FILE)) return;
  const rows = readFileSync(REPORT_FILE, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as ChaosResult);
  console.log(`\nChaos report (${REPORT_FILE}):`);
  console.table(
    rows.map((r) => ({
      case: r.name,
      "requests failed": r.loss.requests ? `${r.loss.requests.failed} of ${r.loss.requests.sent}` : "",
      "jobs dropped": r.loss.jobsDropped ?? "",
      "rows lost": r.loss.rowsLost ?? "",
      "recovery (s)": r.recoveryMs === null ? "" : (r.recoveryMs / 1000).toFixed(1),
    })),
  );
}
