// Imports from Heroku in the stub tRPC server: a stub Heroku (apps the token sees, with their
// config values, add-ons and domains) read into plans with the engine's rules and messages
// (packages/engine/src/imports), and imports that move one or more steps along on each `get`,
// as the engine's job would between two polls. Rows are typed by the BFF's own outputs.
import { TRPCError } from "@trpc/server";
import type { RouterInputs, RouterOutputs } from "../lib/trpc.ts";
import { type StubProcedure, t } from "./stubTrpc.ts";

type ImportPlan = RouterOutputs["imports"]["herokuPlan"];
export type StubImport = RouterOutputs["imports"]["get"];
type PlanInput = RouterInputs["imports"]["herokuPlan"];
type Step = StubImport["steps"][number];

export interface StubHerokuApp {
  id: string;
  name: string;
  stack: string;
  region: string | null;
  buildpacks: string[];
  release: number | null;
  processes: ImportPlan["processes"];
  /** Config vars with their values, as Heroku holds them: a plan shows only the keys. */
  config: Record<string, string>;
  /** Add-ons, each with the config vars it owns and its latest backup's number (null: none). */
  addons: { name: string; service: string; plan: string; as: string[]; backup: number | null }[];
  domains: string[];
  slug: { id: string; bytes: number | null; commit: string | null } | null;
}

export interface StubImports {
  /** The Heroku API token the stub Heroku accepts; any other is refused as Heroku refuses it (401). */
  herokuToken: string;
  herokuApps: StubHerokuApp[];
  imports: StubImport[];
  /** Steps each `imports.get` moves a running import along (a step starting or ending is one). */
  ticksPerGet: number;
  /** The step at which the next imports fail, with the reason; absent: they succeed. */
  failAt?: { step: string; error: string };
}

export const HEROKU_TOKEN_REFUSED =
  "Heroku refused the API token (401): it is wrong, expired or revoked. Make a new one with `heroku authorizations:create` and try again.";
export const DROPPED_BUILD_OUTPUT = ["node_modules", ".heroku", ".profile.d", ".cache", "vendor/bundle", "vendor"];
const HEROKU_STEPS = ["app", "config", "addons", "data", "domains", "build", "deploy", "formation", "verify"];
const BASE_DOMAIN = "skypanel.test";
const AT = "2025-01-02T03:04:05.000Z";
const COUNTERPARTS: Record<string, "postgresql" | "redis"> = { "heroku-postgresql": "postgresql", "heroku-redis": "redis" };

/** A Heroku app as the stub Heroku holds it: a web and a worker, a database with a backup, a custom domain. */
export function stubHerokuApp(name: string, extra: Partial<StubHerokuApp> = {}): StubHerokuApp {
  return {
    id: `heroku-${name}`,
    name,
    stack: "heroku-24",
    region: "us",
    buildpacks: ["heroku/nodejs"],
    release: 42,
    processes: [
      { type: "web", quantity: 2, size: "standard-1x", command: "npm start" },
      { type: "worker", quantity: 1, size: "standard-1x", command: "node worker.js" },
    ],
    config: { DATABASE_URL: "postgres://u:hunter2-db@ec2.example:5432/d1", SECRET_KEY_BASE: "s3cret-value-9f8e" },
    addons: [
      {
        name: "postgresql-shaped-12345",
        service: "heroku-postgresql",
        plan: "heroku-postgresql:essential-0",
        as: ["DATABASE_URL"],
        backup: 12,
      },
    ],
    domains: [`${name}.herokuapp.com`, `www.${name}.example`],
    slug: { id: `slug-${name}`, bytes: 12_582_912, commit: "abc1234" },
    ...extra,
  };
}

