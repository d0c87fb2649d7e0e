// STAND-IN for Heroku, for tests: the model a test describes, and the answers Heroku's Platform
// API and Postgres data API would give for it, in their published shapes (api-types.ts, plus a
// few fields real answers carry that the importer ignores).
import type {
  HerokuAddon,
  HerokuAddonAttachment,
  HerokuApp,
  HerokuBuildpackInstallation,
  HerokuDomain,
  HerokuFormation,
  HerokuRelease,
  HerokuSlug,
  HerokuTransfer,
} from "./api-types.ts";

export interface StandInAddon {
  id: string;
  name: string;
  /** Heroku's service name: "heroku-postgresql", "heroku-redis", "papertrail". */
  service: string;
  /** "essential-0" or the full "heroku-postgresql:essential-0". */
  plan: string;
  /** The config vars it owns on the app (their values are in the app's `config`). */
  configVars: string[];
  /** Attachment names on the app: "DATABASE", "HEROKU_POSTGRESQL_RED". */
  attachedAs: string[];
}

export interface StandInApp {
  id: string;
  name: string;
  stack: string;
  region: string;
  /** Buildpack names or URLs, in order. */
  buildpacks: string[];
  formation: { type: string; quantity: number; size: string; command: string }[];
  config: Record<string, string>;
  addons: StandInAddon[];
  domains: { hostname: string; kind: "heroku" | "custom"; cname?: string | null; sniEndpoint?: string | null }[];
  /** The current release; `slugId` null for an app with no slug (a container-stack app). */
  release: { version: number; slugId: string | null } | null;
  /** `file` is a slug tar.gz on disk. */
  slug: { id: string; processTypes: Record<string, string>; file: string; commit?: string } | null;
  /** `file` is a pg_dump custom-format file on disk; `from` is the transfer's from_name (default the first Postgres attachment). */
  backups: { num: number; file: string; succeeded: boolean; from?: string }[];
}

export interface HerokuStandInModel {
  token: string;
  apps: StandInApp[];
  /** Items per list page; Heroku's default is 200, tests use 2. */
  pageSize?: number;
}

const WHEN = "2024-05-01T12:00:00Z";
const ref = (app: StandInApp) => ({ id: app.id, name: app.name });
// Built apart from the answers so the typed answers may carry fields the importer ignores.
const stackOf = (app: StandInApp) => ({ id: `stack-${app.stack}`, name: app.stack });
const regionOf = (app: StandInApp) => ({ id: `region-${app.region}`, name: app.region });

export function appShape(app: StandInApp, webUrl: string): HerokuApp & Record<string, unknown> {
  return {
    id: app.id,
    name: app.name,
    stack: stackOf(app),
    region: regionOf(app),
    acm: false,
    created_at: WHEN,
    updated_at: WHEN,
    web_url: webUrl,
    git_url: `https://git.heroku.com/${app.name}.git`,
    maintenance: false,
    owner: { id: "user-1", email: "owner@example.com" },
  };
}

export function buildpackShapes(app: StandInApp): (HerokuBuildpackInstallation & Record<string, unknown>)[] {
  return app.buildpacks.map((b, i) => ({ ordinal: i, buildpack: { url: b, name: b.includes("://") ? null : b } }));
}

export function formationShapes(app: StandInApp): (HerokuFormation & Record<string, unknown>)[] {
  return app.formation.map((f) => ({ id: `formation-${app.id}-${f.type}`, app: ref(app), ...f, created_at: WHEN, updated_at: WHEN }));
}

export function addonShapes(app: StandInApp): (HerokuAddon & Record<string, unknown>)[] {
  return app.addons.map((a) => ({
    id: a.id,
    name: a.name,
    addon_service: { id: `service-${a.service}`, name: a.service },
    plan: { id: `plan-${a.id}`, name: a.plan.includes(":") ? a.plan : `${a.service}:${a.plan}` },
    config_vars: a.configVars,
    app: ref(app),
    state: "provisioned",
    created_at: WHEN,
  }));
}

export function attachmentShapes(app: StandInApp): (HerokuAddonAttachment & Record<string, unknown>)[] {
  return app.addons.flatMap((a) =>
    a.attachedAs.map((name) => ({
      id: `attachment-${a.id}-${name}`,
      name,
      addon: { id: a.id, name: a.name, app: ref(app) },
      app: ref(app),
      namespace: null,
      created_at: WHEN,
    })),
  );
}

export function domainShapes(app: StandInApp): (HerokuDomain & Record<string, unknown>)[] {
  return app.domains.map((d) => ({
    id: `domain-${d.hostname}`,
    hostname: d.hostname,
    kind: d.kind,
    cname: d.kind === "custom" ? (d.cname ?? `${d.hostname.replace(/\W/g, "-")}.herokudns.com`) : null,
    sni_endpoint: d.sniEndpoint ? { id: `sni-${d.sniEndpoint}`, name: d.sniEndpoint } : null,
    status: "succeeded",
    app: ref(app),
  }));
}

/** Every release from v1 to the current one; only the current one has the model's slug. */
export function releaseShapes(app: StandInApp): (HerokuRelease & Record<string, unknown>)[] {
  const current = app.release;
  if (!current) return [];
  return Array.from({ length: current.version }, (_, i) => {
    const version = i + 1;
    const isCurrent = version === current.version;
    return {
      id: `release-${app.id}-${version}`,
      version,
      current: isCurrent,
      status: "succeeded",
      slug: isCurrent && current.slugId ? { id: current.slugId } : null,
      description: isCurrent ? "Deploy" : `Set config vars (v${version})`,
      app: ref(app),
      created_at: WHEN,
    };
  });
}

export function slugShape(app: StandInApp, blobUrl: string, size: number | null): HerokuSlug & Record<string, unknown> {
  const slug = app.slug as NonNullable<StandInApp["slug"]>;
  return {
    id: slug.id,
    blob: { method: "get", url: blobUrl },
    process_types: slug.processTypes,
    stack: stackOf(app),
    size,
    commit: slug.commit ?? null,
    commit_description: null,
    checksum: null,
    buildpack_provided_description: null,
    created_at: WHEN,
  };
}

export function transferShapes(app: StandInApp): (HerokuTransfer & Record<string, unknown>)[] {
  const database = app.addons.find((a) => a.service === "heroku-postgresql")?.attachedAs[0] ?? "DATABASE";
  return app.backups.map((b) => ({
    uuid: `transfer-${app.id}-${b.num}`,
    num: b.num,
    from_name: b.from ?? database,
    from_type: "pg_dump",
    to_name: "BACKUP",
    to_type: "gof3r",
    succeeded: b.succeeded,
    finished_at: "2024-05-01 12:00:00 +0000",
    created_at: "2024-05-01 11:59:00 +0000",
  }));
}
