// @ts-check
// ~/.netrc, where `login` keeps the token (as Heroku's CLI does, so git and curl can use it too).
// Other machines' entries, comments and macros are kept byte for byte; the file stays 0600.
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** @typedef {{ machine: string | null, login?: string, password?: string, account?: string, start: number, end: number }} NetrcEntry */

/**
 * The entries of a netrc text, each with the span of text it occupies (`machine null` is `default`).
 * @param {string} text
 * @returns {NetrcEntry[]}
 */
export function parseNetrc(text) {
  /** @type {{ value: string, start: number }[]} */
  const tokens = [];
  const re = /#[^\n]*|\S+/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0].startsWith("#")) continue;
    tokens.push({ value: m[0], start: m.index });
    if (m[0] === "macdef") {
      // A macro's body runs to the next blank line: none of it is netrc tokens.
      const name = re.exec(text);
      if (name) tokens.push({ value: name[0], start: name.index });
      const blank = text.indexOf("\n\n", re.lastIndex);
      re.lastIndex = blank < 0 ? text.length : blank + 2;
    }
  }
  /** @type {NetrcEntry[]} */
  const entries = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = /** @type {{ value: string, start: number }} */ (tokens[i]);
    if (t.value === "machine" || t.value === "default") {
      const prev = entries.at(-1);
      if (prev) prev.end = t.start;
      const machine = t.value === "machine" ? (tokens[++i]?.value ?? "") : null;
      entries.push({ machine, start: t.start, end: text.length });
      continue;
    }
    const entry = entries.at(-1);
    const next = tokens[i + 1]?.value;
    if (entry && next !== undefined && (t.value === "login" || t.value === "password" || t.value === "account")) {
      entry[t.value] = next;
      i++;
    }
  }
  return entries;
}

/** @param {string} path */
function readText(path) {
  return existsSync(path) ? readFileSync(path, "utf8") : "";
}

/**
 * The login and password stored for `machine`, or null.
 * @param {string} path
 * @param {string} machine
 */
export function readNetrcEntry(path, machine) {
  const entry = parseNetrc(readText(path)).find((e) => e.machine === machine);
  return entry?.password ? { login: entry.login ?? "", password: entry.password } : null;
}

/**
 * Sets (or replaces) `machine`'s entry, keeping every other line.
 * @param {string} path
 * @param {string} machine
 * @param {{ login: string, password: string }} credentials
 */
export function writeNetrcEntry(path, machine, { login, password }) {
  for (const v of [machine, login, password]) {
    if (!v || /\s/.test(v)) throw new Error(`Cannot store "${v}" in ${path}: netrc values may not be empty or contain spaces.`);
  }
  const text = readText(path);
  const block = `machine ${machine}\n  login ${login}\n  password ${password}\n`;
  const entries = parseNetrc(text);
  const mine = entries.find((e) => e.machine === machine);
  // `default` must stay last: a new entry goes before it.
  const fallback = entries.find((e) => e.machine === null);
  let next;
  if (mine) next = text.slice(0, mine.start) + block + separator(text.slice(mine.end)) + text.slice(mine.end);
  else if (fallback) next = `${text.slice(0, fallback.start)}${block}${text.slice(fallback.start)}`;
  else next = `${text}${text && !text.endsWith("\n") ? "\n" : ""}${block}`;
  writePrivate(path, next);
}

/**
 * Removes `machine`'s entry; true when there was one.
 * @param {string} path
 * @param {string} machine
 */
export function removeNetrcEntry(path, machine) {
  const text = readText(path);
  const mine = parseNetrc(text).find((e) => e.machine === machine);
  if (!mine) return false;
  writePrivate(path, text.slice(0, mine.start) + text.slice(mine.end));
  return true;
}

/** A blank between our block and whatever followed, when it followed on the same line. */
function separator(/** @type {string} */ after) {
  return after && !/^\s/.test(after) ? "\n" : "";
}

/** Writes through a 0600 temporary file and a rename, so a reader never sees half a file. */
function writePrivate(/** @type {string} */ path, /** @type {string} */ text) {
  const tmp = join(dirname(path), `.netrc-skypanel-${process.pid}-${Date.now()}`);
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, path);
}
