// REST for vulnerability scanning: a build's findings, and the team policy that blocks deploys of
// builds with critical ones (a deploy overrides it with `overrideReason`, POST …/deployments).
import { z } from "zod";
import { buildRef } from "../schemas/builds.ts";
import { teamDeployPolicySchema, vulnerabilityReportSchema } from "../schemas/vulnerabilities.ts";
import { operation } from "./operation.ts";

const teamParams = z.object({ teamId: z.string().max(64) });

export const vulnerabilityOperations = [
  operation({
    id: "getBuildVulnerabilities",
    method: "get",
    path: "/api/apps/{app}/builds/{id}/vulnerabilities",
    tag: "builds",
    summary: "Read a build's vulnerability scan",
    description:
      "Per ecosystem (npm, PyPI, Go): clean, findings, or not_checked with the reason (no lockfile, the advisory source not reachable…); then each finding, worst first.",
    params: buildRef,
    status: 200,
    response: vulnerabilityReportSchema,
    answers: "The scan and its findings.",
    handle: ({ caller, params }) => caller.builds.vulnerabilities(params),
  }),
  operation({
    id: "getTeamDeployPolicy",
    method: "get",
    path: "/api/teams/{teamId}/deploy-policy",
    tag: "teams",
    summary: "Read a team's deploy policy",
    params: teamParams,
    status: 200,
    response: teamDeployPolicySchema,
    answers: "Whether deploys of builds with critical vulnerability findings are refused without an override reason.",
    handle: ({ caller, params }) => caller.teams.deployPolicy(params),
  }),
  operation({
    id: "setTeamDeployPolicy",
    method: "put",
    path: "/api/teams/{teamId}/deploy-policy",
    tag: "teams",
    summary: "Block deploys with critical findings (owners and admins)",
    description:
      'With `{"blockCriticalDeploys": true}`, a deploy of a build with a critical finding is refused (412) unless it carries an `overrideReason`, which is written to the audit log.',
    params: teamParams,
    body: z.object({ blockCriticalDeploys: z.boolean() }),
    status: 200,
    response: teamDeployPolicySchema,
    answers: "The team's policy.",
    handle: ({ caller, params, body }) => caller.teams.setDeployPolicy({ teamId: params.teamId, ...body }),
  }),
];