/** An import as the engine shows it, all steps waiting unless `extra` says otherwise. */
export function stubImport(appName: string, n: number, extra: Partial<StubImport> = {}): StubImport {
  return {
    id: `10000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
    kind: "heroku",
    status: "running",
    app: { id: null, name: appName },
    source: `Heroku app "${appName}"`,
    steps: HEROKU_STEPS.map((name) => ({ name, status: "pending", detail: "" })),
    dns: [],
    url: null,
    error: null,
    createdAt: AT,
    finishedAt: null,
    ...extra,
  };
}

interface AppAccess {
  /** Throws as the engine's checkAppName does. */
  checkName: (name: string) => void;
  /** Throws as creating an app does when the name is taken. */
  checkFree: (name: string) => void;
  create: (name: string) => { id: string };
  remove: (name: string) => void;
}

const fail = (code: "BAD_REQUEST" | "CONFLICT" | "NOT_FOUND" | "UNAUTHORIZED", message: string) => new TRPCError({ code, message });

export function importsRouter(proc: StubProcedure, s: StubImports, apps: AppAccess) {
  const heroku = (token: string) => {
    if (token.trim().length < 8 || /\s/.test(token.trim()))
      throw fail(
        "BAD_REQUEST",
        "Give your Heroku API token (heroku auth:token, or an authorization made with heroku authorizations:create).",
      );
    if (token.trim() !== s.herokuToken) throw fail("UNAUTHORIZED", HEROKU_TOKEN_REFUSED);
  };

  function plan(input: PlanInput): ImportPlan {
    heroku(input.herokuToken);
    const app = s.herokuApps.find((a) => a.name === input.herokuApp || a.id === input.herokuApp);
    if (!app) throw fail("NOT_FOUND", `Heroku has no app named "${input.herokuApp}" visible to this token.`);
    const name = input.name ?? app.name;
    apps.checkName(name);
    for (const asked of input.addonData ?? [])
      if (!app.addons.some((a) => a.name === asked))
        throw fail(
          "BAD_REQUEST",
          `The Heroku app has no add-on named "${asked}" to bring data from; its add-ons are: ${app.addons.map((a) => a.name).join(", ")}.`,
        );
    const source = input.source ?? { kind: "slug" as const };
    if (source.kind === "git" && !/^https:\/\/[^\s@]+$/.test(source.url))
      throw fail("BAD_REQUEST", `"${source.url}" is not a git URL this platform fetches (https:// only).`);
    if (source.kind === "slug" && !app.slug)
      throw fail(
        "BAD_REQUEST",
        `The Heroku app "${app.name}" has no slug to import. Give the URL of its git repository to build from instead.`,
      );

    const addons = app.addons.map((a) => {
      const becomes = COUNTERPARTS[a.service] ?? null;
      const asked = input.addonData === undefined ? becomes === "postgresql" : input.addonData.includes(a.name);
      const base = { name: a.name, service: a.service, plan: a.plan, becomes, as: a.as };
      if (becomes === null) return { ...base, data: "none" as const, note: `SkyPanel has no ${a.service} add-on; it is not brought over.` };
      if (becomes === "redis")
        return {
          ...base,
          data: asked ? ("unavailable" as const) : ("none" as const),
          note: "Becomes a SkyPanel Redis, empty: Redis data is not migrated.",
        };
      if (!asked)
        return { ...base, data: "none" as const, note: "Becomes a SkyPanel PostgreSQL database, empty: its data was not asked for." };
      if (a.backup === null)
        return {
          ...base,
          data: "unavailable" as const,
          note: "Becomes a SkyPanel PostgreSQL database, empty: Heroku has no finished backup of it.",
        };
      return {
        ...base,
        data: "backup" as const,
        note: `Becomes a SkyPanel PostgreSQL database, restored from Heroku backup b${String(a.backup).padStart(3, "0")}.`,
      };
    });
    const owner = (key: string) => app.addons.find((a) => a.as.includes(key))?.name;
    const config = Object.keys(app.config)
      .sort()
      .map((key) => {
        const addon = owner(key);
        return addon ? { key, action: "addon" as const, addon } : { key, action: "copy" as const };
      });
    const address = `${name}.${BASE_DOMAIN}`;
    return {
      heroku: { id: app.id, name: app.name, stack: app.stack, region: app.region, buildpacks: app.buildpacks, release: app.release },
      app: { name },
      processes: app.processes,
      config,
      addons,
      domains: app.domains.map((hostname) =>
        hostname.endsWith(".herokuapp.com")
          ? { hostname, action: "skip" as const, note: `Heroku's own address; the app gets ${address} instead.` }
          : {
              hostname,
              action: "add" as const,
              note: "Added to the app; it keeps being served by Heroku until its DNS is changed to point here.",
            },
      ),
      source:
        source.kind === "git"
          ? { kind: "git", url: source.url, ref: source.ref ?? null }
          : {
              kind: "slug",
              slugId: app.slug?.id ?? "",
              bytes: app.slug?.bytes ?? null,
              commit: app.slug?.commit ?? null,
              dropped: DROPPED_BUILD_OUTPUT,
            },
      unsupported: app.addons
        .filter((a) => !COUNTERPARTS[a.service])
        .map((a) => ({
          what: `add-on ${a.name} (${a.plan})`,
          why: `SkyPanel has no ${a.service} add-on. Its config vars are not copied.`,
        })),
      creates: [`Create the app "${name}".`, "Deploy the build.", `Verify the app answers at ${address}.`],
    };
  }

  const find = (id: string) => {
    const found = s.imports.find((i) => i.id === id);
    if (!found) throw fail("NOT_FOUND", `No import with id "${id}" is visible to you.`);
    return found;
  };

  /** What the engine's job does between two polls: one step starts or ends per tick. */
  function advance(row: StubImport) {
    for (let tick = 0; tick < s.ticksPerGet && row.status === "running"; tick++) {
      const running = row.steps.find((step) => step.status === "running");
      if (running && s.failAt?.step === running.name) return failImport(row, running, s.failAt.error);
      if (running) {
        Object.assign(running, { status: "succeeded", detail: `${running.name} done` });
        if (running.name === "app") row.app.id = apps.create(row.app.name).id;
        continue;
      }
      const next = row.steps.find((step) => step.status === "pending");
      if (next) next.status = "running";
      else finish(row);
    }
  }

  function finish(row: StubImport) {
    const planned = s.herokuApps.find((a) => row.source === `Heroku app "${a.name}"`);
    const target = `${row.app.name}.${BASE_DOMAIN}`;
    const custom = (planned?.domains ?? []).filter((d) => !d.endsWith(".herokuapp.com"));
    Object.assign(row, {
      status: "succeeded",
      url: `http://${row.app.name}.localhost:8080/`,
      dns: custom.map((hostname) => ({ hostname, type: "CNAME" as const, target })),
      finishedAt: new Date().toISOString(),
    });
  }

  /** A step failed: the engine removes what the import made and marks those steps undone. */
  function failImport(row: StubImport, step: Step, error: string) {
    Object.assign(step, { status: "failed", detail: error });
    for (const done of row.steps) if (done.status === "succeeded") done.status = "rolled_back";
    if (row.app.id) apps.remove(row.app.name);
    Object.assign(row, {
      status: "failed",
      app: { ...row.app, id: null },
      error: `${error}; everything it made was removed`,
      finishedAt: new Date().toISOString(),
    });
  }

  return t.router({
    herokuApps: proc("imports.herokuApps").mutation(({ input }) => {
      heroku(input.herokuToken);
      return { apps: s.herokuApps.map((a) => ({ id: a.id, name: a.name, stack: a.stack, region: a.region, updatedAt: AT })) };
    }),
    herokuPlan: proc("imports.herokuPlan").mutation(({ input }) => plan(input)),
    startHeroku: proc("imports.startHeroku").mutation(({ input }) => {
      const planned = plan(input);
      apps.checkFree(planned.app.name);
      const row = stubImport(planned.app.name, s.imports.length + 1, {
        source: `Heroku app "${planned.heroku.name}"`,
        createdAt: new Date().toISOString(),
      });
      s.imports.push(row);
      return { id: row.id };
    }),
    list: proc("imports.list").query(({ input }) => [...s.imports].reverse().slice(0, input?.limit ?? 20)),
    get: proc("imports.get").query(({ input }) => {
      const row = find(input.id);
      advance(row);
      return structuredClone(row);
    }),
    rollback: proc("imports.rollback").mutation(({ input }) => {
      const row = find(input.id);
      if (row.status === "rolled_back") return row;
      if (row.status === "failed") throw fail("CONFLICT", "This import failed, and removed what it made when it did.");
      if (input.confirm !== row.app.name)
        throw fail(
          "BAD_REQUEST",
          `Rolling back deletes the app ${row.app.name} and its add-ons' data: confirm with the app's name, "${row.app.name}".`,
        );
      if (row.app.id) apps.remove(row.app.name);
      for (const step of row.steps) if (step.status === "succeeded" || step.status === "running") step.status = "rolled_back";
      Object.assign(row, { status: "rolled_back", app: { ...row.app, id: null }, finishedAt: new Date().toISOString() });
      return structuredClone(row);
    }),
  });
}
