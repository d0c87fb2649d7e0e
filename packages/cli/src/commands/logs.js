// @ts-check
// logs: the last lines, filtered; --tail follows over Server-Sent Events and reconnects from
// the last line seen when the stream drops.
import { appPath } from "../api.js";
import { ApiError, CliError, UsageError } from "../errors.js";

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
  return { tail: num, level, process: typeof flags.ps === "string" ? flags.ps : undefined, since };
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
