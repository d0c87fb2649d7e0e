// @ts-check
// addons, addons:create, addons:info, addons:destroy, addons:attach.
import { appPath } from "../api.js";
import { CliError, UsageError } from "../errors.js";

/** @typedef {import("../context.js").Context} Context */
/** @typedef {{ id: string, name: string, type: string, plan: string, status: string, attachedAs: string | null, owner: { id: string, name: string } }} Addon */

/**
 * The app's add-on that `ref` names: its id, its name, or the config var it is attached as
 * (`DATABASE_URL` or just `DATABASE`), as Heroku accepts.
 * @param {Addon[]} addons
 * @param {string} ref
 * @returns {Addon | null}
 */
export function findAddon(addons, ref) {
  const upper = ref.toUpperCase();
  return (
    addons.find((a) => a.id === ref || a.name === ref) ??
    addons.find((a) => a.attachedAs && (a.attachedAs === upper || a.attachedAs === `${upper}_URL`)) ??
    null
  );
}

/** The add-on `ref` names on `app`, or an error listing what there is. */
export async function resolveAddon(/** @type {Context} */ ctx, /** @type {string} */ app, /** @type {string} */ ref) {
  const { addons } = await ctx.api().get(`${appPath(app)}/addons`);
  const addon = findAddon(addons, ref);
  if (!addon) {
    const names = addons.map((/** @type {Addon} */ a) => `${a.name}${a.attachedAs ? ` (${a.attachedAs})` : ""}`).join(", ");
    throw new CliError(`${app} has no add-on "${ref}".${names ? ` It has: ${names}.` : ""}`);
  }
  return addon;
}

export async function list(/** @type {Context} */ ctx) {
  const app = ctx.app();
  const { addons } = await ctx.api().get(`${appPath(app)}/addons`);
  if (ctx.flags.json) return ctx.out.json(addons);
  ctx.out.heading(`${app} Add-ons`);
  ctx.out.table(
    addons.map((/** @type {Addon} */ a) => ({ ...a, ownerName: a.owner?.name })),
    [
      ["name", "Add-on"],
      ["type", "Type"],
      ["plan", "Plan"],
      ["attachedAs", "As"],
      ["status", "Status"],
      ["ownerName", "Owner"],
    ],
  );
}

export async function create(/** @type {Context} */ ctx) {
  const type = ctx.args[0];
  if (!type || ctx.args.length > 1) throw new UsageError("Give the add-on type: postgresql or redis.");
  const app = ctx.app();
  ctx.out.status(`Creating ${type} for ${app}...`);
  const addon = await ctx.api().post(`${appPath(app)}/addons`, {
    type,
    ...(ctx.str("plan") ? { plan: ctx.str("plan") } : {}),
    ...(ctx.str("as") ? { as: ctx.str("as") } : {}),
  });
  if (ctx.flags.json) return ctx.out.json(addon);
  ctx.out.line(`Created ${ctx.out.bold(addon.name)} as ${addon.attachedAs ?? "(not attached)"}`);
}

export async function info(/** @type {Context} */ ctx) {
  const ref = ctx.args[0];
  if (!ref) throw new UsageError("Give the add-on's name, id or attachment (e.g. DATABASE).");
  const app = ctx.app();
  const found = await resolveAddon(ctx, app, ref);
  const addon = await ctx.api().get(`${appPath(app)}/addons/${found.id}`);
  if (ctx.flags.json) return ctx.out.json(addon);
  ctx.out.heading(addon.name);
  ctx.out.pairs([
    ["Type", addon.type],
    ["Plan", addon.plan],
    ["Status", addon.status],
    ["Owner", addon.owner?.name],
    ["Attachments", (addon.attachments ?? []).map((/** @type {any} */ a) => `${a.app}::${a.as}`).join(", ")],
    ["Resource", addon.resource],
    ["Backups at", addon.backupHour === null || addon.backupHour === undefined ? "" : `${addon.backupHour}:00 UTC daily`],
    [
      "Point in time",
      !addon.pitr ? "" : addon.pitr.enabled ? `${addon.pitr.earliest ?? "?"} .. ${addon.pitr.latest ?? "(no WAL archived yet)"}` : "off",
    ],
    ["Created", addon.createdAt],
    ["Id", addon.id],
  ]);
}

export async function destroy(/** @type {Context} */ ctx) {
  const ref = ctx.args[0];
  if (!ref) throw new UsageError("Give the add-on's name, id or attachment.");
  const app = ctx.app();
  const confirm = ctx.str("confirm");
  if (confirm !== app) {
    throw new CliError(
      confirm === undefined
        ? `This destroys ${ref} and its data. To proceed, run: skypanel addons:destroy ${ref} -a ${app} --confirm ${app}`
        : `--confirm ${confirm} does not match the app ${app}; nothing was destroyed.`,
    );
  }
  const addon = await resolveAddon(ctx, app, ref);
  await ctx.api().delete(`${appPath(app)}/addons/${addon.id}`, { confirm });
  ctx.out.line(`Destroyed ${addon.name}`);
}

/** `owner::addon` or `addon` (owned by, or attached to, the target app). */
export function parseAddonRef(/** @type {string} */ ref, /** @type {string} */ target) {
  const i = ref.indexOf("::");
  return i < 0 ? { owner: target, addon: ref } : { owner: ref.slice(0, i), addon: ref.slice(i + 2) };
}

export async function attach(/** @type {Context} */ ctx) {
  const ref = ctx.args[0];
  if (!ref || ctx.args.length > 1) throw new UsageError("Give the add-on as OWNER_APP::ADDON (or ADDON when the app owns it).");
  const target = ctx.app();
  const { owner, addon: name } = parseAddonRef(ref, target);
  const addon = await resolveAddon(ctx, owner, name);
  const attached = await ctx.api().post(`${appPath(owner)}/addons/${addon.id}/attachments`, {
    app: target,
    ...(ctx.str("as") ? { as: ctx.str("as") } : {}),
  });
  if (ctx.flags.json) return ctx.out.json(attached);
  ctx.out.line(`Attached ${addon.name} to ${target}${attached.attachedAs ? ` as ${attached.attachedAs}` : ""}`);
}
