import { and, desc, eq, lt, type SQL } from "drizzle-orm";
import type { Database } from "../client.ts";
import { auditLog } from "../schema/index.ts";

/** Events that are not row changes (logins, failed logins, the router's trouble); row changes come from triggers. */
export async function insertAuditEvent(
  db: Database,
  values: {
    actorId: string | null;
    /** Set for an event that belongs in an app's activity. */
    appId?: string | null;
    teamId?: string | null;
    action: string;
    targetType: string;
    targetId?: string | null;
    details?: Record<string, unknown>;
    ip?: string | null;
  },
) {
  await db.insert(auditLog).values({ ...values, details: values.details ?? {} });
}

export async function listAuditEntries(db: Database, p: { appId?: string; teamId?: string; before?: number; limit: number }) {
  const filters: SQL[] = [];
  if (p.appId) filters.push(eq(auditLog.appId, p.appId));
  if (p.teamId) filters.push(eq(auditLog.teamId, p.teamId));
  if (p.before) filters.push(lt(auditLog.id, p.before));
  return db
    .select()
    .from(auditLog)
    .where(and(...filters))
    .orderBy(desc(auditLog.id))
    .limit(p.limit);
}
