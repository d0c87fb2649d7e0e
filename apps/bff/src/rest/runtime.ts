// REST for what runs: releases, the formation (scale) and logs (SSE when following).
import type { Context as HonoContext } from "hono";
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { intParam, readJsonObject, sendError } from "./respond.ts";
import { type ContextFor, callerFor, routeWith } from "./route.ts";

const LEVELS = new Set(["debug", "info", "warn", "error"]);

export function runtimeRoutes(contextFor: ContextFor) {
  const api = new Hono();
  const route = routeWith(contextFor);
  const app = (c: HonoContext) => c.req.param("app") ?? "";

  api.get(
    "/releases",
    route(200, async (caller, c) => ({ releases: await caller.releases.list({ app: app(c) }) })),
  );
  api.get(
    "/releases/:release",
    route(200, (caller, c) => caller.releases.get({ app: app(c), release: c.req.param("release") ?? "" })),
  );

  /** `{ web: 3, worker: 1 }`: quantities per process type. */
  const formationBody = (list: { processType: string; quantity: number }[]) =>
    Object.fromEntries(list.map((f) => [f.processType, f.quantity]));
  api.get(
    "/scale",
    route(200, async (caller, c) => {
      const list = await caller.formation.get({ app: app(c) });
      return { formation: formationBody(list), processes: list };
    }),
  );
  api.put(
    "/scale",
    route(200, async (caller, c) => {
      const list = await caller.formation.scale({ app: app(c), changes: (await readJsonObject(c)) as never });
      return { formation: formationBody(list), processes: list };
    }),
  );

  api.post(
    "/deployments",
    route(202, async (caller, c) => {
      const body = await readJsonObject(c);
      const dep = await caller.deployments.create({ ...(body as object), app: app(c) } as never);
      return { id: dep.id, status: dep.status };
    }),
  );
  api.get(
    "/deployments",
    route(200, async (caller, c) => ({ deployments: await caller.deployments.list({ app: app(c) }) })),
  );
  api.get(
    "/deployments/:id",
    route(200, (caller, c) => caller.deployments.get({ app: app(c), id: c.req.param("id") ?? "" })),
  );
  api.post(
    "/rollback",
    route(202, async (caller, c) => {
      // No body: roll back to the release before the current one.
      const body = await readJsonObject(c, { emptyIs: {} });
      const dep = await caller.deployments.rollback({ ...body, app: app(c) } as never);
      return { id: dep.id, status: dep.status };
    }),
  );
  api.post(
    "/restart",
    route(202, async (caller, c) => {
      const body = await readJsonObject(c, { emptyIs: {} });
      const dep = await caller.deployments.restart({ ...body, app: app(c) } as never);
      return { id: dep.id, status: dep.status };
    }),
  );
  api.get(
    "/instances",
    route(200, async (caller, c) => ({ instances: await caller.deployments.instances({ app: app(c) }) })),
  );

  api.get(
    "/metrics",
    route(200, (caller, c) => caller.metrics.series({ app: app(c), range: (c.req.query("range") ?? "1h") as never })),
  );

  api.get("/logs", async (c) => {
    try {
      const caller = await callerFor(contextFor, c);
      const levels = c.req
        .query("level")
        ?.split(",")
        .filter((l) => LEVELS.has(l)) as ("debug" | "info" | "warn" | "error")[] | undefined;
      const query = {
        app: app(c),
        tail: intParam(c, "tail"),
        levels: levels?.length ? levels : undefined,
        processType: c.req.query("process") || undefined,
        search: c.req.query("search") || undefined,
      };
      if (c.req.query("follow") !== "1") return c.json({ lines: await caller.logs.query(query) });
      const lastEventId = c.req.header("last-event-id") ?? null;
      const iterable = await caller.logs.follow({ ...query, lastEventId });
      return streamSSE(c, async (stream) => {
        // tRPC sends batches; the REST stream keeps one event per line, its id the line's.
        for await (const [, batch] of iterable as AsyncIterable<[string, { id: number }[]]>) {
          for (const entry of batch) await stream.writeSSE({ id: String(entry.id), data: JSON.stringify(entry) });
        }
      });
    } catch (err) {
      return sendError(c, err);
    }
  });

  return api;
}
