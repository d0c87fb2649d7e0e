// The HTTP status an access line carries, read once when the line is written and kept in
// app_logs.status, so `status:500..599` is an indexed range, not a pattern run over every line.
//
// Which lines: Caddy's own access log is not copied into app logs (metrics/request-collector.ts
// reads it for request counts and latency, and one log line per request would crowd out what the
// app writes within its retention budget). The statuses in an app's log are the access lines the
// app's server prints itself, and those come in a few well-known shapes: Heroku-style logfmt
// (which is also how a `source: "router"` line would be written), JSON loggers, the Common/
// Combined Log Format of nginx, gunicorn and Apache, and morgan's `dev` format. A line in another
// shape has no status, so `status:` never finds it; words still do.

const LOGFMT = /(?:^|\s)(?:status|status_code|statusCode)=(\d{3})(?=\s|$)/;
const JSON_KEY = /"(?:status|statusCode|status_code|res\.statusCode)"\s*:\s*"?(\d{3})(?=[",}\s])/;
/** `"GET /path HTTP/1.1" 500 123` (CLF: the quoted request line, then the status). */
const CLF = /"(?:GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS|CONNECT|TRACE) [^"]* HTTP\/[\d.]+" (\d{3}) /;
/** morgan `dev` and similar: `GET /path 500 12.345 ms`. */
const METHOD_PATH_STATUS = /(?:^|\s)(?:GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) \/\S* (\d{3})(?=\s|$)/;

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes start with ESC.
const ANSI_COLOUR = /\u001b\[[0-9;]*m/g;

/** The status an access line reports, or null when the line is not one. */
export function httpStatusOf(line: string): number | null {
  // morgan's `dev` format colours the status; the colours are not part of it.
  const plain = line.includes("\u001b") ? line.replace(ANSI_COLOUR, "") : line;
  // The shapes are tried in order; the first that reads wins.
  for (const shape of [LOGFMT, JSON_KEY, CLF, METHOD_PATH_STATUS]) {
    const m = shape.exec(plain);
    if (!m) continue;
    const status = Number(m[1]);
    return status >= 100 && status <= 599 ? status : null;
  }
  return null;
}
