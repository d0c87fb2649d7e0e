// @ts-check
// The importer's plan as the CLI shows it: what Heroku has, the plan side by side (Heroku →
// SkyPanel), and --no-data applied to it. Only keys, names and counts: a plan holds no values.
import { UsageError } from "./errors.js";
import { cellText, formatBytes } from "./output.js";

/** @typedef {import("./context.js").Context} Context */
/**
 * @typedef {object} PlannedAddon
 * @property {string} name
 * @property {string} service
 * @property {string} plan
 * @property {"postgresql" | "redis" | null} becomes
 * @property {string[]} as
 * @property {"backup" | "none" | "unavailable"} data
 * @property {string} note
 */
/**
 * The API's ImportPlan (packages/engine/src/imports/types.ts): the CLI runs with no build step,
 * so it restates the fields it reads.
 * @typedef {object} ImportPlan
 * @property {{ id: string, name: string, stack: string, region: string | null, buildpacks: string[], release: number | null }} heroku
 * @property {{ name: string }} app
 * @property {{ type: string, quantity: number, size: string, command: string | null }[]} processes
 * @property {{ key: string, action: "copy" | "addon", addon?: string }[]} config
 * @property {PlannedAddon[]} addons
 * @property {{ hostname: string, action: "add" | "skip", note: string }[]} domains
 * @property {{ kind: "slug", slugId: string, bytes: number | null, commit: string | null, dropped: string[] } | { kind: "git", url: string, ref: string | null }} source
 * @property {{ what: string, why: string }[]} unsupported
 * @property {string[]} creates
 */

const DATA_WORDS = {
  backup: "data from Heroku's latest backup",
  none: "starts empty",
  unavailable: "starts empty (no backup to copy)",
};

/** The add-on names given to --no-data (repeated, or comma-separated). */
export function noDataRefs(/** @type {Context} */ ctx) {
  const given = ctx.flags["no-data"];
  const list = Array.isArray(given) ? given : typeof given === "string" ? [given] : [];
  return list
    .flatMap((s) => s.split(","))
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The add-on a --no-data value names: its Heroku name, or a config var it is attached as (DATABASE_URL or DATABASE). */
function findAddon(/** @type {PlannedAddon[]} */ addons, /** @type {string} */ ref) {
  const upper = ref.toUpperCase();
  return addons.find((a) => a.name === ref) ?? addons.find((a) => a.as.some((as) => as === upper || as === `${upper}_URL`));
}

/** The Heroku names of the add-ons --no-data names; an unknown one is a usage error. */
export function emptiedAddons(/** @type {ImportPlan} */ plan, /** @type {string[]} */ refs) {
  const names = refs.map((ref) => {
    const addon = findAddon(plan.addons, ref);
    if (addon) return addon.name;
    const known = plan.addons.map((a) => a.name).join(", ");
    throw new UsageError(`--no-data ${ref}: ${plan.heroku.name} has no such add-on.${known ? ` It has: ${known}.` : ""}`);
  });
  return [...new Set(names)];
}

/** The importer's `addonData`: the add-ons whose data the plan brings, less the emptied ones. */
export function addonData(/** @type {ImportPlan} */ plan, /** @type {string[]} */ emptied) {
  return plan.addons.filter((a) => a.becomes && a.data !== "none" && !emptied.includes(a.name)).map((a) => a.name);
}

/**
 * The plan with the emptied add-ons shown starting empty, whether or not the server that made it
 * took `addonData` into account.
 * @param {ImportPlan} plan
 * @param {string[]} emptied
 * @returns {ImportPlan}
 */
export function withEmptied(plan, emptied) {
  const addons = plan.addons.map((a) =>
    emptied.includes(a.name) && a.data !== "none" ? { ...a, data: /** @type {const} */ ("none") } : a,
  );
  return { ...plan, addons };
}

/** A git URL as shown: a password in it is not repeated on the screen. */
function shownUrl(/** @type {string} */ url) {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return url;
  }
}

function herokuCode(/** @type {ImportPlan} */ plan) {
  const release = plan.heroku.release === null ? "" : `release v${plan.heroku.release}`;
  const s = plan.source;
  if (s.kind !== "slug") return release;
  const about = [s.commit ? `commit ${s.commit.slice(0, 7)}` : "", s.bytes ? formatBytes(s.bytes) : ""].filter(Boolean).join(", ");
  return `${release ? `${release} ` : ""}slug${about ? ` (${about})` : ""}`;
}

