import { TEAM_ROLES, type TeamRole } from "@skypanel/db";
import {
  countOwners,
  deleteMembership,
  findRole,
  findTeamById,
  findUserByEmail,
  insertMembership,
  insertTeam,
  isUuid,
  listMembers,
  listTeamsOfUser,
  setTeamMfaRequired,
  updateMembershipRole,
  withActor,
} from "@skypanel/db/queries";
import type { Actor } from "../actor.ts";
import type { EngineDeps } from "../deps.ts";
import { EngineError, TeamNotFoundError, UserNotFoundError, ValidationError } from "../errors.ts";
import { requireTeamRole } from "./access.ts";
import { createDeployPolicy } from "./deploy-policy.ts";

export { assertRoleAllows, type Permission, requireTeamRole, roleAllows } from "./access.ts";

function checkTeamId(id: string) {
  if (!isUuid(id)) throw new TeamNotFoundError(id);
}

function checkRole(role: string): TeamRole {
  if (!(TEAM_ROLES as readonly string[]).includes(role)) {
    throw new ValidationError(`A role is one of ${TEAM_ROLES.join(", ")}.`);
  }
  return role as TeamRole;
}

export function createTeams(deps: EngineDeps) {
  const { db } = deps;

  /** Refuses a change that would leave a team with no owner, or let a non-owner change an owner. */
  async function keepAnOwner(tx: typeof db, actor: Actor, teamId: string, userId: string, newRole: TeamRole | null) {
    const current = isUuid(userId) ? await findRole(tx, teamId, userId) : null;
    if (current !== "owner" || newRole === "owner") return;
    if (userId !== actor.userId) await requireTeamRole(tx, actor, teamId, "own", "changing an owner");
    if ((await countOwners(tx, teamId)) <= 1) {
      throw new EngineError("PRECONDITION_FAILED", "A team needs at least one owner; make someone else owner first.");
    }
  }

  return {
    ...createDeployPolicy(deps),
    list: (actor: Actor) => listTeamsOfUser(db, actor.userId),

    async create(actor: Actor, input: { name: string }) {
      const name = input.name.trim();
      if (!name || name.length > 100) throw new ValidationError("A team name is 1 to 100 characters.");
      return withActor(db, actor, async (tx) => {
        const team = await insertTeam(tx, { name, personal: false });
        await insertMembership(tx, { teamId: team.id, userId: actor.userId, role: "owner" });
        return {
          id: team.id,
          name: team.name,
          personal: team.personal,
          mfaRequired: team.mfaRequired,
          role: "owner" as TeamRole,
          createdAt: team.createdAt,
        };
      });
    },

    async members(actor: Actor, teamId: string) {
      checkTeamId(teamId);
      await requireTeamRole(db, actor, teamId, "read", "listing members");
      return listMembers(db, teamId);
    },

    async addMember(actor: Actor, input: { teamId: string; email: string; role: string }) {
      checkTeamId(input.teamId);
      const role = checkRole(input.role);
      await requireTeamRole(db, actor, input.teamId, role === "owner" ? "own" : "manage", "adding members");
      const team = await findTeamById(db, input.teamId);
      if (team?.personal) throw new EngineError("PRECONDITION_FAILED", "A personal team has only its owner; create a team to share apps.");
      const user = await findUserByEmail(db, input.email.trim());
      if (!user) throw new UserNotFoundError(`with the email "${input.email}"; a platform admin adds users first`);
      await withActor(db, actor, async (tx) => {
        if (await findRole(tx, input.teamId, user.id)) throw new EngineError("CONFLICT", `${user.email} is already in this team.`);
        await insertMembership(tx, { teamId: input.teamId, userId: user.id, role });
      });
      deps.authCache.clear();
      return { userId: user.id, email: user.email, role };
    },

    async setRole(actor: Actor, input: { teamId: string; userId: string; role: string }) {
      checkTeamId(input.teamId);
      const role = checkRole(input.role);
      await requireTeamRole(db, actor, input.teamId, role === "owner" ? "own" : "manage", "changing roles");
      await withActor(db, actor, async (tx) => {
        await keepAnOwner(tx, actor, input.teamId, input.userId, role);
        if (!isUuid(input.userId) || !(await updateMembershipRole(tx, input.teamId, input.userId, role))) {
          throw new UserNotFoundError(`with id "${input.userId}" in this team`);
        }
      });
      // Membership decides which team's MFA rule applies to a remembered token.
      deps.authCache.clear();
    },

    /** Owners and admins may require every member to sign in with a second factor (members without one are sent to enrol). */
    async setMfaRequired(actor: Actor, input: { teamId: string; required: boolean }) {
      checkTeamId(input.teamId);
      await requireTeamRole(db, actor, input.teamId, "manage", "requiring multi-factor sign-in");
      await withActor(db, actor, (tx) => setTeamMfaRequired(tx, input.teamId, input.required));
      deps.authCache.clear();
      return { teamId: input.teamId, mfaRequired: input.required };
    },

    async removeMember(actor: Actor, input: { teamId: string; userId: string }) {
      checkTeamId(input.teamId);
      // Anyone may leave; removing someone else needs admin.
      if (input.userId !== actor.userId) await requireTeamRole(db, actor, input.teamId, "manage", "removing members");
      else await requireTeamRole(db, actor, input.teamId, "read", "leaving");
      await withActor(db, actor, async (tx) => {
        await keepAnOwner(tx, actor, input.teamId, input.userId, null);
        if (!isUuid(input.userId) || !(await deleteMembership(tx, input.teamId, input.userId))) {
          throw new UserNotFoundError(`with id "${input.userId}" in this team`);
        }
      });
      // Membership decides which team's MFA rule applies to a remembered token.
      deps.authCache.clear();
    },
  };
}

export type Teams = ReturnType<typeof createTeams>;
