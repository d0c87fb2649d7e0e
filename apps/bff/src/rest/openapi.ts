// The OpenAPI 3.1 document of the REST face, generated from the operations' own zod schemas
// (@asteasolutions/zod-to-openapi, the generator behind @hono/zod-openapi): no hand-kept copy.
import { OpenAPIRegistry, OpenApiGeneratorV31, type ResponseConfig, type RouteConfig } from "@asteasolutions/zod-to-openapi";
import { CSRF_HEADER, SESSION_COOKIE } from "../http.ts";
import { type ErrorStatus, errorStatuses, type Operation } from "./operation.ts";
import { errorSchema } from "./respond.ts";

export const TAGS: { name: string; description: string }[] = [
  { name: "auth", description: "Logging in and out." },
  { name: "users", description: "Who may log in." },
  { name: "tokens", description: "API tokens for scripts, the CLI and CI." },
  { name: "sessions", description: "Where you are logged in; ending sessions." },
  { name: "teams", description: "Teams own apps; members have a role in each." },
  { name: "apps", description: "Apps, addressed by id or name." },
  { name: "config", description: "Config vars, set on the app's processes as environment variables." },
  { name: "builds", description: "Builds from git or an uploaded archive." },
  { name: "releases", description: "A build plus a config snapshot, numbered v1, v2, …" },
  { name: "deployments", description: "Rolling a release out, and the instances that run it." },
  { name: "formation", description: "How many instances of each process type run." },
  { name: "metrics", description: "Resource use and requests over time." },
  {
    name: "autoscale",
    description: "Autoscaling policies and schedules per process type, the autoscaler's decisions, custom metric values.",
  },
  { name: "logs", description: "What the app's processes write." },
  { name: "one-offs", description: "Commands run once in an instance of the current release." },
  { name: "schedules", description: "Scheduled jobs: commands run as one-offs on a cron schedule in a time zone, and their runs." },
  { name: "pipelines", description: "Apps grouped by stage (development, staging, production), and promotion of a build between them." },
  {
    name: "review-apps",
    description: "An app per branch or pull request of a pipeline, and the GitHub-compatible webhook that makes them.",
  },
  { name: "domains", description: "Custom domains and their certificates." },
  { name: "alerts", description: "Alert rules on an app, its history, and the team's notification channels." },
  { name: "addons", description: "Managed PostgreSQL and Redis, and PostgreSQL backups." },
  { name: "admin", description: "Platform upkeep, for platform admins." },
  { name: "meta", description: "This document and its reference page." },
];

const ERRORS: Record<ErrorStatus, string> = {
  400: "The request is not valid: the message says what (`Invalid input: <field>: <problem>` for the schema's checks).",
  401: "No valid session or API token (or, logging in, a wrong email or password).",
  403: `Not allowed: your role does not permit it, or a change made with the session cookie lacks the ${CSRF_HEADER} header.`,
  404: "No such thing is visible to you (another team's app is not found, never forbidden).",
  409: "It clashes with what exists (a name taken, a state that does not allow it).",
  412: "Something it needs is not there (a release to roll back to, a runtime, an add-on server).",
  413: "The body is too large (1 MiB for JSON; archives have the platform's upload limit).",
  429: "Too many attempts; Retry-After says when to try again.",
};

function errorResponse(status: ErrorStatus): ResponseConfig {
  return {
    description: ERRORS[status],
    content: { "application/json": { schema: errorSchema } },
    ...(status === 429 ? { headers: { "Retry-After": { description: "Seconds to wait.", schema: { type: "integer" } } } } : {}),
  };
}

function route(op: Operation): RouteConfig {
  const content = {
    ...(op.response ? { "application/json": { schema: op.response } } : {}),
    ...Object.fromEntries(Object.entries(op.alsoAnswers ?? {}).map(([type, schema]) => [type, { schema }])),
  };
  const requestContent = op.body ? { "application/json": op.body } : op.requestContent;
  return {
    operationId: op.id,
    method: op.method,
    path: op.path,
    tags: [op.tag],
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    security: op.auth === "none" ? [] : [{ bearerToken: [] }, { sessionCookie: [] }],
    request: {
      ...(op.params ? { params: op.params } : {}),
      ...(op.query ? { query: op.query } : {}),
      ...(op.headers ? { headers: op.headers } : {}),
      ...(requestContent
        ? {
            body: {
              required: !op.bodyOptional,
              content: Object.fromEntries(Object.entries(requestContent).map(([type, schema]) => [type, { schema }])),
            },
          }
        : {}),
    },
    responses: {
      [op.status]: { description: op.answers, content },
      ...Object.fromEntries(errorStatuses(op).map((s) => [s, errorResponse(s)])),
    },
  };
}

export function openApiDocument(operations: Operation[]) {
  const registry = new OpenAPIRegistry();
  registry.registerComponent("securitySchemes", "bearerToken", {
    type: "http",
    scheme: "bearer",
    description: "An API token (POST /api/tokens) or the session token POST /api/auth/login answers: `Authorization: Bearer <token>`.",
  });
  registry.registerComponent("securitySchemes", "sessionCookie", {
    type: "apiKey",
    in: "cookie",
    name: SESSION_COOKIE,
    description: `The dashboard's session cookie; changes made with it also need the ${CSRF_HEADER} header (the csrfToken of GET /api/auth/session).`,
  });
  for (const op of operations) registry.registerPath(route(op));
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: {
      title: "SkyPanel API",
      version: "1",
      description:
        'The REST face of SkyPanel, for scripts, the CLI and CI. Every operation calls the same procedure the dashboard uses, so rules and errors are the same. Errors are `{"error": {"code", "message", "details"?}}`; times are ISO 8601 strings.',
    },
    tags: TAGS,
  });
}
