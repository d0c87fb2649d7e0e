// Every source rates advisories its own way (npm: critical/high/moderate/low/info; GitHub:
// CRITICAL/HIGH/MODERATE/LOW; OSV: CVSS scores). The platform shows one scale, worst first.
import { VULNERABILITY_SEVERITIES, type VulnerabilitySeverity } from "@skypanel/db";

const WORDS: Record<string, VulnerabilitySeverity> = {
  critical: "critical",
  high: "high",
  important: "high",
  moderate: "moderate",
  medium: "moderate",
  low: "low",
  info: "low",
  informational: "low",
  negligible: "low",
  minor: "low",
};

/** A source's rating on the platform's scale; null when it rates none (or says nothing we know). */
export function normalizeSeverity(raw: unknown): VulnerabilitySeverity | null {
  if (typeof raw === "number") return fromScore(raw);
  if (typeof raw !== "string") return null;
  const word = raw.trim().toLowerCase();
  if (word.length > 40) return null;
  if (/^\d+(\.\d+)?$/.test(word)) return fromScore(Number(word));
  return Object.hasOwn(WORDS, word) ? (WORDS[word] as VulnerabilitySeverity) : null;
}

// CVSS v3 qualitative ratings: 9.0–10 critical, 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low.
function fromScore(score: number): VulnerabilitySeverity | null {
  if (!Number.isFinite(score) || score <= 0 || score > 10) return null;
  if (score >= 9) return "critical";
  if (score >= 7) return "high";
  if (score >= 4) return "moderate";
  return "low";
}

export type SeverityCounts = Record<VulnerabilitySeverity | "unrated", number>;

export function countBySeverity(findings: { severity: VulnerabilitySeverity | null }[]): SeverityCounts {
  const counts: SeverityCounts = { critical: 0, high: 0, moderate: 0, low: 0, unrated: 0 };
  for (const f of findings) counts[f.severity ?? "unrated"]++;
  return counts;
}

/** "3 findings (1 critical, 2 high)", "no findings": the build log's and the stage's words. */
export function describeFindings(findings: { severity: VulnerabilitySeverity | null }[]): string {
  if (findings.length === 0) return "no findings";
  const counts = countBySeverity(findings);
  const parts = [...VULNERABILITY_SEVERITIES, "unrated" as const].filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`);
  return `${findings.length} finding${findings.length === 1 ? "" : "s"} (${parts.join(", ")})`;
}
