// @ts-check
// Following an import (`GET /api/imports/:id`) about once a second while it runs, with its steps
// on stderr: redrawn in place on a terminal, each change printed once when piped.
import { CliError, UsageError } from "./errors.js";
import { cellText } from "./output.js";

/** @typedef {import("./context.js").Context} Context */
/** @typedef {{ name: string, status: string, detail: string }} ImportStep */
/** @typedef {{ hostname: string, type: string, target: string }} DnsInstruction */
/**
 * The API's ImportView (packages/engine/src/imports/types.ts): the CLI runs with no build step,
 * so it restates the fields it reads.
 * @typedef {object} ImportView
 * @property {string} id
 * @property {string} kind
 * @property {"running" | "succeeded" | "failed" | "rolled_back"} status
 * @property {{ id: string | null, name: string }} app
 * @property {string} source
 * @property {ImportStep[]} steps
 * @property {DnsInstruction[]} dns
 * @property {string | null} url
 * @property {string | null} error
 * @property {string} createdAt
 * @property {string | null} finishedAt
 */

export const POLL_MS = 1000;

/** An import's API path; the id is checked first, so `..` or `x/rollback` cannot reach another path. */
export function importPath(/** @type {string | undefined} */ id) {
  if (!id) throw new UsageError("Give the import's id (migrate:execute prints it).");
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(id)) throw new UsageError(`"${id.slice(0, 80)}" is not an import id.`);
  return `/imports/${id}`;
}

const MARKS = /** @type {Record<string, string>} */ ({
  pending: "·",
  running: "…",
  succeeded: "✓",
  failed: "✗",
  skipped: "-",
  rolled_back: "↺",
});

/** One step as a line: `✓ build      succeeded  build 4 succeeded`. */
export function stepLine(/** @type {ImportStep} */ s) {
  return `${MARKS[s.status] ?? " "} ${s.name.padEnd(10)} ${s.status.padEnd(11)} ${cellText(s.detail)}`.trimEnd();
}

/**
 * Polls the import until `done(view)`, telling its steps as they change; returns the last view.
 * A failed poll ends the wait, not the import: the error says how to look again.
 * @param {Context} ctx
 * @param {string} id
 * @param {{ done: (view: ImportView) => boolean, first?: ImportView, deadlineMs?: number }} options
 * @returns {Promise<ImportView>}
 */
export async function followImport(ctx, id, { done, first, deadlineMs }) {
  const tell = ctx.out.stderrTty ? redrawer(ctx.stderr) : changesOnce(ctx.out.status);
  const started = Date.now();
  let view = first;
  for (;;) {
    if (!view) {
      try {
        view = /** @type {ImportView} */ (await ctx.api().get(importPath(id)));
      } catch (err) {
        const why = err instanceof Error ? err.message : String(err);
        throw new CliError(`${why} (the import goes on: skypanel migrate:verify ${id} shows it)`);
      }
    }
    tell(Array.isArray(view.steps) ? view.steps : []);
    if (done(view)) return view;
    if (deadlineMs !== undefined && Date.now() - started > deadlineMs) {
      throw new CliError(
        `Import ${id} is still ${view.status} after ${Math.round(deadlineMs / 60_000)} minutes; skypanel migrate:verify ${id} shows it.`,
      );
    }
    view = undefined;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** Piped: each step's line once per change, pending ones left out. */
function changesOnce(/** @type {(text: string) => void} */ print) {
  /** @type {Map<string, string>} */
  const seen = new Map();
  return (/** @type {ImportStep[]} */ steps) => {
    for (const s of steps) {
      const line = stepLine(s);
      if (s.status === "pending" || seen.get(s.name) === line) continue;
      seen.set(s.name, line);
      print(`  ${line}`);
    }
  };
}

/** On a terminal: the block of step lines rewritten in place (cut to the width, so none wraps). */
function redrawer(/** @type {NodeJS.WriteStream} */ stderr) {
  let drawn = /** @type {string[]} */ ([]);
  return (/** @type {ImportStep[]} */ steps) => {
    const width = Math.max(20, (stderr.columns || 80) - 1);
    const lines = steps.map((s) => `  ${stepLine(s)}`.slice(0, width));
    if (lines.join("\n") === drawn.join("\n")) return;
    // Up to the block's first line, then each line cleared and written; anything left below cleared.
    const up = drawn.length ? `\x1b[${drawn.length}F` : "";
    stderr.write(`${up}${lines.map((l) => `\x1b[2K${l}\n`).join("")}\x1b[J`);
    drawn = lines;
  };
}
