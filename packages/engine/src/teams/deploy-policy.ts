// A team's deploy policy: whether deploys of builds with critical vulnerability findings are
// refused (overridable per deploy with an audited reason; deploy/vulnerability-policy.ts applies it).
// Changing it is audited by the teams table's trigger, with the actor.
import { findTeamById, isUuid, setTeamBlocksCriticalDeploys, withActor } from "@skypanel/db/queries";
import type { Actor } from "../actor.ts";
import type { EngineDeps } from "../deps.ts";
import { TeamNotFoundError } from "../errors.ts";
import { requireTeamRole } from "./access.ts";

export interface DeployPolicy {
  teamId: string;
  blockCriticalDeploys: boolean;
}

export function createDeployPolicy({ db }: EngineDeps) {
  return {
    /** Any member may read it: it explains why a deploy was refused. */
    async deployPolicy(actor: Actor, teamId: string): Promise<DeployPolicy> {
      if (!isUuid(teamId)) throw new TeamNotFoundError(teamId);
      await requireTeamRole(db, actor, teamId, "read", "viewing the deploy policy");
      const team = await findTeamById(db, teamId);
      if (!team) throw new TeamNotFoundError(teamId);
      return { teamId, blockCriticalDeploys: team.blockCriticalDeploys };
    },

    /** Owners and admins turn the block on or off. */
    async setDeployPolicy(actor: Actor, input: DeployPolicy): Promise<DeployPolicy> {
      if (!isUuid(input.teamId)) throw new TeamNotFoundError(input.teamId);
      await requireTeamRole(db, actor, input.teamId, "manage", "changing the deploy policy");
      await withActor(db, actor, (tx) => setTeamBlocksCriticalDeploys(tx, input.teamId, input.blockCriticalDeploys));
      return { teamId: input.teamId, blockCriticalDeploys: input.blockCriticalDeploys };
    },
  };
}
