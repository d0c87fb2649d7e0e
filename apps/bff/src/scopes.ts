// What an API token's scope lets it call, declared once: the tRPC middleware (trpc.ts) checks it
// for the dashboard's API and the REST face alike (REST calls the same procedures), git.ts for
// pushes, prometheus.ts for /metrics. Sessions are unscoped: they may do whatever the user may.
import type { ApiTokenScope } from "@skypanel/db";

/**
 * - `read`: every query and subscription (lists, logs, metrics, config values), no change at all.
 * - `deploy`: `read`, plus building, deploying, releasing, rolling back, scaling, restarting and
 *   setting config: the procedures below, and `git push`.
 * - `admin`: everything the user may do (deleting apps, domains, add-ons, tokens, teams, MFA…).
 */
export const DEPLOY_SCOPE_PROCEDURES: ReadonlySet<string> = new Set([
  "builds.create",
  "builds.upload",
  "builds.cancel",
  "deployments.create",
  "deployments.rollback",
  "deployments.restart",
  "pipelines.promote",
  "formation.scale",
  "config.set",
  "config.unset",
  "config.replace",
]);

/** Changes any token may make: ending its own session is harmless. */
const ANY_SCOPE_PROCEDURES: ReadonlySet<string> = new Set(["auth.logout"]);

export type ProcedureKind = "query" | "mutation" | "subscription";

/** Why this scope may not make this call, or null when it may. */
export function scopeRefusal(scope: ApiTokenScope | null, path: string, kind: ProcedureKind): string | null {
  if (scope === null || scope === "admin" || kind !== "mutation" || ANY_SCOPE_PROCEDURES.has(path)) return null;
  if (scope === "deploy" && DEPLOY_SCOPE_PROCEDURES.has(path)) return null;
  const needed = DEPLOY_SCOPE_PROCEDURES.has(path) ? "deploy" : "admin";
  return `This API token's scope is "${scope}", which cannot call ${path}: that needs a token with the "${needed}" scope. Make one on the Account page or with \`skypanel tokens:create --scope ${needed}\`.`;
}

/** `git push` builds and deploys, so it needs `deploy`; fetching needs only `read`. */
export function gitScopeRefusal(scope: ApiTokenScope | null, pushing: boolean): string | null {
  if (!pushing || scope === null || scope !== "read") return null;
  return 'This API token\'s scope is "read": pushing code needs a token with the "deploy" scope.';
}

/** Calls a user whose team requires MFA may make before enrolling. */
const MFA_ENROLMENT_PROCEDURES: ReadonlySet<string> = new Set(["auth.logout", "mfa.status", "mfa.enrol", "mfa.confirm"]);

export function mfaEnrolmentRefusal(requiredBy: string | null, path: string): string | null {
  if (requiredBy === null || MFA_ENROLMENT_PROCEDURES.has(path)) return null;
  return `The team "${requiredBy}" requires multi-factor sign-in: enrol in MFA first (Account page, or POST /api/account/mfa/enrol then /api/account/mfa/confirm).`;
}
