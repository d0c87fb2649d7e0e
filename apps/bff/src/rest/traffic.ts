// REST for an app's traffic protection at the router.
import { appInput } from "../schemas/common.ts";
import { trafficBody, trafficSchema } from "../schemas/traffic.ts";
import { operation } from "./operation.ts";

const trafficPath = "/api/apps/{app}/traffic";

export const trafficOperations = [
  operation({
    id: "getTraffic",
    method: "get",
    path: trafficPath,
    tag: "apps",
    summary: "The app's traffic protection at the router",
    params: appInput,
    status: 200,
    response: trafficSchema,
    answers:
      "Limits per client address, the body size cap and the WAF mode (null limits: none), and which settings the running router cannot apply.",
    handle: ({ caller, params }) => caller.traffic.get(params),
  }),
  operation({
    id: "setTraffic",
    method: "put",
    path: trafficPath,
    tag: "apps",
    summary: "Set the app's traffic protection",
    description:
      "Any of the fields; the others keep their values, and null clears a limit. The router applies the change within seconds. Debian's Caddy applies only maxBodyBytes; rate and in-flight limits and the WAF need SkyPanel's custom router build (SKYPANEL_CADDY).",
    params: appInput,
    body: trafficBody,
    status: 200,
    response: trafficSchema,
    answers: "The policy as saved.",
    handle: ({ caller, params, body }) => caller.traffic.set({ ...params, ...body }),
  }),
];
