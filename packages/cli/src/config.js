// @ts-check
// The one place the CLI reads its environment; everything else is handed this object.
import { homedir } from "node:os";
import { join } from "node:path";
import { CliError } from "./errors.js";

export const DEFAULT_URL = "http://127.0.0.1:3000";

/**
 * @typedef {object} CliConfig
 * @property {string} url         the platform's address, without a trailing slash
 * @property {string | null} apiKey  SKYPANEL_API_KEY: wins over stored credentials
 * @property {string} netrcPath   where `login` keeps the token
 * @property {boolean} noColor
 * @property {string | null} browser  $BROWSER, for `open`
 * @property {boolean} display  a graphical session ($DISPLAY or $WAYLAND_DISPLAY) a browser could open in
 * @property {string | null} herokuApiKey  HEROKU_API_KEY (the Heroku CLI's own variable), for `migrate:*`
 */

/**
 * @param {NodeJS.ProcessEnv} env
 * @returns {CliConfig}
 */
export function readConfig(env) {
  const raw = (env.SKYPANEL_URL || DEFAULT_URL).trim().replace(/\/+$/, "");
  let url;
  try {
    url = new URL(raw);
  } catch {
    throw new CliError(`SKYPANEL_URL is not a URL: ${raw}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new CliError(`SKYPANEL_URL must be http(s)://…, not ${raw}`);
  const home = env.HOME || homedir();
  return {
    url: raw,
    apiKey: env.SKYPANEL_API_KEY?.trim() || null,
    netrcPath: env.NETRC || join(home, ".netrc"),
    // https://no-color.org: present and not empty.
    noColor: Boolean(env.NO_COLOR),
    browser: env.BROWSER || null,
    display: Boolean(env.DISPLAY || env.WAYLAND_DISPLAY),
    herokuApiKey: env.HEROKU_API_KEY?.trim() || null,
  };
}

/** The netrc machine name for a platform URL: its host name, as curl (and so git) looks it up. */
export function machineOf(/** @type {string} */ url) {
  return new URL(url).hostname;
}
