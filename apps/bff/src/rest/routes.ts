// The REST face for scripts, the CLI and CI: each route calls the same tRPC procedure the
// dashboard uses, so rules and errors are identical. Shapes here are a public contract.
// Bodies are passed on `as never`: the procedure validates them with its zod schema.
import { Hono } from "hono";
import { addonRoutes } from "./addons.ts";
import { buildRoutes } from "./builds.ts";
import { domainRoutes } from "./domains.ts";
import { errorBody, intParam, readJsonObject } from "./respond.ts";
import { type ContextFor, routeWith } from "./route.ts";
import { runtimeRoutes } from "./runtime.ts";

export function restRoutes(contextFor: ContextFor) {
  const api = new Hono();
  const route = routeWith(contextFor);

  // Secrets not revealed (and every value, for viewers) are null; `secrets` names the secret ones.
  const configBody = (config: {
    vars: { key: string; value: string | null; isSecret: boolean }[];
    release?: { id: string; version: number };
    deploymentId?: string;
  }) => ({
    vars: Object.fromEntries(config.vars.map((v) => [v.key, v.value])),
    secrets: config.vars.filter((v) => v.isSecret).map((v) => v.key),
    ...(config.release ? { release: config.release } : {}),
    ...(config.deploymentId ? { deploymentId: config.deploymentId } : {}),
  });

  api.post(
    "/auth/login",
    route(200, async (caller, c) => {
      const { user, token } = await caller.auth.login((await readJsonObject(c)) as never);
      return { token, user };
    }),
  );
  api.post(
    "/auth/logout",
    route(200, (caller) => caller.auth.logout()),
  );
  api.get(
    "/auth/session",
    route(200, (caller) => caller.auth.session()),
  );

  api.get(
    "/users",
    route(200, async (caller) => ({ users: await caller.users.list() })),
  );
  api.post(
    "/users",
    route(201, async (caller, c) => caller.users.create((await readJsonObject(c)) as never)),
  );

  api.get(
    "/tokens",
    route(200, async (caller) => ({ tokens: await caller.tokens.list() })),
  );
  api.post(
    "/tokens",
    route(201, async (caller, c) => caller.tokens.create((await readJsonObject(c)) as never)),
  );
  api.delete(
    "/tokens/:id",
    route(200, (caller, c) => caller.tokens.revoke({ id: c.req.param("id") ?? "" })),
  );

  api.get(
    "/teams",
    route(200, async (caller) => ({ teams: await caller.teams.list() })),
  );
  api.post(
    "/teams",
    route(201, async (caller, c) => caller.teams.create((await readJsonObject(c)) as never)),
  );

  api.get(
    "/apps",
    route(200, async (caller, c) => {
      const q = (name: string) => c.req.query(name) || undefined;
      const { items, ...page } = await caller.apps.list({
        page: intParam(c, "page"),
        perPage: intParam(c, "perPage"),
        search: q("search"),
        sort: q("sort") as never,
        order: q("order") as never,
        teamId: q("teamId"),
        status: q("status") as never,
      });
      return { apps: items, ...page };
    }),
  );
  api.post(
    "/apps",
    route(201, async (caller, c) => caller.apps.create((await readJsonObject(c)) as never)),
  );
  api.get(
    "/apps/:app",
    route(200, (caller, c) => caller.apps.get({ app: c.req.param("app") ?? "" })),
  );
  api.patch(
    "/apps/:app",
    route(200, async (caller, c) => caller.apps.update({ ...(await readJsonObject(c)), app: c.req.param("app") ?? "" } as never)),
  );
  api.delete(
    "/apps/:app",
    route(200, (caller, c) => caller.apps.delete({ app: c.req.param("app") ?? "" })),
  );

  api.get(
    "/apps/:app/config",
    route(200, async (caller, c) =>
      configBody(await caller.config.get({ app: c.req.param("app") ?? "", revealSecrets: c.req.query("reveal") === "secrets" })),
    ),
  );
  api.put(
    "/apps/:app/config",
    route(200, async (caller, c) => {
      const body = await readJsonObject(c);
      return configBody(
        await caller.config.replace({ app: c.req.param("app") ?? "", vars: body.vars as never, secrets: body.secrets as never }),
      );
    }),
  );
  api.post(
    "/apps/:app/config/vars",
    route(200, async (caller, c) => {
      const body = await readJsonObject(c);
      return configBody(await caller.config.set({ app: c.req.param("app") ?? "", vars: body.vars as never }));
    }),
  );
  api.post(
    "/apps/:app/config/secrets",
    route(200, async (caller, c) => {
      const body = await readJsonObject(c);
      return configBody(
        await caller.config.set({ app: c.req.param("app") ?? "", vars: (body.secrets ?? body.vars) as never, secret: true }),
      );
    }),
  );
  api.delete(
    "/apps/:app/config/vars/:key",
    route(200, async (caller, c) =>
      configBody(await caller.config.unset({ app: c.req.param("app") ?? "", keys: [c.req.param("key") ?? ""] })),
    ),
  );

  api.get(
    "/apps/:app/activity",
    route(200, async (caller, c) => ({
      activity: await caller.audit.forApp({ app: c.req.param("app") ?? "", before: intParam(c, "before"), limit: intParam(c, "limit") }),
    })),
  );

  api.route("/apps/:app/builds", buildRoutes(contextFor));
  api.route("/apps/:app/domains", domainRoutes(contextFor));
  api.route("/apps/:app/addons", addonRoutes(contextFor));
  api.route("/apps/:app", runtimeRoutes(contextFor));

  // Platform admin: build cache and Nix store upkeep, encryption key rotation.
  api.get(
    "/admin/build-cache",
    route(200, (caller) => caller.admin.buildCache()),
  );
  api.post(
    "/admin/build-cache/prune",
    route(200, async (caller, c) => caller.admin.pruneBuildCache((await readJsonObject(c)) as never)),
  );
  api.post(
    "/admin/nix/gc",
    route(200, async (caller, c) => caller.admin.nixGc((await readJsonObject(c)) as never)),
  );
  api.post(
    "/admin/nix/optimise",
    route(200, (caller) => caller.admin.nixOptimise()),
  );
  api.post(
    "/admin/keys/rotate",
    route(200, (caller) => caller.admin.rotateKeys()),
  );

  api.all("*", (c) => c.json(errorBody("NOT_FOUND", `No API route ${c.req.method} ${c.req.path}.`), 404));
  return api;
}
