import type { RouterOutputs } from "../../lib/trpc.ts";

export type AppSummary = RouterOutputs["apps"]["list"]["items"][number];
export type AppDetail = RouterOutputs["apps"]["get"];
export type TeamRole = AppDetail["role"];

const RANK: Record<TeamRole, number> = { viewer: 0, member: 1, admin: 2, owner: 3 };

/** Mirrors the platform's rule: members change apps and config, admins and owners delete them. */
export const can = {
  edit: (role: TeamRole) => RANK[role] >= RANK.member,
  delete: (role: TeamRole) => RANK[role] >= RANK.admin,
};
