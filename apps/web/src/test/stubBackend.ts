// A stand-in for the BFF at the network boundary: the real tRPC client, its links and superjson
// talk over a fake `fetch` (and, for subscriptions, an EventSource reading that fetch: see
// stubEventSource.ts) to a small in-memory tRPC router that follows the contract in apps/bff.
// Component tests use it; nothing above `fetch` is mocked.
import { TRPCError, tracked } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { addonsRouters, type StubAddons } from "./stubAddons.ts";
import { alertsRouter, type StubAlerts } from "./stubAlerts.ts";
import { stubAppEvents } from "./stubAppEvents.ts";
import { FINISHED_BUILD, listener, type StubBuild, type StubEvent, stubBuild } from "./stubBuilds.ts";
import { drainsRouter, type StubDrain } from "./stubDrains.ts";
import { egressRouter } from "./stubEgress.ts";
import { importsRouter, type StubImports } from "./stubImports.ts";
import { logsRouter, type StubLogEntry } from "./stubLogs.ts";
import { maintenanceRouter } from "./stubMaintenance.ts";
import { stubNetwork } from "./stubNetwork.ts";
import { pipelinesRouters, type StubPipelines } from "./stubPipelines.ts";
import { runtimeRouters, type StubRuntime } from "./stubRuntime.ts";
import { type StubSession, sessionsRouter } from "./stubSessions.ts";
import { type StubSettings, settingsRouters } from "./stubSettings.ts";
import { type StubTrace, tracesRouter } from "./stubTraces.ts";
import { trafficRouter } from "./stubTraffic.ts";
import { type Misplaced, stubProcedure, TEST_CSRF, t } from "./stubTrpc.ts";

export { type StubAddon, stubAddon, stubBackup } from "./stubAddons.ts";
export { type StubBuild, stubBuild, stubStages } from "./stubBuilds.ts";
export { type StubDrain, stubDrain } from "./stubDrains.ts";
export { HEROKU_TOKEN_REFUSED, type StubHerokuApp, type StubImport, stubHerokuApp, stubImport } from "./stubImports.ts";
export { type StubLogEntry, stubLogEntry } from "./stubLogs.ts";
export { type StubPipeline, stubPipeline, stubReviewApp } from "./stubPipelines.ts";
export { stubDeployment, stubFormation, stubInstance, stubMetricsPoint, stubRelease } from "./stubRuntime.ts";
export { type StubSession, stubSession } from "./stubSessions.ts";
export { stubDomain } from "./stubSettings.ts";
export { TEST_CSRF } from "./stubTrpc.ts";
export const APP_NAME_RULE =
  "An app name is 3 to 30 characters: lowercase letters, digits and dashes, starting with a letter and ending with a letter or digit.";
export const CONFIG_KEY_RULE =
  "A config var name is 1 to 255 characters: letters, digits and underscores, not starting with a digit (POSIX).";

type Role = "owner" | "admin" | "member" | "viewer";

