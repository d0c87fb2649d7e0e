// A read-only client for what an import needs from Heroku: the Platform API v3 for the app, and
// the Heroku Postgres data API for its backups. Nothing here changes anything on Heroku.
import { ValidationError } from "../../errors.ts";
import { DEFAULT_OUTBOUND_POLICY, type OutboundPolicy, outboundFetch } from "../../net/index.ts";
import {
  type HerokuAddon,
  type HerokuAddonAttachment,
  type HerokuApp,
  type HerokuBackupUrl,
  type HerokuBuildpackInstallation,
  type HerokuConfigVars,
  type HerokuDomain,
  type HerokuFormation,
  type HerokuRelease,
  type HerokuSlug,
  type HerokuTransfer,
  herokuAddonAttachmentSchema,
  herokuAddonSchema,
  herokuAppSchema,
  herokuBackupUrlSchema,
  herokuBuildpackInstallationSchema,
  herokuConfigVarsSchema,
  herokuDomainSchema,
  herokuFormationSchema,
  herokuReleaseSchema,
  herokuSlugSchema,
  herokuTransferSchema,
} from "./api-types.ts";
import { type DownloadOptions, downloadBlob } from "./download.ts";
import { createHerokuHttp, type HerokuRequest } from "./http.ts";

export const HEROKU_API_URL = "https://api.heroku.com";
export const HEROKU_DATA_API_URL = "https://postgres-api.heroku.com";
/** The Platform API answers in version 3 only when asked to; unversioned requests are deprecated. */
export const HEROKU_ACCEPT = "application/vnd.heroku+json; version=3";

export interface HerokuClientOptions {
  apiUrl?: string;
  dataApiUrl?: string;
  token: string;
  /** For Heroku's APIs (the operator's setting) and, when given, downloads too (tests). */
  fetch?: typeof fetch;
  /**
   * Where slug and backup URLs taken from Heroku's answers may lead (default: public addresses
   * only). They are not the operator's: a stand-in, or a compromised answer, could point anywhere.
   */
  outbound?: OutboundPolicy;
  /** Per request, body included. Default 30 s. */
  timeoutMs?: number;
  /** Tries when Heroku answers 429, the first included. Default 3. */
  maxTries?: number;
  /** The longest wait before a retry. Default 5 s. */
  maxRetryWaitMs?: number;
  /** The largest JSON answer read. Default 5 MiB. */
  maxJsonBytes?: number;
  /** The most pages of one list followed. Default 50. */
  maxPages?: number;
}

export interface HerokuClient {
  listApps(): Promise<HerokuApp[]>;
  app(app: string): Promise<HerokuApp>;
  buildpacks(app: string): Promise<HerokuBuildpackInstallation[]>;
  formation(app: string): Promise<HerokuFormation[]>;
  configVars(app: string): Promise<HerokuConfigVars>;
  addons(app: string): Promise<HerokuAddon[]>;
  attachments(app: string): Promise<HerokuAddonAttachment[]>;
  domains(app: string): Promise<HerokuDomain[]>;
  /** The release Heroku runs now, or null for an app never released. */
  currentRelease(app: string): Promise<HerokuRelease | null>;
  slug(app: string, id: string): Promise<HerokuSlug>;
  /**
   * The newest succeeded backup, or null. `from` narrows it to one database: its add-on name
   * or attachment names, as Heroku writes them in `from_name`.
   */
  latestBackup(app: string, from?: readonly string[]): Promise<HerokuTransfer | null>;
  /** A short-lived pre-signed URL for a backup's pg_dump file. */
  backupUrl(app: string, num: number): Promise<HerokuBackupUrl>;
  /** Streams a pre-signed blob to `file` (replaced); removes the partial file on failure. */
  download(url: string, file: string, opts: DownloadOptions): Promise<{ bytes: number }>;
  /** RateLimit-Remaining from Heroku's latest answer, null before any. */
  rateLimitRemaining(): number | null;
}

/** An import job runs at most 2 hours; a backup is at most 20 GiB (heroku-run.ts). */
const MAX_DOWNLOAD_MS = 2 * 60 * 60_000;
const MAX_DOWNLOAD_BYTES = 21 * 1024 ** 3;

// Releases are listed newest first; the current one is nearly always among the first ten.
const RELEASES_RANGE = "version ..; order=desc, max=10";
const RELEASE_PAGES = 5;

