// REST for an app's managed add-ons: list, create (`{"type":"postgresql","plan"?,"as"?}`), read,
// attach to another app (`{"app","as"?}`), detach (drop its config var, keep the data), destroy
// (`confirm` = the app's name, body or query), and PostgreSQL backups: list, take (→ `{id}`),
// read, restore (`{"confirm"}` into the same add-on, or `{"into":"new","as"?}`) and the daily hour.
import type { Context as HonoContext } from "hono";
import { Hono } from "hono";
import { readJsonObject } from "./respond.ts";
import { type ContextFor, routeWith } from "./route.ts";

export function addonRoutes(contextFor: ContextFor) {
  const api = new Hono();
  const route = routeWith(contextFor);
  const ref = (c: HonoContext) => ({ app: c.req.param("app") ?? "", addonId: c.req.param("addonId") ?? "" });
  const backupRef = (c: HonoContext) => ({ ...ref(c), backupId: c.req.param("backupId") ?? "" });

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
    "/:addonId/attachments",
    route(201, async (caller, c) => {
      const body = await readJsonObject(c, { emptyIs: {} });
      return caller.addons.attach({ ...ref(c), target: body.app as never, as: body.as as never });
    }),
  );
  api.post(
    "/:addonId/detach",
    route(200, async (caller, c) => {
      const body = await readJsonObject(c, { emptyIs: {} });
      return caller.addons.detach({ ...ref(c), attachmentId: body.attachmentId as never });
    }),
  );
  api.get(
    "/:addonId/backups",
    route(200, async (caller, c) => ({ backups: await caller.addons.backups(ref(c)) })),
  );
  api.post(
    "/:addonId/backups",
    route(202, (caller, c) => caller.addons.createBackup(ref(c))),
  );
  api.put(
    "/:addonId/backups/schedule",
    route(200, async (caller, c) => caller.addons.setBackupSchedule({ ...ref(c), hour: (await readJsonObject(c)).hour as never })),
  );
  api.get(
    "/:addonId/backups/:backupId",
    route(200, (caller, c) => caller.addons.backup(backupRef(c))),
  );
  api.post(
    "/:addonId/backups/:backupId/restore",
    route(202, async (caller, c) => {
      const body = await readJsonObject(c, { emptyIs: {} });
      return caller.addons.restore({ ...backupRef(c), into: body.into as never, as: body.as as never, confirm: body.confirm as never });
    }),
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
