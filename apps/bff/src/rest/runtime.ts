// REST for what runs: releases, the formation (scale), deployments, instances and metrics.
import { z } from "zod";
import { appInput } from "../schemas/common.ts";
import {
  deploymentCreateInput,
  deploymentGetInput,
  deploymentRestartInput,
  deploymentRollbackInput,
  deploymentSchema,
  instanceSchema,
  startedDeploymentSchema,
} from "../schemas/deployments.ts";
import { formationChanges, processFormationSchema } from "../schemas/formation.ts";
import { metricsSeriesInput, metricsSeriesSchema } from "../schemas/metrics.ts";
import { releaseGetInput, releaseSchema } from "../schemas/releases.ts";
import { operation } from "./operation.ts";
import { deploymentView, instanceView, releaseView } from "./views.ts";

// Plain ASCII classes: the document's pattern is also what Schemathesis generates from.
const RELEASE_REF = /^(v?[0-9]{1,9}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** `{ web: 3, worker: 1 }`: quantities per process type, and each type's full formation. */
const formationSchema = z.strictObject({ formation: z.record(z.string(), z.number().int()), processes: z.array(processFormationSchema) });
const formationBody = (list: z.input<typeof processFormationSchema>[]) => ({
  formation: Object.fromEntries(list.map((f) => [f.processType, f.quantity])),
  processes: list,
});

export const runtimeOperations = [
  operation({
    id: "listReleases",
    method: "get",
    path: "/api/apps/{app}/releases",
    tag: "releases",
    summary: "List the app's releases, newest first",
    params: appInput,
    status: 200,
    response: z.strictObject({ releases: z.array(releaseSchema) }),
    answers: "The releases.",
    handle: async ({ caller, params }) => ({ releases: (await caller.releases.list(params)).map(releaseView) }),
  }),
  operation({
    id: "getRelease",
    method: "get",
    path: "/api/apps/{app}/releases/{release}",
    tag: "releases",
    summary: "Read a release",
    params: releaseGetInput.extend({
      // Stricter than the procedure, whose lookup of a version past 32 bits fails in the database.
      release: z
        .string()
        .regex(RELEASE_REF, "expected a release id or a version such as 3 or v3")
        .meta({ description: "The release's id, or its version (`3` or `v3`)." }),
    }),
    status: 200,
    response: releaseSchema,
    answers: "The release.",
    handle: async ({ caller, params }) => releaseView(await caller.releases.get(params)),
  }),

  operation({
    id: "getFormation",
    method: "get",
    path: "/api/apps/{app}/scale",
    tag: "formation",
    summary: "Read the formation",
    params: appInput,
    status: 200,
    response: formationSchema,
    answers: "How many instances of each process type run, and with what limits.",
    handle: async ({ caller, params }) => formationBody(await caller.formation.get(params)),
  }),
  operation({
    id: "scale",
    method: "put",
    path: "/api/apps/{app}/scale",
    tag: "formation",
    summary: "Scale process types",
    description: '`{"web": 3}` or `{"web": {"quantity": 3, "memoryMb": 256}}`; types not named keep their formation.',
    params: appInput,
    body: formationChanges,
    status: 200,
    response: formationSchema,
    answers: "The formation as it is now.",
    handle: async ({ caller, params, body }) => formationBody(await caller.formation.scale({ ...params, changes: body })),
  }),

  operation({
    id: "deploy",
    method: "post",
    path: "/api/apps/{app}/deployments",
    tag: "deployments",
    summary: "Deploy a build, or build a git source and deploy it",
    params: appInput,
    body: deploymentCreateInput.omit({ app: true }),
    status: 202,
    response: startedDeploymentSchema,
    answers: "The deployment, started.",
    errors: [412],
    handle: async ({ caller, params, body }) => {
      const dep = await caller.deployments.create({ ...body, ...params });
      return { id: dep.id, status: dep.status };
    },
  }),
  operation({
    id: "listDeployments",
    method: "get",
    path: "/api/apps/{app}/deployments",
    tag: "deployments",
    summary: "List the app's deployments, newest first",
    params: appInput,
    status: 200,
    response: z.strictObject({ deployments: z.array(deploymentSchema) }),
    answers: "The deployments.",
    handle: async ({ caller, params }) => ({ deployments: (await caller.deployments.list(params)).map(deploymentView) }),
  }),
  operation({
    id: "getDeployment",
    method: "get",
    path: "/api/apps/{app}/deployments/{id}",
    tag: "deployments",
    summary: "Read a deployment",
    params: deploymentGetInput,
    status: 200,
    response: deploymentSchema,
    answers: "The deployment and its steps.",
    handle: async ({ caller, params }) => deploymentView(await caller.deployments.get(params)),
  }),
  operation({
    id: "rollback",
    method: "post",
    path: "/api/apps/{app}/rollback",
    tag: "deployments",
    summary: "Roll back",
    description: "To `release` (id or version), or with no body to the release before the current one.",
    params: appInput,
    body: deploymentRollbackInput.omit({ app: true }),
    bodyOptional: true,
    status: 202,
    response: startedDeploymentSchema,
    answers: "The rollback's deployment, started.",
    errors: [412],
    handle: async ({ caller, params, body }) => {
      const dep = await caller.deployments.rollback({ ...body, ...params });
      return { id: dep.id, status: dep.status };
    },
  }),
  operation({
    id: "restart",
    method: "post",
    path: "/api/apps/{app}/restart",
    tag: "deployments",
    summary: "Restart the current release",
    description: "Fresh instances, no new release.",
    params: appInput,
    body: deploymentRestartInput.omit({ app: true }),
    bodyOptional: true,
    status: 202,
    response: startedDeploymentSchema,
    answers: "The restart's deployment, started.",
    errors: [412],
    handle: async ({ caller, params, body }) => {
      const dep = await caller.deployments.restart({ ...body, ...params });
      return { id: dep.id, status: dep.status };
    },
  }),
  operation({
    id: "listInstances",
    method: "get",
    path: "/api/apps/{app}/instances",
    tag: "deployments",
    summary: "List the app's instances",
    params: appInput,
    status: 200,
    response: z.strictObject({ instances: z.array(instanceSchema) }),
    answers: "The instances, with their health and resource use.",
    handle: async ({ caller, params }) => ({ instances: (await caller.deployments.instances(params)).map(instanceView) }),
  }),

  operation({
    id: "getMetrics",
    method: "get",
    path: "/api/apps/{app}/metrics",
    tag: "metrics",
    summary: "CPU, memory, network, instances and requests over a range",
    params: appInput,
    query: metricsSeriesInput.pick({ range: true }),
    status: 200,
    response: metricsSeriesSchema,
    answers: "The series, downsampled to about 120 points.",
    // 412: read from the platform's own Prometheus (SKYPANEL_PROMETHEUS=1) while it does not answer.
    errors: [412],
    handle: ({ caller, params, query }) => caller.metrics.series({ ...params, ...query }),
  }),
];
