import { and, asc, eq } from "drizzle-orm";
import type { Database } from "../client.ts";
import { memberships, type TeamRole, teams, users } from "../schema/index.ts";

export async function insertTeam(db: Database, values: { name: string; personal: boolean }) {
  const [row] = await db.insert(teams).values(values).returning();
  if (!row) throw new Error("insert into teams returned nothing");
  return row;
}

export async function insertMembership(db: Database, values: { teamId: string; userId: string; role: TeamRole }) {
  await db.insert(memberships).values(values);
}

export async function updateMembershipRole(db: Database, teamId: string, userId: string, role: TeamRole) {
  const rows = await db
    .update(memberships)
    .set({ role })
    .where(and(eq(memberships.teamId, teamId), eq(memberships.userId, userId)))
    .returning();
  return rows.length > 0;
}

export async function deleteMembership(db: Database, teamId: string, userId: string) {
  const rows = await db
    .delete(memberships)
    .where(and(eq(memberships.teamId, teamId), eq(memberships.userId, userId)))
    .returning();
  return rows.length > 0;
}

/** The role `userId` holds in `teamId`, or null when not a member. */
export async function findRole(db: Database, teamId: string, userId: string): Promise<TeamRole | null> {
  const [row] = await db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.teamId, teamId), eq(memberships.userId, userId)));
  return row?.role ?? null;
}

export async function listTeamsOfUser(db: Database, userId: string) {
  return db
    .select({
      id: teams.id,
      name: teams.name,
      personal: teams.personal,
      mfaRequired: teams.mfaRequired,
      role: memberships.role,
      createdAt: teams.createdAt,
    })
    .from(memberships)
    .innerJoin(teams, eq(teams.id, memberships.teamId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(teams.personal), asc(teams.name));
}

export async function findTeamById(db: Database, id: string) {
  const [row] = await db.select().from(teams).where(eq(teams.id, id));
  return row ?? null;
}

export async function listMembers(db: Database, teamId: string) {
  return db
    .select({ userId: users.id, email: users.email, name: users.name, role: memberships.role, since: memberships.createdAt })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.teamId, teamId))
    .orderBy(asc(users.email));
}

export async function countOwners(db: Database, teamId: string) {
  const rows = await db
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.teamId, teamId), eq(memberships.role, "owner")));
  return rows.length;
}

export async function setTeamMfaRequired(db: Database, teamId: string, mfaRequired: boolean) {
  await db.update(teams).set({ mfaRequired, updatedAt: new Date() }).where(eq(teams.id, teamId));
}
