import type { Database, TeamRole } from "@skypanel/db";
import { findRole } from "@skypanel/db/queries";
import type { Actor } from "../actor.ts";
import { ForbiddenError, TeamNotFoundError } from "../errors.ts";

// Higher ranks can do everything lower ranks can.
const RANK: Record<TeamRole, number> = { viewer: 0, member: 1, admin: 2, owner: 3 };

/** What each role may do, in the words the error messages use. */
export const PERMISSION = {
  read: "viewer",
  write: "member",
  manage: "admin",
  own: "owner",
} as const satisfies Record<string, TeamRole>;
export type Permission = keyof typeof PERMISSION;

export function roleAllows(role: TeamRole, permission: Permission): boolean {
  return RANK[role] >= RANK[PERMISSION[permission]];
}

export function assertRoleAllows(role: TeamRole, permission: Permission, what: string) {
  if (!roleAllows(role, permission)) {
    throw new ForbiddenError(`Your role in this team is ${role}; ${what} needs ${PERMISSION[permission]} or above.`);
  }
}

/**
 * The actor's role in a team. A team the actor is not in is reported as not found, so its
 * existence is not revealed.
 */
export async function requireTeamRole(db: Database, actor: Actor, teamId: string, permission: Permission, what: string) {
  const role = await findRole(db, teamId, actor.userId);
  if (!role) throw new TeamNotFoundError(teamId);
  assertRoleAllows(role, permission, what);
  return role;
}
