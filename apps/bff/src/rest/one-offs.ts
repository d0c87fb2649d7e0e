// REST for one-off processes: start one (attached: then attach over the WebSocket at its
// `attachUrl`; detached: output to the logs), list, read, stop.
import { z } from "zod";
import { appInput } from "../schemas/common.ts";
import { oneOffInput, oneOffSchema, oneOffStartBody } from "../schemas/one-offs.ts";
import { operation } from "./operation.ts";
import { queryInt } from "./params.ts";

export const oneOffOperations = [
  operation({
    id: "startOneOff",
    method: "post",
    path: "/api/apps/{app}/one-offs",
    tag: "one-offs",
    summary: "Run a one-off process",
    description:
      "In an instance of the current release, with its config and the web process's limits. An attached one starts when a " +
      "WebSocket connects to `attachUrl` (with the same Bearer token): binary frames carry the terminal's bytes both ways, text " +
      'frames are JSON: `{"type":"resize","cols":n,"rows":n}` from the client, `{"type":"exit","code":n}` from the server before it closes.',
    params: appInput,
    body: oneOffStartBody,
    status: 201,
    response: oneOffSchema,
    answers: "The one-off: `starting` (attached, waiting for its caller) or `running` (detached).",
    errors: [412],
    handle: ({ caller, params, body }) => caller.oneOffs.start({ ...params, ...body }),
  }),
  operation({
    id: "listOneOffs",
    method: "get",
    path: "/api/apps/{app}/one-offs",
    tag: "one-offs",
    summary: "List one-off processes",
    params: appInput,
    query: z.object({ limit: queryInt(z.number().int().min(1).max(200)).optional() }),
    status: 200,
    response: z.strictObject({ oneOffs: z.array(oneOffSchema) }),
    answers: "The newest one-offs first (default 50), running and ended, with their exit codes.",
    handle: async ({ caller, params, query }) => ({ oneOffs: await caller.oneOffs.list({ ...params, limit: query.limit }) }),
  }),
  operation({
    id: "getOneOff",
    method: "get",
    path: "/api/apps/{app}/one-offs/{id}",
    tag: "one-offs",
    summary: "Read a one-off process",
    params: oneOffInput,
    status: 200,
    response: oneOffSchema,
    answers: "The one-off.",
    handle: ({ caller, params }) => caller.oneOffs.get(params),
  }),
  operation({
    id: "stopOneOff",
    method: "delete",
    path: "/api/apps/{app}/one-offs/{id}",
    tag: "one-offs",
    summary: "Stop a one-off process",
    description: "SIGTERM, then SIGKILL after 5 s; a one-off nobody attached to yet is given up.",
    params: oneOffInput,
    status: 200,
    response: oneOffSchema,
    answers: "The one-off as it ended.",
    handle: ({ caller, params }) => caller.oneOffs.stop(params),
  }),
];
