import { and, asc, eq, sql } from "drizzle-orm";
import type { Database } from "../client.ts";
import { domains } from "../schema/index.ts";

export async function listDomains(db: Database, appId: string) {
  return db.select().from(domains).where(eq(domains.appId, appId)).orderBy(asc(domains.hostname));
}

/** Which app holds a hostname, whatever its case (the unique index is on lower(hostname)). */
export async function findDomainOwner(db: Database, hostname: string): Promise<string | null> {
  const [row] = await db.select({ appId: domains.appId }).from(domains).where(sql`lower(${domains.hostname}) = lower(${hostname})`);
  return row?.appId ?? null;
}

export async function insertDomain(db: Database, values: { appId: string; hostname: string; dnsTarget: string }) {
  const [row] = await db.insert(domains).values(values).returning();
  if (!row) throw new Error("insert into domains returned nothing");
  return row;
}

export async function deleteDomain(db: Database, appId: string, hostname: string) {
  const rows = await db
    .delete(domains)
    .where(and(eq(domains.appId, appId), sql`lower(${domains.hostname}) = lower(${hostname})`))
    .returning({ id: domains.id });
  return rows.length > 0;
}

/** After a rename the app's platform hostname changes, and with it what each CNAME should point at. */
export async function updateDomainTargets(db: Database, appId: string, dnsTarget: string) {
  await db.update(domains).set({ dnsTarget }).where(eq(domains.appId, appId));
}

/** Every app's custom hostnames, for the router: app id → hostnames, and whether each one's DNS leads here. */
export async function domainHostnamesByApp(db: Database): Promise<Map<string, { hostname: string; dnsOk: boolean; hsts: boolean }[]>> {
  const rows = await db
    .select({ appId: domains.appId, hostname: domains.hostname, dnsStatus: domains.dnsStatus, hsts: domains.hsts })
    .from(domains)
    .orderBy(asc(domains.hostname));
  const byApp = new Map<string, { hostname: string; dnsOk: boolean; hsts: boolean }[]>();
  for (const r of rows)
    byApp.set(r.appId, [...(byApp.get(r.appId) ?? []), { hostname: r.hostname, dnsOk: r.dnsStatus === "ok", hsts: r.hsts }]);
  return byApp;
}

export async function findDomain(db: Database, appId: string, hostname: string) {
  const [row] = await db
    .select()
    .from(domains)
    .where(and(eq(domains.appId, appId), sql`lower(${domains.hostname}) = lower(${hostname})`));
  return row ?? null;
}

/** Every app's domains, for the periodic DNS and certificate checks. */
export async function listAllDomains(db: Database) {
  return db.select().from(domains).orderBy(asc(domains.hostname));
}

/** What a DNS or certificate check found. */
export async function updateDomainStatus(
  db: Database,
  id: string,
  values: Partial<Pick<typeof domains.$inferInsert, "dnsStatus" | "tlsStatus" | "certExpiresAt" | "error" | "hsts">>,
) {
  const [row] = await db.update(domains).set(values).where(eq(domains.id, id)).returning();
  return row ?? null;
}
