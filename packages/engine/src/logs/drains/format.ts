// What a drain sends for one log line: an RFC 5424 syslog message (octet-counted, RFC 6587/5425)
// or one NDJSON object.
import type { AppLogEntry } from "../../events/bus.ts";

/** A stored log line with what a drain names it by: the app's name and the instance (`web.1`). */
export interface DrainLine {
  id: number;
  app: string;
  processType: string | null;
  /** `web.1`; null when the line came from no instance (the platform's own lines). */
  instance: string | null;
  source: string;
  stream: AppLogEntry["stream"];
  level: AppLogEntry["level"];
  line: string;
  loggedAt: Date;
}

// RFC 5424 §6.2.1: numerical severities.
const SEVERITY: Record<AppLogEntry["level"], number> = { error: 3, warn: 4, info: 6, debug: 7 };
/** The app's own lines are facility user (1); the platform's lines about the app local0 (16). */
const FACILITY_USER = 1;
const FACILITY_LOCAL0 = 16;

/** A header field: printable US-ASCII without spaces, at most `max` characters, "-" when empty (RFC 5424 NILVALUE). */
function field(value: string | null | undefined, max: number): string {
  const clean = (value ?? "").replace(/[^\x21-\x7e]/g, "_").slice(0, max);
  return clean === "" ? "-" : clean;
}

/**
 * `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID - MSG`: APP-NAME is the app, PROCID the
 * instance (`web.1`, like Heroku's `app web.1`) or the process type, MSGID the stream.
 */
export function syslogMessage(l: DrainLine, hostname: string): string {
  const facility = l.source === "platform" ? FACILITY_LOCAL0 : FACILITY_USER;
  const pri = facility * 8 + SEVERITY[l.level];
  const procId = l.instance ?? l.processType ?? l.source;
  return `<${pri}>1 ${l.loggedAt.toISOString()} ${field(hostname, 255)} ${field(l.app, 48)} ${field(procId, 128)} ${field(l.stream, 32)} - ${l.line}`;
}

/** RFC 6587 §3.4.1 octet counting: the message's length in bytes, a space, the message. */
export function octetCounted(message: string): string {
  return `${Buffer.byteLength(message, "utf8")} ${message}`;
}

/** One NDJSON line; `id` lets a receiver drop a line it already has (a retried batch may repeat). */
export function ndjsonLine(l: DrainLine): string {
  return `${JSON.stringify({
    id: l.id,
    time: l.loggedAt.toISOString(),
    app: l.app,
    process: l.processType,
    instance: l.instance,
    level: l.level,
    stream: l.stream,
    source: l.source,
    message: l.line,
  })}\n`;
}
