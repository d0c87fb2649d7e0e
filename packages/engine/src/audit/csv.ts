// The audit log as CSV for spreadsheets. A cell a spreadsheet would run as a formula (= + - @,
// and tab or carriage return, which some treat alike) is prefixed with a quote, so an actor who
// can put text into the log (a name, a domain) cannot make it run in whoever opens the export.
import type { AuditEntry } from "@skypanel/db";

export const AUDIT_CSV_COLUMNS = [
  "seq",
  "id",
  "created_at",
  "actor_id",
  "team_id",
  "app_id",
  "action",
  "target_type",
  "target_id",
  "ip",
  "details",
  "prev_hash",
  "hash",
] as const;

const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV cell: formula starts defused, then quoted when it holds a comma, quote or line break. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  let text = value instanceof Date ? value.toISOString() : typeof value === "object" ? JSON.stringify(value) : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function auditCsvRow(e: AuditEntry): string {
  return [e.seq, e.id, e.createdAt, e.actorId, e.teamId, e.appId, e.action, e.targetType, e.targetId, e.ip, e.details, e.prevHash, e.hash]
    .map(csvCell)
    .join(",");
}

export function auditCsv(entries: AuditEntry[]): string {
  return `${[AUDIT_CSV_COLUMNS.join(","), ...entries.map(auditCsvRow)].join("\r\n")}\r\n`;
}
