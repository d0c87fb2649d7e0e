// @ts-check
// platform:backup, platform:backups: whole-platform backups (platform admins). Restoring is
// offline, on the new machine before its platform starts: `npm run restore -- --from …`.
import { UsageError } from "../errors.js";
import { formatBytes } from "../output.js";

/** @typedef {import("../context.js").Context} Context */

const DESTINATIONS = ["dir", "s3"];

export async function backup(/** @type {Context} */ ctx) {
  const to = ctx.flags.to;
  if (to !== undefined && !DESTINATIONS.includes(String(to)))
    throw new UsageError("--to is dir (SKYPANEL_BACKUP_DIR) or s3 (the backup bucket).");
  /** @type {Record<string, unknown>} */
  let row = await ctx.api().post("/platform/backups", to === undefined ? {} : { to });
  if (ctx.flags.wait !== true) {
    if (ctx.flags.json) return ctx.out.json(row);
    return ctx.out.line(`Backing up the platform (${row.id}); follow it with skypanel platform:backups`);
  }
  let said = "";
  while (row.status === "running") {
    if (row.progress && row.progress !== said) {
      said = String(row.progress);
      if (!ctx.flags.json) ctx.out.line(`  ${said}`);
    }
    await new Promise((r) => setTimeout(r, 1000));
    row = await ctx.api().get(`/platform/backups/${encodeURIComponent(String(row.id))}`);
  }
  if (ctx.flags.json) return ctx.out.json(row);
  if (row.status !== "succeeded") throw new Error(`The backup failed: ${row.error}`);
  ctx.out.line(`Backed up to ${row.location} (${formatBytes(Number(row.sizeBytes))}, sha256 ${row.sha256})`);
}

export async function list(/** @type {Context} */ ctx) {
  const { backups, configured } = await ctx.api().get("/platform/backups");
  if (ctx.flags.json) return ctx.out.json(backups);
  ctx.out.heading("Platform backups");
  if (!configured) ctx.out.line("Backups are not set up: set SKYPANEL_BACKUP_PASSPHRASE and a destination (README, Backup and restore).");
  ctx.out.table(
    backups.map((/** @type {Record<string, unknown>} */ b) => ({
      ...b,
      size: b.sizeBytes == null ? "" : formatBytes(Number(b.sizeBytes)),
      where: b.location ?? b.progress ?? b.error ?? "",
    })),
    [
      ["startedAt", "Started"],
      ["trigger", "Trigger"],
      ["status", "Status"],
      ["size", "Size"],
      ["where", "Location"],
      ["id", "Id"],
    ],
  );
}
