// REST for an app's egress policy: what its instances may reach outside the platform.
import { appInput } from "../schemas/common.ts";
import { egressBody, egressSchema } from "../schemas/egress.ts";
import { operation } from "./operation.ts";

const egressPath = "/api/apps/{app}/egress";

export const egressOperations = [
  operation({
    id: "getEgress",
    method: "get",
    path: egressPath,
    tag: "apps",
    summary: "What the app's instances may reach outside the platform",
    params: appInput,
    status: 200,
    response: egressSchema,
    answers: 'The app\'s egress policy ("deny" when it never set one).',
    handle: ({ caller, params }) => caller.egress.get(params),
  }),
  operation({
    id: "setEgress",
    method: "put",
    path: egressPath,
    tag: "apps",
    summary: "Set the app's egress policy",
    description:
      "deny: nothing outside the platform. allow: anything except the platform's host and other instances. allowlist: only the listed IPv4 networks (and TCP/UDP ports). Running instances follow the change at once; one-offs already running keep the policy they started with.",
    params: appInput,
    body: egressBody,
    status: 200,
    response: egressSchema,
    answers: "The policy as saved, with how many running instances follow it.",
    handle: ({ caller, params, body }) => caller.egress.set({ ...params, ...body }),
  }),
];