export interface StubApp {
  id: string;
  name: string;
  description: string;
  stack: string | null;
  rootDirectory: string | null;
  status: "idle" | "building" | "deploying" | "running" | "crashed" | "stopped";
  teamId: string;
  teamName: string;
  currentReleaseId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface StubState {
  /** False plays a session that has expired or was never started. */
  loggedIn: boolean;
  role: Role;
  apps: StubApp[];
  /** Config vars by app id; a secret one (an add-on's URL) has its value shown only when asked to reveal secrets. */
  vars: Map<string, Map<string, { value: string; updatedAt: Date; secret?: boolean }>>;
  tokens: {
    id: string;
    name: string;
    prefix: string;
    scope: "read" | "deploy" | "admin";
    createdAt: Date;
    lastUsedAt: Date | null;
    expiresAt: Date | null;
  }[];
  builds: StubBuild[];
  /** Log lines by build id. */
  buildLogs: Map<string, string[]>;
  /** Every procedure called, in order, with its input: tests assert what the UI asked for. */
  calls: { path: string; input: unknown }[];
  /** Releases, formation, deployments and instances. */
  runtime: StubRuntime;
  /** Domains and autoscale policies (the Settings tab). */
  settings: StubSettings;
  /** Log drains of every app (the Settings tab). */
  drains: StubDrain[];
  /** Alert rules, history and the team's channels (the Alerts tab). */
  alerts: StubAlerts;
  /** Add-ons and their backups (the Add-ons tab). */
  addons: StubAddons;
  /** The stub Heroku and the imports made from it. */
  imports: StubImports;
  /** Teams besides the user's own ("team-1"), with the user's role in each. */
  otherTeams: { id: string; name: string; role: Role }[];
  /** Build and deployment traces by their build's or deployment's id. */
  traces: Map<string, StubTrace>;
  /** The user's sessions (the Account page). */
  sessions: StubSession[];
  /** Pipelines with their stages and review apps. */
  pipelines: StubPipelines;
}

const TEAM = { id: "team-1", name: "Ada's apps" };

export function stubApp(name: string, extra: Partial<StubApp> = {}): StubApp {
  const at = new Date("2025-01-02T03:04:05Z");
  return {
    id: `id-${name}`,
    name,
    description: "",
    stack: null,
    rootDirectory: null,
    status: "idle",
    teamId: TEAM.id,
    teamName: TEAM.name,
    currentReleaseId: null,
    createdAt: at,
    updatedAt: at,
    ...extra,
  };
}

export function createStubBackend(
  init: {
    role?: Role;
    apps?: StubApp[];
    vars?: Record<string, Record<string, string>>;
    /** Secret config vars by app name, as `config.set` with `secret: true` makes them. */
    secrets?: Record<string, Record<string, string>>;
    builds?: StubBuild[];
    buildLogs?: Record<string, string[]>;
    runtime?: Partial<StubRuntime>;
    settings?: Partial<StubSettings>;
    alerts?: Partial<StubAlerts>;
    drains?: StubDrain[];
    addons?: Partial<StubAddons>;
    imports?: Partial<StubImports>;
    otherTeams?: { id: string; name: string; role: Role }[];
    traces?: StubTrace[];
    sessions?: StubSession[];
    pipelines?: Partial<StubPipelines>;
  } = {},
) {
  const state: StubState = {
    loggedIn: true,
    role: init.role ?? "owner",
    apps: [...(init.apps ?? [])],
    vars: new Map(),
    tokens: [],
    builds: [...(init.builds ?? [])],
    buildLogs: new Map(Object.entries(init.buildLogs ?? {}).map(([id, lines]) => [id, [...lines]])),
    calls: [],
    runtime: {
      mode: init.runtime?.mode === undefined ? "nspawn" : init.runtime.mode,
      router: init.runtime?.router ?? true,
      releases: [...(init.runtime?.releases ?? [])],
      deployments: [...(init.runtime?.deployments ?? [])],
      instances: [...(init.runtime?.instances ?? [])],
      oneOffs: { ...init.runtime?.oneOffs },
      formation: [...(init.runtime?.formation ?? [])],
      metrics: { ...init.runtime?.metrics },
      logs: [...(init.runtime?.logs ?? [])],
    },
    settings: { domains: [...(init.settings?.domains ?? [])], policies: { ...init.settings?.policies } },
    drains: [...(init.drains ?? [])],
    sessions: [...(init.sessions ?? [])],
    alerts: {
      rules: [...(init.alerts?.rules ?? [])],
      events: [...(init.alerts?.events ?? [])],
      channels: [...(init.alerts?.channels ?? [])],
    },
    addons: {
      addons: [...(init.addons?.addons ?? [])],
      backups: [...(init.addons?.backups ?? [])],
      servers: { postgresql: true, redis: true, ...init.addons?.servers },
    },
    imports: {
      herokuToken: init.imports?.herokuToken ?? "heroku-token-0123456789",
      herokuApps: [...(init.imports?.herokuApps ?? [])],
      imports: [...(init.imports?.imports ?? [])],
      ticksPerGet: init.imports?.ticksPerGet ?? 1,
      ...(init.imports?.failAt ? { failAt: init.imports.failAt } : {}),
    },
    otherTeams: [...(init.otherTeams ?? [])],
    traces: new Map((init.traces ?? []).map((tr) => [tr.subjectId, tr])),
    pipelines: {
      pipelines: [...(init.pipelines?.pipelines ?? [])],
      commits: { ...init.pipelines?.commits },
      blocked: [...(init.pipelines?.blocked ?? [])],
    },
  };
  const listeners = new Set<(e: StubEvent) => void>();
  const publish = (e: StubEvent) => {
    for (const listen of listeners) listen(e);
  };
  for (const [secret, byApp] of [
    [false, init.vars],
    [true, init.secrets],
  ] as const) {
    for (const [appName, vars] of Object.entries(byApp ?? {})) {
      const app = state.apps.find((a) => a.name === appName);
      if (!app) throw new Error(`stub: no app ${appName}`);
      const held = state.vars.get(app.id) ?? new Map();
      for (const [key, value] of Object.entries(vars)) held.set(key, { value, updatedAt: new Date(), secret });
      state.vars.set(app.id, held);
    }
  }

  const proc = stubProcedure(state);

  const find = (idOrName: string) => {
    const app = state.apps.find((a) => a.id === idOrName || a.name === idOrName);
    if (!app) throw new TRPCError({ code: "NOT_FOUND", message: `No app named or with id "${idOrName}" is visible to you.` });
    return app;
  };
  const checkName = (name: string) => {
    if (!/^[a-z][a-z0-9-]{1,28}[a-z0-9]$/.test(name)) {
      throw new TRPCError({ code: "BAD_REQUEST", message: `"${name}" is not a valid app name. ${APP_NAME_RULE}` });
    }
  };
  const checkFree = (name: string) => {
    if (state.apps.some((a) => a.name === name)) {
      throw new TRPCError({ code: "CONFLICT", message: `The name "${name}" is already taken by another app. Choose another name.` });
    }
  };
  const writable = () => {
    if (state.role === "viewer") throw new TRPCError({ code: "FORBIDDEN", message: "Your role in this team is viewer." });
  };
  const config = (appId: string, revealSecrets = false) => {
    const canReveal = state.role !== "viewer";
    const vars = [...(state.vars.get(appId) ?? new Map()).entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, v]) => ({
        key,
        value: canReveal && (revealSecrets || !v.secret) ? v.value : null,
        isSecret: v.secret === true,
        updatedAt: v.updatedAt,
      }));
    return { vars, canReveal };
  };
  const varsOf = (appId: string) => {
    const vars = state.vars.get(appId) ?? new Map();
    state.vars.set(appId, vars);
    return vars;
  };

  const findBuild = (appRef: string, id: string) => {
    const app = find(appRef);
    const build = state.builds.find((b) => b.appId === app.id && b.id === id);
    if (!build) throw new TRPCError({ code: "NOT_FOUND", message: `No build with id "${id}" on this app.` });
    return build;
  };
  const logOf = (buildId: string) => {
    const lines = state.buildLogs.get(buildId) ?? [];
    state.buildLogs.set(buildId, lines);
    return lines;
  };
  const queueBuild = (app: StubApp, source: StubBuild["source"]) => {
    const number = Math.max(0, ...state.builds.filter((b) => b.appId === app.id).map((b) => b.number)) + 1;
    const build = stubBuild(app.name, number, { appId: app.id, source, createdAt: new Date() });
    state.builds.push(build);
    buildChanged(build);
    return build;
  };

  const appLogs = logsRouter(proc, state.runtime.logs, { find });
  const addons = addonsRouters(proc, state.addons, {
    find,
    writable: (what) => {
      if (state.role === "viewer")
        throw new TRPCError({ code: "FORBIDDEN", message: `Your role in this team is viewer; ${what} needs member or above.` });
    },
    vars: {
      has: (appId, key) => varsOf(appId).has(key),
      setSecret: (appId, key, value) => void varsOf(appId).set(key, { value, updatedAt: new Date(), secret: true }),
      unset: (appId, key) => void varsOf(appId).delete(key),
    },
  });
  const appEvents = stubAppEvents(proc, find);
  /** A build changed: its own followers and the app's event stream hear of it, as from the engine. */
  const buildChanged = (build: StubBuild) => {
    publish({ type: "updated", build });
    const stage = build.stages.find((s) => s.status === "running")?.name ?? null;
    appEvents.publish({ type: "build.updated", appId: build.appId, buildId: build.id, status: build.status, stage });
  };

  const router = t.router({
    auth: t.router({
      session: proc("auth.session").query(() => ({
        needsSetup: false,
        user: state.loggedIn ? { id: "user-1", email: "ada@example.com", name: "Ada", isAdmin: true } : null,
        csrfToken: state.loggedIn ? TEST_CSRF : null,
        mfaEnrolmentRequiredBy: null,
      })),
    }),
    teams: t.router({
      list: proc("teams.list").query(() => [
        { ...TEAM, personal: true, mfaRequired: false, role: state.role, createdAt: new Date("2025-01-01") },
        ...state.otherTeams.map((team) => ({ ...team, personal: false, mfaRequired: false, createdAt: new Date("2025-01-01") })),
      ]),
    }),
    apps: t.router({
      // The input is optional, as the BFF's.
      list: proc("apps.list").query(({ input = {} }) => {
        const { page = 1, perPage = 20, search } = input;
        const matching = state.apps.filter((a) => !search || a.name.includes(search));
        return { items: matching.slice((page - 1) * perPage, page * perPage), total: matching.length, page, perPage };
      }),
      get: proc("apps.get").query(({ input }) => {
        const app = find(input.app);
        return {
          ...app,
          role: state.role,
          releases: [],
          deployments: [],
          instances: [],
          domains: [],
          configVarCount: state.vars.get(app.id)?.size ?? 0,
        };
      }),
      create: proc("apps.create").mutation(({ input }) => {
        checkName(input.name);
        checkFree(input.name);
        const app = stubApp(input.name, { description: input.description ?? "", createdAt: new Date(), updatedAt: new Date() });
        state.apps.push(app);
        return app;
      }),
      update: proc("apps.update").mutation(({ input }) => {
        writable();
        const app = find(input.app);
        // The engine's full rule is in apps/root-directory.ts; the stub plays its answer to "..".
        if (input.rootDirectory?.split("/").includes("..")) {
          throw new TRPCError({
            code: "BAD_REQUEST",
            message: `"${input.rootDirectory}" is not a valid root directory: it has a ".." part.`,
          });
        }
        Object.assign(
          app,
          input.name ? { name: input.name } : {},
          input.description !== undefined ? { description: input.description } : {},
          input.rootDirectory !== undefined ? { rootDirectory: input.rootDirectory?.replace(/\/$/, "") || null } : {},
        );
        return app;
      }),
      transfer: proc("apps.transfer").mutation(({ input }) => {
        const app = find(input.app);
        if (state.role !== "owner" && state.role !== "admin") {
          throw new TRPCError({
            code: "FORBIDDEN",
            message: `Your role in this team is ${state.role}; transferring the app needs admin or above.`,
          });
        }
        const team = state.otherTeams.find((t) => t.id === input.teamId);
        if (!team) throw new TRPCError({ code: "NOT_FOUND", message: `No team with id "${input.teamId}" is visible to you.` });
        if (team.role === "viewer") {
          throw new TRPCError({
            code: "FORBIDDEN",
            message: "Your role in this team is viewer; moving an app into a team needs member or above.",
          });
        }
        Object.assign(app, { teamId: team.id, teamName: team.name });
        return app;
      }),
      delete: proc("apps.delete").mutation(({ input }) => {
        const app = find(input.app);
        state.apps = state.apps.filter((a) => a !== app);
        return { id: app.id, name: app.name };
      }),
    }),
    config: t.router({
      get: proc("config.get").query(({ input }) => config(find(input.app).id, input.revealSecrets)),
      // As the engine: a var set without `secret` is a plain one, even if it was secret before.
      set: proc("config.set").mutation(({ input }) => {
        writable();
        const app = find(input.app);
        for (const key of Object.keys(input.vars)) {
          if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
            throw new TRPCError({ code: "BAD_REQUEST", message: `"${key}" is not a valid config var name. ${CONFIG_KEY_RULE}` });
          }
        }
        const vars = state.vars.get(app.id) ?? new Map();
        for (const [key, value] of Object.entries(input.vars))
          vars.set(key, { value, updatedAt: new Date(), secret: input.secret === true });
        state.vars.set(app.id, vars);
        return config(app.id);
      }),
      unset: proc("config.unset").mutation(({ input }) => {
        writable();
        const app = find(input.app);
        for (const key of input.keys) state.vars.get(app.id)?.delete(key);
        return config(app.id);
      }),
    }),
    tokens: t.router({
      list: proc("tokens.list").query(() => state.tokens),
      create: proc("tokens.create").mutation(({ input }) => {
        const token = {
          id: `tok-${state.tokens.length + 1}`,
          name: input.name,
          prefix: "spt_abcd",
          scope: input.scope ?? "read",
          createdAt: new Date(),
          lastUsedAt: null,
          expiresAt: null,
        };
        state.tokens.unshift(token);
        return { ...token, token: `spt_abcd-secret-${token.id}` };
      }),
      revoke: proc("tokens.revoke").mutation(({ input }) => {
        state.tokens = state.tokens.filter((t) => t.id !== input.id);
        return { id: input.id };
      }),
    }),
    audit: t.router({
      forApp: proc("audit.forApp").query(() => []),
    }),
    builds: t.router({
      list: proc("builds.list").query(({ input }) => {
        const app = find(input.app);
        return state.builds
          .filter((b) => b.appId === app.id && (input.beforeNumber === undefined || b.number < input.beforeNumber))
          .sort((a, b) => b.number - a.number)
          .slice(0, input.limit ?? 20);
      }),
      get: proc("builds.get").query(({ input }) => findBuild(input.app, input.id)),
      create: proc("builds.create").mutation(({ input }) => {
        writable();
        const app = find(input.app);
        if (!/^https:\/\/[^\s]+$/.test(input.source.url)) {
          throw new TRPCError({
            code: "BAD_REQUEST",
            message: `"${input.source.url}" is not a git URL this platform fetches (https:// only).`,
          });
        }
        return queueBuild(app, { type: "git", url: input.source.url, ref: input.source.ref ?? null });
      }),
      cancel: proc("builds.cancel").mutation(({ input }) => {
        writable();
        const build = findBuild(input.app, input.id);
        if (FINISHED_BUILD.has(build.status)) {
          throw new TRPCError({ code: "CONFLICT", message: `Build #${build.number} already ${build.status}; nothing to cancel.` });
        }
        update(build.id, { status: "cancelled", finishedAt: new Date(), error: "cancelled" });
        return { id: build.id, status: "cancelled" };
      }),
      log: proc("builds.log").query(({ input }) => {
        const build = findBuild(input.app, input.id);
        const after = input.after ?? 0;
        const lines = logOf(build.id)
          .slice(after)
          .map((text, i) => ({ n: after + i + 1, text }));
        return { lines, finished: FINISHED_BUILD.has(build.status), status: build.status };
      }),
      follow: proc("builds.follow").subscription(async function* ({ input, signal }) {
        const build = findBuild(input.app, input.id);
        const events = listener(listeners, signal);
        try {
          let last = Number(input.lastEventId ?? 0) || 0;
          const lines = logOf(build.id);
          for (;;) {
            while (last < lines.length) {
              last++;
              yield tracked(String(last), { n: last, text: lines[last - 1] ?? "" });
            }
            if (FINISHED_BUILD.has(build.status)) break;
            if ((await events.next()) === null) return;
          }
          yield tracked(`done-${build.status}`, { done: build.status });
        } finally {
          events.close();
        }
      }),
      events: proc("builds.events").subscription(async function* ({ input, signal }) {
        const app = find(input.app);
        const events = listener(listeners, signal);
        try {
          for (let e = await events.next(); e !== null; e = await events.next()) {
            if (e.type !== "updated" || e.build.appId !== app.id) continue;
            const stage = e.build.stages.find((s) => s.status === "running")?.name ?? null;
            yield { type: "build.updated" as const, appId: app.id, buildId: e.build.id, status: e.build.status, stage };
          }
        } finally {
          events.close();
        }
      }),
    }),
    ...runtimeRouters(proc, state.runtime, { find, writable, builds: () => state.builds }),
    ...settingsRouters(proc, state.settings, {
      find,
      writable,
      processTypes: (appId) => state.runtime.formation.filter((f) => f.appId === appId).map((f) => f.processType),
    }),
    addons: addons.router,
    drains: drainsRouter(proc, state.drains, { find, writable }),
    egress: egressRouter(proc, { find, writable }),
    traffic: trafficRouter(proc, { find, writable }),
    maintenance: maintenanceRouter(proc, { find, writable }),
    alerts: alertsRouter(proc, state.alerts, {
      find,
      writable,
      manage: () => {
        if (state.role === "viewer" || state.role === "member")
          throw new TRPCError({
            code: "FORBIDDEN",
            message: `Your role in this team is ${state.role}; adding notification channels needs admin or above.`,
          });
      },
    }),
    imports: importsRouter(proc, state.imports, {
      checkName,
      checkFree,
      create: (name) => {
        const app = stubApp(name, { createdAt: new Date(), updatedAt: new Date() });
        state.apps.push(app);
        return app;
      },
      remove: (name) => {
        state.apps = state.apps.filter((a) => a.name !== name);
      },
    }),
    logs: appLogs.router,
    events: appEvents.router,
    traces: tracesRouter(proc, state.traces),
    sessions: sessionsRouter(proc, state.sessions),
    ...pipelinesRouters(proc, state.pipelines, {
      find,
      writable,
      runtime: state.runtime,
      configKeys: (appId) => [...(state.vars.get(appId)?.keys() ?? [])].sort(),
    }),
  });
  // Each procedure above is the BFF's under the same name, with its input and output: tsc names any that is not.
  const misplaced: [Misplaced<typeof router>] extends [never] ? "none" : Misplaced<typeof router> = "none";
  void misplaced;

  const network = stubNetwork();
  const fetch = network.connect((request) =>
    fetchRequestHandler({
      endpoint: "/api/trpc",
      req: request,
      router,
      createContext: () => ({ csrf: request.headers.get("x-csrf-token") }),
    }),
  );

  /** Changes a build the way the engine would, and tells the live subscribers. */
  function update(buildId: string, patch: Partial<StubBuild>) {
    const build = state.builds.find((b) => b.id === buildId);
    if (!build) throw new Error(`stub: no build ${buildId}`);
    Object.assign(build, patch);
    buildChanged(build);
    return build;
  }

  /** Appends lines to a build's log, as the running build would. */
  function appendLog(buildId: string, ...lines: string[]) {
    logOf(buildId).push(...lines);
    publish({ type: "log", buildId });
  }

  /** Adds lines to the apps' runtime logs, as their instances would, and tells the live readers. */
  function appendAppLog(entries: StubLogEntry[]) {
    appLogs.append(entries);
  }

  return {
    state,
    fetch,
    network,
    updateBuild: update,
    appendLog,
    appendAppLog,
    publishAppEvent: appEvents.publish,
    finishBackup: addons.finishBackup,
    finishRestore: addons.finishRestore,
  };
}