export function createHerokuClient(options: HerokuClientOptions): HerokuClient {
  const token = checkToken(options.token);
  const apiUrl = trimSlash(options.apiUrl ?? HEROKU_API_URL);
  const dataApiUrl = trimSlash(options.dataApiUrl ?? HEROKU_DATA_API_URL);
  const fetchFn = options.fetch ?? globalThis.fetch;
  // downloadBlob caps the bytes and the time of each download; these are only the outer bounds.
  const downloadFetch =
    options.fetch ??
    outboundFetch(options.outbound ?? DEFAULT_OUTBOUND_POLICY, {
      what: "Heroku download",
      timeoutMs: MAX_DOWNLOAD_MS,
      maxBytes: MAX_DOWNLOAD_BYTES,
    });
  const http = createHerokuHttp({
    token,
    fetch: fetchFn,
    timeoutMs: options.timeoutMs ?? 30_000,
    maxTries: options.maxTries ?? 3,
    maxRetryWaitMs: options.maxRetryWaitMs ?? 5_000,
    maxJsonBytes: options.maxJsonBytes ?? 5 * 1024 * 1024,
    maxPages: options.maxPages ?? 50,
  });

  const noApp = (app: string) => `Heroku has no app named "${app}" visible to this token.`;
  const platform = (path: string, notFound?: string): HerokuRequest => ({
    base: apiUrl,
    method: "GET",
    path,
    accept: HEROKU_ACCEPT,
    label: `GET ${path}`,
    notFound,
  });
  const ofApp = (app: string, rest = "") => platform(`/apps/${encodeURIComponent(app)}${rest}`, noApp(app));
  const data = (method: "GET" | "POST", app: string, rest: string): HerokuRequest => {
    const path = `/client/v11/apps/${encodeURIComponent(app)}${rest}`;
    const notFound = `Heroku Postgres has no ${rest.includes("/actions/") ? "such backup" : "backups"} for an app named "${app}" visible to this token.`;
    return { base: dataApiUrl, method, path, accept: "application/json", label: `${method} ${path}`, notFound };
  };
  const all = async <T>(pages: AsyncGenerator<T[]>): Promise<T[]> => {
    const items: T[] = [];
    for await (const page of pages) items.push(...page);
    return items;
  };

  return {
    listApps: () => all(http.pages(platform("/apps"), herokuAppSchema)),
    app: (app) => http.json(ofApp(app), herokuAppSchema),
    buildpacks: async (app) =>
      (await all(http.pages(ofApp(app, "/buildpack-installations"), herokuBuildpackInstallationSchema))).sort(
        (a, b) => a.ordinal - b.ordinal,
      ),
    formation: (app) => all(http.pages(ofApp(app, "/formation"), herokuFormationSchema)),
    configVars: (app) => http.json(ofApp(app, "/config-vars"), herokuConfigVarsSchema),
    addons: (app) => all(http.pages(ofApp(app, "/addons"), herokuAddonSchema)),
    attachments: (app) => all(http.pages(ofApp(app, "/addon-attachments"), herokuAddonAttachmentSchema)),
    domains: (app) => all(http.pages(ofApp(app, "/domains"), herokuDomainSchema)),
    async currentRelease(app) {
      let pages = 0;
      for await (const page of http.pages(ofApp(app, "/releases"), herokuReleaseSchema, RELEASES_RANGE)) {
        const current = page.find((r) => r.current);
        if (current) return current;
        if (++pages >= RELEASE_PAGES) break;
      }
      return null;
    },
    slug: (app, id) =>
      http.json(
        { ...ofApp(app, `/slugs/${encodeURIComponent(id)}`), notFound: `Heroku has no slug ${id} for the app "${app}".` },
        herokuSlugSchema,
      ),
    async latestBackup(app, from) {
      const transfers = await http.json(data("GET", app, "/transfers"), herokuTransferSchema.array());
      const backups = transfers.filter(
        (t) =>
          t.from_type === "pg_dump" &&
          t.to_type === "gof3r" &&
          t.succeeded === true &&
          (from === undefined || (t.from_name !== null && from.includes(t.from_name))),
      );
      // Transfer numbers only grow, so the highest is the newest.
      return backups.reduce<HerokuTransfer | null>((newest, t) => (newest === null || t.num > newest.num ? t : newest), null);
    },
    backupUrl: (app, num) => http.json(data("POST", app, `/transfers/${num}/actions/public-url`), herokuBackupUrlSchema),
    download: (url, file, opts) => downloadBlob({ fetch: downloadFetch, allowHttp: apiUrl.startsWith("http:") }, url, file, opts),
    rateLimitRemaining: () => http.rateLimitRemaining(),
  };
}

/** A token that cannot go into a header is refused here, before fetch would quote it in an error. */
function checkToken(token: string): string {
  if (typeof token !== "string" || token.trim() === "") throw new ValidationError("A Heroku API token is needed to read the app.");
  if (!/^[\x21-\x7e]+$/.test(token))
    throw new ValidationError("The Heroku API token has spaces, line breaks or other characters a token never has; paste it again.");
  return token;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}
