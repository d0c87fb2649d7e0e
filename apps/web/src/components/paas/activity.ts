// Audit rows are written by database triggers as "<table>.<insert|update|delete>" with the row
// (secrets stripped) in details; this turns them into a sentence.

interface AuditDetails {
  row?: Record<string, unknown>;
  changed?: string[];
}

const VERB: Record<string, string> = { insert: "added", update: "changed", delete: "removed" };

export function describeActivity(action: string, details: unknown): string {
  const [table = action, op = ""] = action.split(".");
  const { row = {}, changed = [] } = (details ?? {}) as AuditDetails;
  const field = (name: string) => (typeof row[name] === "string" || typeof row[name] === "number" ? String(row[name]) : "");
  const verb = VERB[op] ?? op;
  const sentence = (...words: string[]) => words.filter(Boolean).join(" ");
  const which = changed.length ? `(${changed.join(", ")})` : "";
  switch (table) {
    case "applications":
      return op === "insert" ? "App created" : op === "delete" ? "App deleted" : sentence("App settings changed", which);
    case "env_vars":
      return sentence("Config var", field("key"), op === "insert" ? "set" : verb);
    case "releases":
      return sentence("Release", field("version") && `v${field("version")}`, verb);
    case "domains":
      return sentence("Domain", field("hostname"), verb);
    default:
      return sentence(table.replaceAll("_", " "), verb, which);
  }
}
