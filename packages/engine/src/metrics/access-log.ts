// Caddy's JSON access log as it arrives on the socket: split into lines, each read into what
// request metrics need. Caddy writes the lines, but the Host in them is whatever a client sent,
// so nothing in a line is trusted: a line that does not read is skipped, never thrown on.

export interface AccessEntry {
  /** The Host header: lower-case, without its port. */
  host: string;
  durationMs: number;
  status: number;
  /** The WAF's matches on this request (packages/engine/caddy/traffic/waf.go), when it matched any. */
  waf?: WafMatch;
}

export interface WafMatch {
  blocked: boolean;
  /** Rule ids and messages of the OWASP Core Rule Set; at most ten. */
  rules: { id: number; msg: string }[];
}

/** Only numbers and short strings are taken from the `waf` field; anything else reads as no match. */
function wafOf(value: unknown): WafMatch | undefined {
  if (!isObject(value) || !Array.isArray(value.rules)) return undefined;
  const rules = value.rules
    .slice(0, 10)
    .flatMap((r) =>
      isObject(r) && Number.isInteger(r.id) && typeof r.msg === "string" ? [{ id: r.id as number, msg: r.msg.slice(0, 200) }] : [],
    );
  return rules.length > 0 ? { blocked: value.blocked === true, rules } : undefined;
}

/** Caddy's lines are a few hundred bytes once headers and URI are filtered out (caddy-config.ts). */
export const MAX_LINE_LENGTH = 16 * 1024;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The host a Host header names, as Caddy's host matcher compares it: port stripped, lower-cased. */
export function hostOf(header: string): string | null {
  const h = header.trim().toLowerCase();
  let host = h;
  let port = "";
  if (h.startsWith("[")) {
    const end = h.indexOf("]");
    if (end < 0) return null;
    host = h.slice(0, end + 1);
    port = h.slice(end + 1);
  } else if (h.includes(":")) {
    const colon = h.indexOf(":");
    host = h.slice(0, colon);
    port = h.slice(colon);
  }
  if (port !== "" && !/^:\d{0,5}$/.test(port)) return null;
  return host.length > 0 && host.length <= 253 ? host : null;
}

/** One access log line, or null when it is not one (garbled, truncated, or missing a field). */
export function parseAccessLine(line: string): AccessEntry | null {
  let entry: unknown;
  try {
    entry = JSON.parse(line);
  } catch {
    return null;
  }
  if (!isObject(entry) || !isObject(entry.request) || typeof entry.request.host !== "string") return null;
  const { duration, status } = entry;
  if (typeof duration !== "number" || !Number.isFinite(duration) || duration < 0) return null;
  if (typeof status !== "number" || !Number.isInteger(status) || status < 0 || status > 999) return null;
  const host = hostOf(entry.request.host);
  if (host === null) return null;
  const waf = wafOf(entry.waf);
  return { host, durationMs: duration * 1000, status, ...(waf ? { waf } : {}) };
}

/**
 * Feeds a stream's chunks in, hands complete lines out. A line longer than `maxLength` is
 * dropped (and reported once) without being held, so one endless line cannot fill memory.
 */
export function lineSplitter(onLine: (line: string) => void, onTooLong: () => void, maxLength = MAX_LINE_LENGTH) {
  let pending = "";
  let dropping = false;
  return (chunk: string) => {
    let start = 0;
    for (let nl = chunk.indexOf("\n", start); nl >= 0; nl = chunk.indexOf("\n", start)) {
      const line = pending + chunk.slice(start, nl);
      start = nl + 1;
      pending = "";
      if (dropping) dropping = false;
      else if (line.length > maxLength) onTooLong();
      else if (line.length > 0) onLine(line);
    }
    if (dropping) return;
    pending += chunk.slice(start);
    if (pending.length > maxLength) {
      pending = "";
      dropping = true;
      onTooLong();
    }
  };
}
