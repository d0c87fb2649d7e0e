// Audit rows are written by database triggers as "<table>.<insert|update|delete>" with the row
// (secrets stripped) in details; this turns them into a sentence.

const VERB: Record<string, string> = { insert: "added", update: "changed", delete: "removed" };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** `details` is JSON from the database: the row or the list of changes may be missing or null. */
export function describeActivity(action: string, details: unknown): string {
  const [table = action, op = ""] = action.split(".");
  const row = isRecord(details) && isRecord(details.row) ? details.row : {};
  const changed = isRecord(details) && Array.isArray(details.changed) ? details.changed.filter((c) => typeof c === "string") : [];
  const field = (name: string) => (typeof row[name] === "string" || typeof row[name] === "number" ? String(row[name]) : "");
  const verb = VERB[op] ?? op;
  const sentence = (...words: string[]) => words.filter(Boolean).join(" ");
  const which = changed.length ? `(${changed.join(", ")})` : "";
  switch (table) {
    case "applications":
      // A deployment switching the running release is no settings change.
      if (op === "update" && changed.includes("current_release_id")) return "Running release changed";
      return op === "insert" ? "App created" : op === "delete" ? "App deleted" : sentence("App settings changed", which);
    case "env_vars":
      return sentence("Config var", field("key"), op === "insert" ? "set" : verb);
    case "releases":
      return sentence("Release", field("version") && `v${field("version")}`, verb);
    case "router":
      // Written by the platform, not a trigger: what the router could not do, in its own words.
      return isRecord(details) && typeof details.message === "string" ? `Router: ${details.message}` : "Router trouble";
    case "autoscale":
      // Written by the autoscaler: its decision and the reason, in its own words.
      return isRecord(details) && typeof details.message === "string" ? `Autoscaler: ${details.message}` : "Autoscaler decision";
    case "domains":
      return sentence("Domain", field("hostname"), verb);
    default:
      return sentence(table.replaceAll("_", " "), verb, which);
  }
}
