import { and, asc, count, desc, eq, ilike, inArray, or, type SQL, sql } from "drizzle-orm";
import type { Database } from "../client.ts";
import { type AppStatus, applications, deployments, domains, envVars, instances, memberships, releases, teams } from "../schema/index.ts";

export const APP_SORT_FIELDS = ["name", "createdAt", "updatedAt"] as const;
export type AppSortField = (typeof APP_SORT_FIELDS)[number];

export interface AppListParams {
  userId: string;
  teamId?: string | undefined;
  search?: string | undefined;
  status?: AppStatus | undefined;
  sort: AppSortField;
  order: "asc" | "desc";
  limit: number;
  offset: number;
}

const appColumns = {
  id: applications.id,
  name: applications.name,
  description: applications.description,
  stack: applications.stack,
  rootDirectory: applications.rootDirectory,
  status: applications.status,
  teamId: applications.teamId,
  teamName: teams.name,
  currentReleaseId: applications.currentReleaseId,
  createdAt: applications.createdAt,
  updatedAt: applications.updatedAt,
};

export type AppRow = {
  [K in keyof typeof appColumns]: (typeof appColumns)[K]["_"]["notNull"] extends true
    ? (typeof appColumns)[K]["_"]["data"]
    : (typeof appColumns)[K]["_"]["data"] | null;
};

/** Apps in the teams `userId` belongs to: this is the visibility rule, kept in one place. */
function visibleTo(userId: string): SQL {
  return inArray(applications.teamId, sql`(select ${memberships.teamId} from ${memberships} where ${memberships.userId} = ${userId})`);
}

function escapeLike(text: string) {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export async function listApps(db: Database, p: AppListParams): Promise<{ items: AppRow[]; total: number }> {
  const filters: SQL[] = [visibleTo(p.userId)];
  if (p.teamId) filters.push(eq(applications.teamId, p.teamId));
  if (p.status) filters.push(eq(applications.status, p.status));
  if (p.search) {
    const pattern = `%${escapeLike(p.search)}%`;
    filters.push(or(ilike(applications.name, pattern), ilike(applications.description, pattern)) as SQL);
  }
  const where = and(...filters);
  const column = { name: applications.name, createdAt: applications.createdAt, updatedAt: applications.updatedAt }[p.sort];
  const direction = p.order === "asc" ? asc : desc;
  const [items, [totalRow]] = await Promise.all([
    db
      .select(appColumns)
      .from(applications)
      .innerJoin(teams, eq(teams.id, applications.teamId))
      .where(where)
      // The name breaks ties so pages never overlap.
      .orderBy(direction(column), asc(applications.name))
      .limit(p.limit)
      .offset(p.offset),
    db.select({ n: count() }).from(applications).where(where),
  ]);
  return { items, total: totalRow?.n ?? 0 };
}

/** An app by id or name, only if `userId` can see it. */
export async function findVisibleApp(db: Database, userId: string, idOrName: string): Promise<AppRow | null> {
  const key = isUuid(idOrName) ? eq(applications.id, idOrName) : eq(applications.name, idOrName);
  const [row] = await db
    .select(appColumns)
    .from(applications)
    .innerJoin(teams, eq(teams.id, applications.teamId))
    .where(and(key, visibleTo(userId)));
  return row ?? null;
}

export async function appNameTaken(db: Database, name: string): Promise<boolean> {
  const [row] = await db.select({ id: applications.id }).from(applications).where(eq(applications.name, name));
  return Boolean(row);
}

export async function insertApp(db: Database, values: { teamId: string; name: string; description?: string; createdBy: string }) {
  const [row] = await db.insert(applications).values(values).returning({ id: applications.id });
  if (!row) throw new Error("insert into applications returned nothing");
  return row.id;
}

export async function updateApp(
  db: Database,
  id: string,
  values: { name?: string; description?: string; teamId?: string; rootDirectory?: string | null },
) {
  await db
    .update(applications)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(applications.id, id));
}

export async function deleteApp(db: Database, id: string) {
  await db.delete(applications).where(eq(applications.id, id));
}

/** What the app page shows beside the app itself. */
export async function appRelations(db: Database, appId: string) {
  const [recentReleases, recentDeployments, appInstances, appDomains, [vars]] = await Promise.all([
    db.select().from(releases).where(eq(releases.appId, appId)).orderBy(desc(releases.version)).limit(5),
    db.select().from(deployments).where(eq(deployments.appId, appId)).orderBy(desc(deployments.createdAt)).limit(5),
    db.select().from(instances).where(eq(instances.appId, appId)).orderBy(asc(instances.processType), asc(instances.createdAt)),
    db.select().from(domains).where(eq(domains.appId, appId)).orderBy(asc(domains.hostname)),
    db.select({ n: count() }).from(envVars).where(eq(envVars.appId, appId)),
  ]);
  return {
    releases: recentReleases,
    deployments: recentDeployments,
    instances: appInstances,
    domains: appDomains,
    configVarCount: vars?.n ?? 0,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function isUuid(text: string) {
  return UUID.test(text);
}

/** The app by id, whoever may see it: for callers that already checked access another way. */
/** The apps with these names, for parts of the platform that know apps by name (the router's hosts). */
export async function findAppsByNames(db: Database, names: string[]) {
  if (names.length === 0) return [];
  return db
    .select({ id: applications.id, teamId: applications.teamId, name: applications.name })
    .from(applications)
    .where(inArray(applications.name, names));
}

export async function findAppById(db: Database, id: string) {
  const [row] = await db.select().from(applications).where(eq(applications.id, id));
  return row ?? null;
}
