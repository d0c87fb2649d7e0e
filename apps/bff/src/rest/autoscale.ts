// REST for autoscaling: an app's policies and schedules (`/api/apps/{app}/autoscale`), the
// autoscaler's decisions (`…/events`), and custom metric values pushed for it (`…/metrics`).
import { z } from "zod";
import {
  autoscaleBody,
  autoscaleEventSchema,
  autoscaleEventsInput,
  autoscaleMetricAccepted,
  autoscaleMetricInput,
  autoscaleSettingsSchema,
} from "../schemas/autoscale.ts";
import { appInput } from "../schemas/common.ts";
import { operation } from "./operation.ts";
import { queryInt } from "./params.ts";

const path = "/api/apps/{app}/autoscale";

export const autoscaleOperations = [
  operation({
    id: "getAutoscale",
    method: "get",
    path,
    tag: "autoscale",
    summary: "The app's autoscaling policies and schedules",
    params: appInput,
    status: 200,
    response: autoscaleSettingsSchema,
    answers: "One policy per process type (defaults, saved: false, where none is saved), the schedules, and the bounds values must keep.",
    handle: ({ caller, params }) => caller.autoscale.get(params),
  }),
  operation({
    id: "putAutoscale",
    method: "put",
    path,
    tag: "autoscale",
    summary: "Replace the app's autoscaling policies and schedules",
    description:
      "Policies not in the body are removed (an empty list turns autoscaling off). desired = ceil(current × metric / target), nothing inside ±10 %; up at once (at most double or +4 per 15 s), down after the stabilization window; schedules override min/max inside their windows.",
    params: appInput,
    body: autoscaleBody,
    status: 200,
    response: autoscaleSettingsSchema,
    answers: "The policies and schedules as saved.",
    handle: ({ caller, params, body }) => caller.autoscale.put({ ...params, ...body }),
  }),
  operation({
    id: "listAutoscaleEvents",
    method: "get",
    path: `${path}/events`,
    tag: "autoscale",
    summary: "The autoscaler's decisions",
    params: appInput,
    query: z.object({
      limit: queryInt(autoscaleEventsInput.shape.limit.unwrap()).optional(),
      before: queryInt(z.number().int().min(1)).optional(),
    }),
    status: 200,
    response: z.strictObject({ events: z.array(autoscaleEventSchema) }),
    answers: "Scale-ups, scale-downs and notices (at its maximum, metric stale or missing), newest first, each with its reason.",
    handle: async ({ caller, params, query }) => ({ events: await caller.autoscale.events({ ...params, ...query }) }),
  }),
  operation({
    id: "pushAutoscaleMetric",
    method: "post",
    path: `${path}/metrics`,
    tag: "autoscale",
    summary: "Push a custom metric's value",
    description:
      "For a policy on the custom metric: the latest value counts while fresh (120 s by default); stale, the autoscaler waits and says so.",
    params: appInput,
    body: autoscaleMetricInput,
    status: 202,
    response: autoscaleMetricAccepted,
    answers: "Taken; used from the autoscaler's next pass.",
    handle: ({ caller, params, body }) => caller.autoscale.pushMetric({ ...params, ...body }),
  }),
];
