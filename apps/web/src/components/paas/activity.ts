// Audit rows are written by database triggers as "<table>.<insert|update|delete>" with the row
// (secrets stripped) in details; this turns them into a sentence.

interface AuditDetails {
  row?: Record<string, unknown>;
  changed?: string[];
}

const VERB: Record<string, string> = { insert: "added", update: "changed", delete: "removed" };

export function describeActivity(action: string, details: unknown): string {
  const [table = action, op = ""] = action.split(".");
  const d = (details ?? {}) as AuditDetails;
  const row = d.row ?? {};
  const field = (name: string) => (typeof row[name] === "string" || typeof row[name] === "number" ? String(row[name]) : "");
  const changed = d.changed?.length ? ` (${d.changed.join(", ")})` : "";
  switch (table) {
    case "applications":
      return op === "insert" ? "App created" : op === "delete" ? "App deleted" : `App settings changed${changed}`;
    case "env_vars":
      return `Config var ${field("key")} ${op === "insert" ? "set" : (VERB[op] ?? op)}`.replace("  ", " ");
    case "releases":
      return `Release ${field("version") ? `v${field("version")} ` : ""}${VERB[op] ?? op}`;
    case "domains":
      return `Domain ${field("hostname")} ${VERB[op] ?? op}`.replace("  ", " ");
    default:
      return `${table.replaceAll("_", " ")} ${VERB[op] ?? op}${changed}`.trim();
  }
}
