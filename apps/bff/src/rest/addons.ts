// REST for an app's managed add-ons: list, create (`{"type":"postgresql","plan"?,"as"?}`), read,
// detach (drop its config var, keep the data) and destroy (`confirm` = the app's name, body or query).
import type { Context as HonoContext } from "hono";
import { Hono } from "hono";
import { readJsonObject } from "./respond.ts";
import { type ContextFor, routeWith } from "./route.ts";

export function addonRoutes(contextFor: ContextFor) {
  const api = new Hono();
  const route = routeWith(contextFor);
  const ref = (c: HonoContext) => ({ app: c.req.param("app") ?? "", addonId: c.req.param("addonId") ?? "" });

  api.get(
    "/",
    route(200, async (caller, c) => ({ addons: await caller.addons.list({ app: c.req.param("app") ?? "" }) })),
  );
  api.post(
    "/",
    route(201, async (caller, c) => caller.addons.create({ ...(await readJsonObject(c)), app: c.req.param("app") ?? "" } as never)),
  );
  api.get(
    "/:addonId",
    route(200, (caller, c) => caller.addons.get(ref(c))),
  );
  api.post(
    "/:addonId/detach",
    route(200, (caller, c) => caller.addons.detach(ref(c))),
  );
  api.delete(
    "/:addonId",
    route(200, async (caller, c) => {
      const body = await readJsonObject(c, { emptyIs: {} });
      return caller.addons.destroy({ ...ref(c), confirm: (body.confirm ?? c.req.query("confirm")) as never });
    }),
  );
  return api;
}
