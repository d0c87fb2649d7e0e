// The log search language: what a person types in the Logs tab, `skypanel logs --search`, or
// `?q=` on the REST face. Parsed here into plain values; store-search.ts turns them into SQL
// with every value a parameter, so nothing typed here ever becomes SQL text.
//
//   timeout "connection refused" -healthcheck -"GET /ping"
//   level:error  level:warn,error  status:500..599  status:404  status:5xx
//   process:web  instance:1a2b3c4d  since:30m  since:2d
import { ValidationError } from "../errors.ts";

export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const QUERY_KEYS = ["level", "status", "process", "instance", "since"] as const;

export interface ParsedLogQuery {
  /** Lines containing every one of these words. */
  words: string[];
  /** Lines containing every one of these phrases (the exact text, any case). */
  phrases: string[];
  /** Lines containing none of these words. */
  excludeWords: string[];
  /** Lines containing none of these phrases. */
  excludePhrases: string[];
  /** Any of these levels (`level:` terms add up). */
  levels: LogLevel[];
  /** An HTTP status within one of these inclusive ranges (`status:404` is 404..404). */
  statuses: { from: number; to: number }[];
  processType?: string;
  /** A whole instance id or the start of one (the CLI and dashboard show 8 characters). */
  instancePrefix?: string;
  /** How far back, in milliseconds (`since:30m`). */
  sinceMs?: number;
}

/** Long enough for any real search, short enough that a query cannot become a denial of service. */
export const MAX_QUERY_LENGTH = 500;
const MAX_TERMS = 20;
const MAX_SINCE_MS = 366 * 86_400_000;
const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };
const PROCESS_TYPE = /^[a-z0-9][a-z0-9_-]{0,62}$/i;
const INSTANCE_PREFIX = /^[0-9a-f][0-9a-f-]{0,35}$/i;

const fail = (message: string) => {
  throw new ValidationError(`Log search: ${message}`);
};

/** Splits the query into terms: bare words, `"quoted phrases"`, `key:value`, each maybe with a leading `-`. */
function tokens(text: string) {
  const out: { negated: boolean; quoted: boolean; text: string; at: number }[] = [];
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i] as string)) {
      i++;
      continue;
    }
    const at = i;
    let negated = false;
    // `-` excludes only before a word or a quote, so `->` or `--` are text to find.
    if (text[i] === "-" && /^["\p{L}\p{N}]$/u.test(text[i + 1] ?? "")) {
      negated = true;
      i++;
    }
    if (text[i] === '"') {
      const end = text.indexOf('"', i + 1);
      if (end < 0) fail(`the quote at character ${i + 1} is never closed; close it, or leave it out to search for words.`);
      out.push({ negated, quoted: true, text: text.slice(i + 1, end), at });
      i = end + 1;
      if (i < text.length && !/\s/.test(text[i] as string)) fail(`put a space after the closing quote at character ${i}.`);
      continue;
    }
    let end = i;
    while (end < text.length && !/\s/.test(text[end] as string)) end++;
    const word = text.slice(i, end);
    if (word.includes('"')) fail(`"${word}" has a quote inside a word; quote a whole phrase: "like this".`);
    out.push({ negated, quoted: false, text: word, at });
    i = end;
  }
  return out;
}

function parseStatus(value: string): { from: number; to: number } {
  const code = (s: string) => {
    if (!/^\d{3}$/.test(s)) fail(`"${s}" is not an HTTP status (three digits, 100 to 599).`);
    const n = Number(s);
    if (n < 100 || n > 599) fail(`${n} is not an HTTP status (100 to 599).`);
    return n;
  };
  const xx = /^([1-5])xx$/i.exec(value);
  if (xx) return { from: Number(xx[1]) * 100, to: Number(xx[1]) * 100 + 99 };
  const range = /^(.*)\.\.(.*)$/.exec(value);
  if (!range) return { from: code(value), to: code(value) };
  const from = code(range[1] as string);
  const to = code(range[2] as string);
  if (from > to) fail(`status:${value} is backwards; write the lower code first (status:${to}..${from}).`);
  return { from, to };
}

