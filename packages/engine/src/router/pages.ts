// The answers Caddy gives itself when it cannot hand a request to an app: JSON in the platform's
// error shape for API clients, a short page for browsers. Bodies name only what the platform
// knows (the app's name), never anything from the request, so nothing can be injected into them.
type Json = Record<string, unknown>;

export interface FriendlyPage {
  /** A status code, or a Caddy placeholder such as `{http.error.status_code}`. */
  status: number | string;
  code: string;
  title: string;
  message: string;
  retryAfterSeconds?: number;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// No braces in the page: Caddy reads `{…}` in a body as a placeholder.
function html(page: Pick<FriendlyPage, "title" | "message">): string {
  return [
    "<!doctype html>",
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(page.title)}</title></head>`,
    '<body style="font-family: system-ui, sans-serif; max-width: 36rem; margin: 4rem auto; padding: 0 1rem; color: #1f2937">',
    `<h1 style="font-size: 1.4rem">${escapeHtml(page.title)}</h1>`,
    `<p>${escapeHtml(page.message)}</p>`,
    '<p style="color: #6b7280; font-size: 0.85rem">Served by SkyPanel</p>',
    "</body></html>",
    "",
  ].join("\n");
}

function response(page: FriendlyPage, contentType: string, body: string): Json {
  const headers: Record<string, string[]> = { "Content-Type": [contentType], "Cache-Control": ["no-store"] };
  if (page.retryAfterSeconds) headers["Retry-After"] = [String(page.retryAfterSeconds)];
  return { handler: "static_response", status_code: page.status, headers, body };
}

/** A handler that answers with the page: HTML when the client asks for it, JSON otherwise. */
export function friendlyResponse(page: FriendlyPage): Json {
  const json = `${JSON.stringify({ error: { code: page.code, message: page.message } })}\n`;
  return {
    handler: "subroute",
    routes: [
      {
        match: [{ header: { Accept: ["*text/html*"] } }],
        handle: [response(page, "text/html; charset=utf-8", html(page))],
        terminal: true,
      },
      { handle: [response(page, "application/json", json)], terminal: true },
    ],
  };
}

export function unknownHostPage(): FriendlyPage {
  return {
    status: 404,
    code: "NO_SUCH_APP",
    title: "No app here",
    message: "No app is served at this address. Check the app's name, or add this domain to the app.",
  };
}

export function noInstancePage(appName: string): FriendlyPage {
  return {
    status: 503,
    code: "NO_RUNNING_INSTANCE",
    title: "This app is not running",
    message: `The app "${appName}" has no running web instance. Deploy a release or scale its web processes up.`,
    retryAfterSeconds: 10,
  };
}

/** For requests the proxy could not complete: no healthy instance (503), a failed one (502), a slow one (504). */
export function proxyFailedPage(appName: string): FriendlyPage {
  return {
    status: "{http.error.status_code}",
    code: "NO_HEALTHY_INSTANCE",
    title: "This app is not answering",
    message: `No healthy instance of the app "${appName}" answered this request. Try again in a moment.`,
    retryAfterSeconds: 5,
  };
}

/** The largest maintenance page the router serves (the table's CHECK holds it too, migration 0033). */
export const MAX_MAINTENANCE_PAGE_BYTES = 64 * 1024;

/** The page an app in maintenance shows when its owner set none of their own. */
export function defaultMaintenancePage(appName: string): string {
  return html({
    title: "Down for maintenance",
    message: `The app "${appName}" is down for maintenance. It will be back shortly; please try again in a few minutes.`,
  });
}

/**
 * Caddy replaces `{…}` in a static body with placeholder values, among them `{env.*}` (the
 * router's environment) and request headers: an owner's page must reach visitors byte for byte,
 * so each brace is escaped (`\{`, which Caddy 2.6 turns back into `{`).
 */
export function escapePlaceholders(body: string): string {
  return body.replace(/[{}]/g, (c) => `\\${c}`);
}

/** The answer to every request of an app in maintenance: its page, as-is, with 503 and Retry-After. */
export function maintenanceResponse(page: string, retryAfterSeconds: number): Json {
  return {
    handler: "static_response",
    status_code: 503,
    headers: {
      "Content-Type": ["text/html; charset=utf-8"],
      "Cache-Control": ["no-store"],
      "Retry-After": [String(retryAfterSeconds)],
    },
    body: escapePlaceholders(page),
  };
}