function skypanelCode(/** @type {ImportPlan["source"]} */ s) {
  if (s.kind === "git") return `built from ${shownUrl(s.url)}${s.ref ? ` at ${s.ref}` : ""}`;
  return `built from the slug's app/${s.dropped.length ? ` without ${s.dropped.join(", ")}` : ""}`;
}

/** What Heroku has, for migrate:analyze (pairs, and --json). */
export function herokuSummary(/** @type {ImportPlan} */ plan) {
  const h = plan.heroku;
  return {
    name: h.name,
    stack: h.stack,
    region: h.region,
    buildpacks: h.buildpacks,
    release: h.release,
    code: herokuCode(plan),
    processes: plan.processes,
    addons: plan.addons.map(({ name, service, plan: addonPlan, as }) => ({ name, service, plan: addonPlan, as })),
    domains: plan.domains.map((d) => d.hostname),
    configVars: plan.config.length,
  };
}

/** @returns {[string, unknown][]} */
export function herokuPairs(/** @type {ImportPlan} */ plan) {
  const s = herokuSummary(plan);
  const byAddons = plan.config.filter((c) => c.action === "addon").length;
  return [
    ["Stack", s.stack],
    ["Region", s.region ?? ""],
    ["Buildpacks", s.buildpacks.join(", ") || "none set (detected at build)"],
    ["Code", s.code],
    ["Processes", s.processes.map((p) => `${p.type}=${p.quantity} (${p.size})${p.command ? ` ${p.command}` : ""}`).join(", ") || "none"],
    ["Add-ons", s.addons.map((a) => `${a.plan}${a.as.length ? ` as ${a.as.join(", ")}` : ""}`).join(", ") || "none"],
    ["Domains", s.domains.join(", ") || "none"],
    ["Config vars", `${s.configVars}${byAddons ? ` (${byAddons} set by add-ons)` : ""}`],
  ];
}

/** The plan side by side: one row per thing, what it is on Heroku and what it becomes here. */
export function planRows(/** @type {ImportPlan} */ plan) {
  const h = plan.heroku;
  const copied = plan.config.filter((c) => c.action === "copy").length;
  const remade = plan.config.filter((c) => c.action === "addon").map((c) => c.key);
  return [
    { what: "App", heroku: `${h.name}${h.region ? ` (${h.region})` : ""}`, skypanel: plan.app.name },
    { what: "Build", heroku: [h.stack, ...h.buildpacks].join(", "), skypanel: "detected and built with Nix" },
    { what: "Code", heroku: herokuCode(plan), skypanel: skypanelCode(plan.source) },
    ...plan.processes.map((p) => ({
      what: `Process ${p.type}`,
      heroku: `${p.quantity} × ${p.size}${p.command ? `: ${p.command}` : ""}`,
      skypanel: `${p.type}=${p.quantity}`,
    })),
    ...plan.addons.map((a) => ({
      what: `Add-on ${a.name}`,
      heroku: `${a.plan}${a.as.length ? ` as ${a.as.join(", ")}` : ""}`,
      skypanel: a.becomes ? `${a.becomes}, ${DATA_WORDS[a.data] ?? a.data}` : "not migrated (see below)",
    })),
    {
      what: "Config vars",
      heroku: `${plan.config.length}`,
      skypanel: `${copied} copied${remade.length ? `; ${remade.join(", ")} set by SkyPanel's add-ons` : ""}`,
    },
    ...plan.domains.map((d) => ({
      what: "Domain",
      heroku: d.hostname,
      skypanel: d.action === "add" ? "added" : `skipped: ${d.note}`,
    })),
  ];
}

/** migrate:plan's output: the rows, what cannot come, and the plan's sentences in order. */
export function printPlan(/** @type {Context} */ ctx, /** @type {ImportPlan} */ plan, /** @type {string[]} */ emptied) {
  const { out } = ctx;
  out.heading(`Heroku app ${plan.heroku.name} → SkyPanel app ${plan.app.name}`);
  out.table(planRows(plan), [
    ["what", "What"],
    ["heroku", "Heroku"],
    ["skypanel", "SkyPanel"],
  ]);
  if (plan.unsupported.length) {
    out.line();
    out.line("Not migrated:");
    for (const u of plan.unsupported) out.line(`  ${cellText(u.what)}: ${cellText(u.why)}`);
  }
  out.line();
  out.line("The import will:");
  plan.creates.forEach((sentence, i) => {
    out.line(`  ${i + 1}. ${cellText(sentence)}`);
  });
  // The plan endpoint does not take --no-data: its sentences still say the data comes.
  if (emptied.length) out.line(`  With --no-data, ${emptied.join(", ")} start${emptied.length === 1 ? "s" : ""} empty.`);
}
