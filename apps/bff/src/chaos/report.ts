// What one chaos case lost and how long the platform took to recover, printed with the test's
// output and kept in `chaos-report.json` (git-ignored) so `npm run chaos` ends with a table.
import { appendFileSync } from "node:fs";
import { join } from "node:path";

export interface ChaosLoss {
  /** Requests to apps or the API that failed while the fault lasted (counted, not sampled). */
  requests?: { sent: number; failed: number };
  /** Jobs (builds, deployments) that neither finished nor failed with a reason. */
  jobsDropped?: number;
  /** Committed rows missing after recovery. */
  rowsLost?: number;
}

export interface ChaosResult {
  /** The case, as the issue names it ("caddy killed under load"). */
  name: string;
  loss: ChaosLoss;
  /** From the fault ending (or starting, when it never ends) to the platform serving normally again. */
  recoveryMs: number | null;
  /** Anything a reader needs to judge the numbers (the bound asserted, the load, the fault's length). */
  notes?: string;
}

const REPORT_FILE = join(import.meta.dirname, "../../../../chaos-report.json");

export function reportChaos(result: ChaosResult): void {
  console.log(`[chaos] ${JSON.stringify(result)}`);
  appendFileSync(REPORT_FILE, `${JSON.stringify({ ...result, at: new Date().toISOString() })}\n`);
}
