// REST for an app's maintenance mode.
import { appInput } from "../schemas/common.ts";
import { maintenanceBody, maintenanceSchema } from "../schemas/maintenance.ts";
import { operation } from "./operation.ts";

const maintenancePath = "/api/apps/{app}/maintenance";

export const maintenanceOperations = [
  operation({
    id: "getMaintenance",
    method: "get",
    path: maintenancePath,
    tag: "apps",
    summary: "The app's maintenance mode",
    params: appInput,
    status: 200,
    response: maintenanceSchema,
    answers: "Whether the app is in maintenance, the page visitors get and the Retry-After seconds.",
    handle: ({ caller, params }) => caller.maintenance.get(params),
  }),
  operation({
    id: "setMaintenance",
    method: "put",
    path: maintenancePath,
    tag: "apps",
    summary: "Turn the app's maintenance mode on or off",
    description:
      "Any of the fields; the others keep their values. While enabled, the router answers every request to the app's hostnames (its platform hostname and custom domains) with 503, Retry-After and the page; instances keep running untouched, and one-off processes and scheduled jobs still run. Nothing is deployed or restarted; the answer comes once the router serves the change.",
    params: appInput,
    body: maintenanceBody,
    status: 200,
    response: maintenanceSchema,
    answers: "The maintenance mode as saved.",
    handle: ({ caller, params, body }) => caller.maintenance.set({ ...params, ...body }),
  }),
];
