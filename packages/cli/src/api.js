// @ts-check
// The REST client: JSON in and out under <SKYPANEL_URL>/api, a Bearer token, and the API's
// error shape `{ error: { code, message } }` turned into an ApiError with that message.
import { ApiError, CliError } from "./errors.js";

export class Api {
  /**
   * @param {string} baseUrl  the platform, e.g. http://127.0.0.1:3000
   * @param {string | null} token
   */
  constructor(baseUrl, token) {
    this.baseUrl = baseUrl.replace(/\/+$/, "");
    this.token = token;
  }

  /**
   * The full URL of an API path, with query parameters (undefined ones left out).
   * @param {string} path  e.g. `/apps/x/releases`
   * @param {Record<string, string | number | boolean | undefined | null>} [query]
   */
  url(path, query = {}) {
    const url = new URL(`${this.baseUrl}/api${path}`);
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== "") url.searchParams.set(k, String(v));
    return url;
  }

  /** @param {Record<string, string>} [extra] */
  headers(extra = {}) {
    /** @type {Record<string, string>} */
    const h = { "user-agent": "skypanel-cli", accept: "application/json", ...extra };
    if (this.token) h.authorization = `Bearer ${this.token}`;
    return h;
  }

  /**
   * A request whose response is returned as is when it is 2xx (for streams); otherwise an ApiError.
   * @param {string} method
   * @param {string} path
   * @param {{ query?: Record<string, string | number | boolean | undefined | null>, body?: unknown, headers?: Record<string, string>, signal?: AbortSignal }} [options]
   * @returns {Promise<Response>}
   */
  async raw(method, path, options = {}) {
    const headers = this.headers(options.headers);
    /** @type {RequestInit} */
    const init = { method, headers };
    if (options.signal) init.signal = options.signal;
    if (options.body !== undefined) {
      headers["content-type"] = "application/json";
      init.body = JSON.stringify(options.body);
    }
    let res;
    try {
      res = await fetch(this.url(path, options.query), init);
    } catch (err) {
      throw unreachable(this.baseUrl, err);
    }
    if (!res.ok) throw await errorOf(res);
    return res;
  }

  /**
   * @param {string} method
   * @param {string} path
   * @param {{ query?: Record<string, string | number | boolean | undefined | null>, body?: unknown }} [options]
   * @returns {Promise<any>}
   */
  async request(method, path, options = {}) {
    const res = await this.raw(method, path, options);
    const text = await res.text();
    return text ? JSON.parse(text) : null;
  }

  /** @param {string} path @param {Record<string, string | number | boolean | undefined | null>} [query] */
  get(path, query) {
    return this.request("GET", path, { query });
  }
  /** @param {string} path @param {unknown} [body] */
  post(path, body) {
    return this.request("POST", path, { body });
  }
  /** @param {string} path @param {unknown} [body] */
  put(path, body) {
    return this.request("PUT", path, { body });
  }
  /** @param {string} path @param {unknown} [body] */
  patch(path, body) {
    return this.request("PATCH", path, { body });
  }
  /** @param {string} path @param {unknown} [body] */
  delete(path, body) {
    return this.request("DELETE", path, { body });
  }
}

/** An ApiError from a non-2xx response: the API's own message when it sent its error shape. */
export async function errorOf(/** @type {Response} */ res) {
  const text = await res.text().catch(() => "");
  let code = `HTTP_${res.status}`;
  let message = text.trim().slice(0, 500) || `${res.status} ${res.statusText}`;
  /** @type {Record<string, unknown> | undefined} */
  let details;
  try {
    const body = JSON.parse(text);
    if (body?.error?.message) ({ code, message, details } = body.error);
  } catch {
    // Not JSON: a proxy's page or plain text; keep it.
  }
  if (res.status === 401) message = `${message} Log in with \`skypanel login\` or set SKYPANEL_API_KEY.`;
  return new ApiError(message, res.status, code, details);
}

/** A network failure as one line that names the address tried. */
export function unreachable(/** @type {string} */ baseUrl, /** @type {unknown} */ err) {
  const cause = /** @type {{ cause?: { code?: string, message?: string } }} */ (err).cause;
  const why = cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
  return new CliError(`Cannot reach SkyPanel at ${baseUrl} (${why}). Is it running? Set SKYPANEL_URL to its address.`);
}

/** `/apps/<name>`, encoded. */
export const appPath = (/** @type {string} */ app) => `/apps/${encodeURIComponent(app)}`;
