// @ts-check
// pg:backups, pg:backups:capture, pg:backups:restore: pg_dump backups of a PostgreSQL add-on.
import { appPath } from "../api.js";
import { CliError, UsageError } from "../errors.js";
import { findAddon } from "./addons.js";

/** @typedef {import("../context.js").Context} Context */

/** The PostgreSQL add-on named, or the one attached as DATABASE_URL, or the only one. */
async function database(/** @type {Context} */ ctx, /** @type {string} */ app, /** @type {string | undefined} */ ref) {
  const { addons } = await ctx.api().get(`${appPath(app)}/addons`);
  const pg = addons.filter((/** @type {any} */ a) => a.type === "postgresql");
  const found = ref ? findAddon(pg, ref) : (findAddon(pg, "DATABASE") ?? (pg.length === 1 ? pg[0] : null));
  if (!found) {
    throw new CliError(
      ref
        ? `${app} has no PostgreSQL add-on "${ref}".`
        : `${app} has ${pg.length ? "several PostgreSQL add-ons: name one" : "no PostgreSQL add-on"}.`,
    );
  }
  return `${appPath(app)}/addons/${found.id}`;
}

const until = async (/** @type {() => Promise<any>} */ read, /** @type {(v: any) => boolean} */ done) => {
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    await new Promise((r) => setTimeout(r, 1000));
  }
};

export async function list(/** @type {Context} */ ctx) {
  const app = ctx.app();
  const { backups } = await ctx.api().get(`${await database(ctx, app, ctx.args[0])}/backups`);
  if (ctx.flags.json) return ctx.out.json(backups);
  ctx.out.heading(`${app} Backups`);
  ctx.out.table(backups, [
    ["id", "Id"],
    ["status", "Status"],
    ["sizeBytes", "Bytes"],
    ["createdAt", "Taken"],
    ["restoreStatus", "Restore"],
    ["encrypted", "Encrypted"],
    ["remote", "S3 copy"],
  ]);
}

export async function capture(/** @type {Context} */ ctx) {
  const app = ctx.app();
  const base = await database(ctx, app, ctx.args[0]);
  ctx.out.status(`Backing up ${app}'s database...`);
  let backup = await ctx.api().post(`${base}/backups`);
  if (ctx.flags.wait !== false)
    backup = await until(
      () => ctx.api().get(`${base}/backups/${backup.id}`),
      (b) => b.status !== "running",
    );
  if (ctx.flags.json) return ctx.out.json(backup);
  if (backup.status === "failed") throw new CliError(`The backup failed: ${backup.error ?? "see the platform's log"}`);
  ctx.out.line(`Backup ${backup.id} ${backup.status}`);
}

export async function restore(/** @type {Context} */ ctx) {
  const [backupId, ref] = ctx.args;
  if (!backupId) throw new UsageError("Give the backup's id (skypanel pg:backups lists them).");
  const app = ctx.app();
  const confirm = ctx.str("confirm");
  if (confirm !== app) throw new CliError(`Restoring replaces the database's data. To proceed, add --confirm ${app}.`);
  const base = await database(ctx, app, ref);
  await ctx.api().post(`${base}/backups/${encodeURIComponent(backupId)}/restore`, { confirm });
  ctx.out.status(`Restoring backup ${backupId}...`);
  if (ctx.flags.wait === false) return;
  const done = await until(
    () => ctx.api().get(`${base}/backups/${encodeURIComponent(backupId)}`),
    (b) => b.restoreStatus !== "running",
  );
  if (ctx.flags.json) return ctx.out.json(done);
  if (done.restoreStatus !== "succeeded") throw new CliError(`The restore ${done.restoreStatus}: ${done.restoreError ?? ""}`);
  ctx.out.line(`Restored backup ${backupId}`);
}
