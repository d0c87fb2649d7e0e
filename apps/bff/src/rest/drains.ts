// REST for an app's log drains (Heroku's drains, drains:add, drains:remove): list, add
// (`{"url": "syslog+tls://logs.example.com:6514"}`), remove by id or URL.
import { z } from "zod";
import { appInput } from "../schemas/common.ts";
import { drainAddInput, drainRemoveInput, logDrainSchema, removedLogDrainSchema } from "../schemas/drains.ts";
import { operation } from "./operation.ts";

const path = "/api/apps/{app}/drains";

export const drainOperations = [
  operation({
    id: "listLogDrains",
    method: "get",
    path,
    tag: "logs",
    summary: "List the app's log drains",
    params: appInput,
    status: 200,
    response: z.strictObject({ drains: z.array(logDrainSchema) }),
    answers: "The drains, with their URLs redacted and what was delivered, dead-lettered and dropped.",
    handle: async ({ caller, params }) => ({ drains: await caller.drains.list(params) }),
  }),
  operation({
    id: "addLogDrain",
    method: "post",
    path,
    tag: "logs",
    summary: "Add a log drain",
    description:
      "The app's log lines are also sent, as they are written, to a syslog server over TLS (syslog+tls://host:port: RFC 5424, octet-counted) or an HTTPS endpoint (https://…: NDJSON POSTs). Plain http:// and syslog without TLS are refused.",
    params: appInput,
    body: drainAddInput.omit({ app: true }),
    status: 201,
    response: logDrainSchema,
    answers: "The drain, its URL redacted.",
    errors: [409],
    handle: ({ caller, params, body }) => caller.drains.add({ ...params, ...body }),
  }),
  operation({
    id: "removeLogDrain",
    method: "delete",
    path: `${path}/{id}`,
    tag: "logs",
    summary: "Remove a log drain",
    params: drainRemoveInput,
    status: 200,
    response: removedLogDrainSchema,
    answers: "Removed: lines stop going there.",
    handle: ({ caller, params }) => caller.drains.remove(params),
  }),
];
