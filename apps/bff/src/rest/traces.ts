// REST for step waterfalls: the kept OpenTelemetry spans of a build or a deployment.
import { buildTraceInput, deploymentTraceInput, traceSchema } from "../schemas/traces.ts";
import { operation } from "./operation.ts";

export const traceOperations = [
  operation({
    id: "getBuildTrace",
    method: "get",
    path: "/api/apps/{app}/builds/{id}/trace",
    tag: "builds",
    summary: "Read a build's trace",
    description:
      "The build's spans (one per stage, below the build's own), as the dashboard draws its waterfall. The latest run only: a build run again after a restart starts a new trace. Kept for SKYPANEL_TRACE_RETENTION_DAYS.",
    params: buildTraceInput,
    status: 200,
    response: traceSchema,
    answers: "The spans in start order; none for a build older than tracing or past retention.",
    handle: ({ caller, params }) => caller.traces.build(params),
  }),
  operation({
    id: "getDeploymentTrace",
    method: "get",
    path: "/api/apps/{app}/deployments/{id}/trace",
    tag: "deployments",
    summary: "Read a deployment's trace",
    description: "The deployment's spans: one per step, with instance starts, health waits and drains below the steps that did them.",
    params: deploymentTraceInput,
    status: 200,
    response: traceSchema,
    answers: "The spans in start order; none for a deployment older than tracing or past retention.",
    handle: ({ caller, params }) => caller.traces.deployment(params),
  }),
];
