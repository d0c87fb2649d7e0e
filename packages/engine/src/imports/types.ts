// The shapes an import shows its user: the plan (what will be made, read before anything is made)
// and the import itself (its steps, live). Shared by the engine, the API, the dashboard and the CLI.
// Neither ever holds a config value or a token: only keys, names and counts.

/** How one Heroku add-on comes across. */
export interface PlannedAddon {
  /** Heroku's add-on name, e.g. "postgresql-shaped-12345". */
  name: string;
  /** Heroku's service, e.g. "heroku-postgresql", "heroku-redis", "papertrail". */
  service: string;
  /** Heroku's plan, e.g. "heroku-postgresql:essential-0". */
  plan: string;
  /** The SkyPanel add-on type it becomes; null when it has none (listed in `unsupported` too). */
  becomes: "postgresql" | "redis" | null;
  /** The config vars it is attached as on the app (DATABASE_URL, HEROKU_POSTGRESQL_RED_URL …). */
  as: string[];
  /** "backup": its data comes from the latest Heroku backup; "none": it starts empty; "unavailable": data was asked for and cannot come. */
  data: "backup" | "none" | "unavailable";
  /** One sentence on the mapping and its data, for the user. */
  note: string;
}

export interface PlannedConfigVar {
  key: string;
  /** "copy": the value is copied; "addon": owned by an add-on, made again by SkyPanel's add-on, not copied. */
  action: "copy" | "addon";
  /** The Heroku add-on that owns it, when action is "addon". */
  addon?: string;
}

export interface PlannedDomain {
  hostname: string;
  /** "add": a custom domain added to the app; "skip": Heroku's own (*.herokuapp.com), replaced by the platform's name. */
  action: "add" | "skip";
  note: string;
}

export interface PlannedProcess {
  type: string;
  quantity: number;
  /** Heroku's dyno size, shown for comparison ("standard-1x"). */
  size: string;
  /** The command Heroku runs, when known (the slug's process_types or the formation). */
  command: string | null;
}

/** Where the imported app's code comes from. */
export type PlannedSource =
  | {
      kind: "slug";
      slugId: string;
      /** Bytes of the slug tarball, when Heroku says. */
      bytes: number | null;
      commit: string | null;
      /** Build output left out of the slug's app/ tree before SkyPanel rebuilds it. */
      dropped: string[];
    }
  | { kind: "git"; url: string; ref: string | null };

export interface ImportPlan {
  heroku: {
    id: string;
    name: string;
    stack: string;
    region: string | null;
    buildpacks: string[];
    /** The current release's version on Heroku, e.g. 42. */
    release: number | null;
  };
  /** The SkyPanel app that will be made. */
  app: { name: string };
  processes: PlannedProcess[];
  config: PlannedConfigVar[];
  addons: PlannedAddon[];
  domains: PlannedDomain[];
  source: PlannedSource;
  /** What cannot be migrated, and why (an add-on with no counterpart, a pipeline, a review app …). */
  unsupported: { what: string; why: string }[];
  /** The plan in sentences, in the order the import will do them. */
  creates: string[];
}

export const IMPORT_KINDS = ["heroku", "archive", "app-json"] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export const IMPORT_STATUSES = ["running", "succeeded", "failed", "rolled_back"] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

export const IMPORT_STEP_STATUSES = ["pending", "running", "succeeded", "failed", "skipped", "rolled_back"] as const;
export type ImportStepStatus = (typeof IMPORT_STEP_STATUSES)[number];

export interface ImportStep {
  /** Stable id: "app", "config", "addons", "data", "domains", "build", "deploy", "formation", "postdeploy", "verify". */
  name: string;
  status: ImportStepStatus;
  /** What happened, for the user (never a value): "3 vars set", "build 4 succeeded", the error. */
  detail: string;
}

/** A DNS record the user must make for a domain the import added. */
export interface DnsInstruction {
  hostname: string;
  type: "CNAME" | "A";
  target: string;
}

/** An import as its user sees it (API, dashboard, CLI). */
export interface ImportView {
  id: string;
  kind: ImportKind;
  status: ImportStatus;
  /** The SkyPanel app it makes: id null until made (and again after a rollback removed it). */
  app: { id: string | null; name: string };
  /** Where it comes from, in words: `Heroku app "shop"`, `archive shop.tar.gz`. */
  source: string;
  steps: ImportStep[];
  /** DNS records the user must make for the domains the import added. */
  dns: DnsInstruction[];
  /** The app's address once it is deployed. */
  url: string | null;
  /** Why it failed, when it did. */
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}
