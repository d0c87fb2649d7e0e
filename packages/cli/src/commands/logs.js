// @ts-check
// logs: the last lines, filtered (--search takes the log search language, parsed by the
// platform); --tail follows over Server-Sent Events and reconnects from the last line seen when
// the stream drops. logs:retention: how long and how much of its log the app keeps.
import { appPath } from "../api.js";
import { ApiError, CliError, UsageError } from "../errors.js";
import { formatBytes } from "../output.js";

/** @typedef {import("../context.js").Context} Context */
/** @typedef {{ id: number, loggedAt: string, source?: string, processType?: string | null, instanceId?: string | null, stream?: string, level?: string, line: string }} LogLine */

const LEVELS = new Set(["debug", "info", "warn", "error"]);

/** The query for the logs endpoint from the flags; bad values are usage errors. */
export function logQuery(/** @type {import("../args.js").Flags} */ flags) {
  const num = flags.num === undefined ? 100 : Number(flags.num);
  if (!Number.isInteger(num) || num < 1 || num > 10000)
    throw new UsageError(`--num must be a whole number from 1 to 10000, not "${flags.num}".`);
  const level = typeof flags.level === "string" ? flags.level : undefined;
  for (const l of level?.split(",") ?? [])
    if (!LEVELS.has(l)) throw new UsageError(`--level takes debug, info, warn or error, not "${l}".`);
  const since = typeof flags.since === "string" ? flags.since : undefined;
  if (since && !/^\d+[smhd]$/.test(since) && Number.isNaN(Date.parse(since))) {
    throw new UsageError(`--since takes an ISO time or 30s/10m/1h/2d, not "${since}".`);
  }
  const q = typeof flags.search === "string" && flags.search.trim() ? flags.search : undefined;
  // The platform parses the search and names what is wrong; only its length is checked here.
  if (q && q.length > 500) throw new UsageError(`--search is ${q.length} characters; at most 500.`);
  return { tail: num, level, process: typeof flags.ps === "string" ? flags.ps : undefined, since, q };
}

/** Heroku's shape: `2026-01-02T03:04:05.000Z app[web]: the line`. */
export function formatLine(/** @type {LogLine} */ l) {
  const who = l.source === "platform" ? "skypanel" : "app";
  const where = l.processType ? `[${l.processType}${l.instanceId ? `.${l.instanceId.slice(0, 8)}` : ""}]` : "";
  return `${new Date(l.loggedAt).toISOString()} ${who}${where}: ${l.line}`;
}

export async function logs(/** @type {Context} */ ctx) {
  const query = logQuery(ctx.flags);
  const app = ctx.app();
  const api = ctx.api();
  const print = (/** @type {LogLine} */ l) => {
    if (ctx.flags.json) ctx.out.line(JSON.stringify(l));
    else {
      const text = formatLine(l);
      ctx.out.line(l.level === "error" ? ctx.out.red(text) : text);
    }
  };
  if (!ctx.flags.tail) {
    const { lines } = await api.get(`${appPath(app)}/logs`, query);
    if (ctx.flags.json) return ctx.out.json(lines);
    for (const l of lines) print(l);
    return;
  }
  const { readSse } = await import("../sse.js");
  /** @type {string | null} */
  let lastId = null;
  // A dropped stream (the platform restarting) is picked up after the last line seen; an API
  // error (the app deleted, the token revoked) ends the command.
  for (let failures = 0; failures < 30; ) {
    try {
      const res = await api.raw("GET", `${appPath(app)}/logs`, {
        query: { ...query, follow: 1 },
        headers: { accept: "text/event-stream", ...(lastId ? { "last-event-id": lastId } : {}) },
      });
      if (!res.body) return;
      for await (const event of readSse(res.body)) {
        failures = 0;
        if (event.id) lastId = event.id;
        print(JSON.parse(event.data));
      }
    } catch (err) {
      if (err instanceof ApiError) throw err;
      failures++;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new CliError("Lost the log stream and could not get it back.");
}

const SIZE_UNITS = /** @type {Record<string, number>} */ ({ b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 });

/** "100MB", "1.5GiB", "1048576" → bytes; anything else is a usage error. */
export function parseSize(/** @type {string} */ text) {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]i?b|b)?$/i.exec(text.trim());
  if (!m) throw new UsageError(`--size takes a size like 100MB, 1GiB or a number of bytes, not "${text}".`);
  return Math.round(Number(m[1]) * (SIZE_UNITS[(m[2] ?? "b").toLowerCase()] ?? 1));
}

/** The limits to send from --days and --size (none: only show them). */
export function retentionChanges(/** @type {import("../args.js").Flags} */ flags) {
  /** @type {{ days?: number, maxBytes?: number }} */
  const changes = {};
  if (flags.days !== undefined) {
    const days = Number(flags.days);
    if (!Number.isInteger(days) || days < 1 || days > 365)
      throw new UsageError(`--days must be a whole number from 1 to 365, not "${flags.days}".`);
    changes.days = days;
  }
  if (typeof flags.size === "string") changes.maxBytes = parseSize(flags.size);
  if (flags.reset && Object.keys(changes).length) throw new UsageError("--reset goes alone: it returns to the platform's defaults.");
  return changes;
}

export async function retention(/** @type {Context} */ ctx) {
  const changes = retentionChanges(ctx.flags);
  const app = ctx.app();
  const api = ctx.api();
  const path = `${appPath(app)}/log-retention`;
  const limits = ctx.flags.reset
    ? await api.delete(path)
    : Object.keys(changes).length
      ? await api.put(path, changes)
      : await api.get(path);
  if (ctx.flags.json) return ctx.out.json(limits);
  const whose = limits.custom ? "" : " (the platform's defaults)";
  ctx.out.line(`${app} keeps its log lines for ${limits.days} days and up to ${formatBytes(limits.maxBytes)} of text${whose}.`);
}