function parseSince(value: string): number {
  const m = /^(\d{1,6})([smhdw])$/.exec(value);
  if (!m) fail(`since:${value} is not a duration; write a number and s, m, h, d or w (since:30m, since:2d).`);
  const ms = Number(m?.[1]) * (UNITS[m?.[2] as string] as number);
  if (ms <= 0) fail("since: must be longer than nothing.");
  if (ms > MAX_SINCE_MS) fail(`since:${value} reaches back more than a year; logs are not kept that long.`);
  return ms;
}

/**
 * The query's terms as values. Bad input (an open quote, a backwards range, an unknown key, a
 * filter given twice that cannot be) is a ValidationError that names the problem.
 */
export function parseLogQuery(text: string): ParsedLogQuery {
  if (text.length > MAX_QUERY_LENGTH) fail(`the query is ${text.length} characters; at most ${MAX_QUERY_LENGTH}.`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text)) fail("the query contains control characters.");
  const q: ParsedLogQuery = { words: [], phrases: [], excludeWords: [], excludePhrases: [], levels: [], statuses: [] };
  const terms = tokens(text);
  if (terms.length > MAX_TERMS) fail(`the query has ${terms.length} terms; at most ${MAX_TERMS}.`);
  for (const t of terms) {
    if (t.quoted) {
      const phrase = t.text.trim();
      if (!phrase) fail(`the quotes at character ${t.at + 1} hold nothing.`);
      (t.negated ? q.excludePhrases : q.phrases).push(phrase);
      continue;
    }
    const colon = t.text.indexOf(":");
    const key = colon > 0 ? t.text.slice(0, colon).toLowerCase() : "";
    const value = t.text.slice(colon + 1);
    const known = (QUERY_KEYS as readonly string[]).includes(key);
    // A word with a colon is a key only when it looks like one (`level:error`), so `12:30`,
    // `http://x` and a pasted `Error:` stay words.
    if (!/^[a-z]+$/.test(key) || value.startsWith("/") || (!known && !value)) {
      (t.negated ? q.excludeWords : q.words).push(t.text);
      continue;
    }
    if (!known) {
      fail(`"${key}:" is not a search key; use ${QUERY_KEYS.map((k) => `${k}:`).join(", ")}, or quote it to search for the text.`);
    }
    if (t.negated) fail(`-${key}: is not supported; a key narrows the search, it cannot exclude.`);
    if (!value) fail(`${key}: needs a value, e.g. ${key === "since" ? "since:1h" : key === "status" ? "status:500..599" : `${key}:web`}.`);
    switch (key) {
      case "level":
        for (const level of value.toLowerCase().split(",")) {
          const name = level === "warning" ? "warn" : level;
          if (!(LOG_LEVELS as readonly string[]).includes(name)) fail(`level:${level} is not a level; use ${LOG_LEVELS.join(", ")}.`);
          if (!q.levels.includes(name as LogLevel)) q.levels.push(name as LogLevel);
        }
        break;
      case "status":
        for (const part of value.split(",")) q.statuses.push(parseStatus(part));
        break;
      case "process":
        if (!PROCESS_TYPE.test(value)) fail(`process:${value} is not a process type (letters, digits, - and _).`);
        if (q.processType && q.processType !== value) fail("give process: once; a line comes from one process type.");
        q.processType = value;
        break;
      case "instance":
        if (!INSTANCE_PREFIX.test(value)) fail(`instance:${value} is not an instance id or the start of one (hex digits).`);
        if (q.instancePrefix && q.instancePrefix !== value.toLowerCase()) fail("give instance: once; a line comes from one instance.");
        q.instancePrefix = value.toLowerCase();
        break;
      case "since":
        q.sinceMs = Math.min(q.sinceMs ?? Number.POSITIVE_INFINITY, parseSince(value));
        break;
    }
  }
  return q;
}

/** Whether the query narrows nothing (an empty or blank search). */
export const isEmptyLogQuery = (q: ParsedLogQuery) =>
  q.words.length + q.phrases.length + q.excludeWords.length + q.excludePhrases.length + q.levels.length + q.statuses.length === 0 &&
  q.processType === undefined &&
  q.instancePrefix === undefined &&
  q.sinceMs === undefined;
