// A stand-in for the BFF at the network boundary: the real tRPC client, batching link and
// superjson talk over a fake `fetch` to a small in-memory tRPC router that follows the
// contract in apps/bff. Component tests use it; nothing above `fetch` is mocked.
import { initTRPC, TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import superjson from "superjson";

export const TEST_CSRF = "test-csrf-token";
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
  vars: Map<string, Map<string, { value: string; updatedAt: Date }>>;
  tokens: { id: string; name: string; prefix: string; createdAt: Date; lastUsedAt: Date | null; expiresAt: Date | null }[];
  /** Every procedure called, in order, with its input: tests assert what the UI asked for. */
  calls: { path: string; input: unknown }[];
}

const TEAM = { id: "team-1", name: "Ada's apps" };

export function stubApp(name: string, extra: Partial<StubApp> = {}): StubApp {
  const at = new Date("2025-01-02T03:04:05Z");
  return {
    id: `id-${name}`,
    name,
    description: "",
    stack: null,
    status: "idle",
    teamId: TEAM.id,
    teamName: TEAM.name,
    currentReleaseId: null,
    createdAt: at,
    updatedAt: at,
    ...extra,
  };
}

export function createStubBackend(init: { role?: Role; apps?: StubApp[]; vars?: Record<string, Record<string, string>> } = {}) {
  const state: StubState = {
    loggedIn: true,
    role: init.role ?? "owner",
    apps: [...(init.apps ?? [])],
    vars: new Map(),
    tokens: [],
    calls: [],
  };
  for (const [appName, vars] of Object.entries(init.vars ?? {})) {
    const app = state.apps.find((a) => a.name === appName);
    if (!app) throw new Error(`stub: no app ${appName}`);
    state.vars.set(app.id, new Map(Object.entries(vars).map(([k, v]) => [k, { value: v, updatedAt: new Date() }])));
  }

  const t = initTRPC.context<{ csrf: string | null }>().create({ transformer: superjson });
  const proc = t.procedure.use(async ({ path, type, ctx, getRawInput, next }) => {
    state.calls.push({ path, input: await getRawInput() });
    if (!state.loggedIn && path !== "auth.session") throw new TRPCError({ code: "UNAUTHORIZED", message: "Log in first." });
    if (type === "mutation" && ctx.csrf !== TEST_CSRF) throw new TRPCError({ code: "FORBIDDEN", message: "Missing CSRF token." });
    return next();
  });
  const input =
    <T>() =>
    (raw: unknown) =>
      raw as T;

  const find = (idOrName: string) => {
    const app = state.apps.find((a) => a.id === idOrName || a.name === idOrName);
    if (!app) throw new TRPCError({ code: "NOT_FOUND", message: `No app named or with id "${idOrName}" is visible to you.` });
    return app;
  };
  const writable = () => {
    if (state.role === "viewer") throw new TRPCError({ code: "FORBIDDEN", message: "Your role in this team is viewer." });
  };
  const config = (appId: string) => {
    const canReveal = state.role !== "viewer";
    const vars = [...(state.vars.get(appId) ?? new Map()).entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, v]) => ({ key, value: canReveal ? v.value : null, isSecret: true, updatedAt: v.updatedAt }));
    return { vars, canReveal };
  };

  const router = t.router({
    auth: t.router({
      session: proc.query(() => ({
        needsSetup: false,
        user: state.loggedIn ? { id: "user-1", email: "ada@example.com", name: "Ada", isAdmin: true } : null,
        csrfToken: state.loggedIn ? TEST_CSRF : null,
      })),
    }),
    teams: t.router({
      list: proc.query(() => [{ ...TEAM, personal: true, role: state.role, createdAt: new Date("2025-01-01") }]),
    }),
    apps: t.router({
      list: proc.input(input<{ page?: number; perPage?: number; search?: string }>()).query(({ input }) => {
        const page = input.page ?? 1;
        const perPage = input.perPage ?? 20;
        const matching = state.apps.filter((a) => !input.search || a.name.includes(input.search));
        return { items: matching.slice((page - 1) * perPage, page * perPage), total: matching.length, page, perPage };
      }),
      get: proc.input(input<{ app: string }>()).query(({ input }) => {
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
      create: proc.input(input<{ name: string; description?: string }>()).mutation(({ input }) => {
        if (!/^[a-z][a-z0-9-]{1,28}[a-z0-9]$/.test(input.name)) {
          throw new TRPCError({ code: "BAD_REQUEST", message: `"${input.name}" is not a valid app name. ${APP_NAME_RULE}` });
        }
        if (state.apps.some((a) => a.name === input.name)) {
          throw new TRPCError({
            code: "CONFLICT",
            message: `The name "${input.name}" is already taken by another app. Choose another name.`,
          });
        }
        const app = stubApp(input.name, { description: input.description ?? "", createdAt: new Date(), updatedAt: new Date() });
        state.apps.push(app);
        return app;
      }),
      update: proc.input(input<{ app: string; name?: string; description?: string }>()).mutation(({ input }) => {
        writable();
        const app = find(input.app);
        Object.assign(
          app,
          input.name ? { name: input.name } : {},
          input.description !== undefined ? { description: input.description } : {},
        );
        return app;
      }),
      delete: proc.input(input<{ app: string }>()).mutation(({ input }) => {
        const app = find(input.app);
        state.apps = state.apps.filter((a) => a !== app);
        return { id: app.id, name: app.name };
      }),
    }),
    config: t.router({
      get: proc.input(input<{ app: string }>()).query(({ input }) => config(find(input.app).id)),
      set: proc.input(input<{ app: string; vars: Record<string, string> }>()).mutation(({ input }) => {
        writable();
        const app = find(input.app);
        for (const key of Object.keys(input.vars)) {
          if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
            throw new TRPCError({ code: "BAD_REQUEST", message: `"${key}" is not a valid config var name. ${CONFIG_KEY_RULE}` });
          }
        }
        const vars = state.vars.get(app.id) ?? new Map();
        for (const [key, value] of Object.entries(input.vars)) vars.set(key, { value, updatedAt: new Date() });
        state.vars.set(app.id, vars);
        return config(app.id);
      }),
      unset: proc.input(input<{ app: string; keys: string[] }>()).mutation(({ input }) => {
        writable();
        const app = find(input.app);
        for (const key of input.keys) state.vars.get(app.id)?.delete(key);
        return config(app.id);
      }),
    }),
    tokens: t.router({
      list: proc.query(() => state.tokens),
      create: proc.input(input<{ name: string; expiresInDays?: number | null }>()).mutation(({ input }) => {
        const token = {
          id: `tok-${state.tokens.length + 1}`,
          name: input.name,
          prefix: "spt_abcd",
          createdAt: new Date(),
          lastUsedAt: null,
          expiresAt: null,
        };
        state.tokens.unshift(token);
        return { ...token, token: `spt_abcd-secret-${token.id}` };
      }),
      revoke: proc.input(input<{ id: string }>()).mutation(({ input }) => {
        state.tokens = state.tokens.filter((t) => t.id !== input.id);
        return { id: input.id };
      }),
    }),
    audit: t.router({
      forApp: proc.input(input<{ app: string }>()).query(() => []),
    }),
  });

  const fetch: typeof globalThis.fetch = async (url, init) => {
    const request = new Request(new URL(String(url), "http://skypanel.test"), init);
    return fetchRequestHandler({
      endpoint: "/api/trpc",
      req: request,
      router,
      createContext: () => ({ csrf: request.headers.get("x-csrf-token") }),
    });
  };

  return { state, fetch };
}
