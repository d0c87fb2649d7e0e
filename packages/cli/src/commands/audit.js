// @ts-check
// audit:verify and audit:export (platform admins): the tamper-evident audit log.
import { CliError, UsageError } from "../errors.js";

/** @typedef {import("../context.js").Context} Context */

/** Exits 1 when the chain is broken, naming the row, so a cron job or CI step can alert on it. */
export async function verify(/** @type {Context} */ ctx) {
  if (ctx.args.length) throw new UsageError("audit:verify takes no arguments.");
  const result = await ctx.api().get("/audit/verify");
  if (ctx.flags.json) ctx.out.json(result);
  else if (result.ok) {
    const from = result.anchor ? ` (from retention's anchor after row ${result.anchor.seq})` : "";
    ctx.out.line(`Audit log intact: ${result.checked} rows checked${from}.`);
  }
  if (!result.ok) {
    const bad = result.firstBad;
    throw new CliError(`Audit log broken at row ${bad.id} (seq ${bad.seq}): ${bad.reason}. ${result.checked} rows checked.`);
  }
}

const FORMATS = new Set(["json", "csv"]);

/** The log, oldest first, to stdout as the API sends it (JSON or CSV). */
export async function exportLog(/** @type {Context} */ ctx) {
  if (ctx.args.length) throw new UsageError("audit:export takes no arguments; use --since, --until and --limit.");
  const format = ctx.str("format") ?? "json";
  if (!FORMATS.has(format)) throw new UsageError("--format is json or csv.");
  const query = { format, since: ctx.str("since"), until: ctx.str("until"), limit: ctx.str("limit") };
  const res = await ctx.api().raw("GET", "/audit/export", { query });
  const text = await res.text();
  ctx.stdout.write(format === "json" ? `${JSON.stringify(JSON.parse(text), null, 2)}\n` : text);
  const truncated = format === "json" ? JSON.parse(text).truncated : res.headers.get("x-audit-truncated") === "true";
  if (truncated) ctx.out.warn("More rows matched than --limit; export again with --since after the last row's time.");
}
