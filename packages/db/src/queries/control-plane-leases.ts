import { and, eq, sql } from "drizzle-orm";
import type { Database } from "../client.ts";
import { controlPlaneLeases } from "../schema/index.ts";

/**
 * Takes the lease `name` for `holder`, or renews it, in one statement: it succeeds only when the
 * lease is free, expired, or already the holder's (the database's clock decides expiry, so
 * control planes on different hosts need not agree on the time). Returns the lease when held.
 */
export async function acquireLease(db: Database, name: string, holder: string, ttlMs: number) {
  const expiresAt = sql`now() + ${`${Math.round(ttlMs)} milliseconds`}::interval`;
  const [row] = await db
    .insert(controlPlaneLeases)
    .values({ name, holder, expiresAt, acquiredAt: sql`now()`, renewedAt: sql`now()` })
    .onConflictDoUpdate({
      target: controlPlaneLeases.name,
      set: {
        holder,
        expiresAt,
        renewedAt: sql`now()`,
        acquiredAt: sql`CASE WHEN ${controlPlaneLeases.holder} = ${holder} THEN ${controlPlaneLeases.acquiredAt} ELSE now() END`,
      },
      setWhere: sql`${controlPlaneLeases.holder} = ${holder} OR ${controlPlaneLeases.expiresAt} < now()`,
    })
    .returning();
  return row ?? null;
}

/** Gives the lease up now (a clean stop), so another control plane need not wait for it to expire. */
export async function releaseLease(db: Database, name: string, holder: string) {
  await db
    .update(controlPlaneLeases)
    .set({ expiresAt: sql`now() - interval '1 millisecond'` })
    .where(and(eq(controlPlaneLeases.name, name), eq(controlPlaneLeases.holder, holder)));
}

/** The lease as the database has it (its holder may have died: compare expiresAt with `now`). */
export async function findLease(db: Database, name: string) {
  const [row] = await db
    .select({
      name: controlPlaneLeases.name,
      holder: controlPlaneLeases.holder,
      expiresAt: controlPlaneLeases.expiresAt,
      acquiredAt: controlPlaneLeases.acquiredAt,
      renewedAt: controlPlaneLeases.renewedAt,
      expired: sql<boolean>`${controlPlaneLeases.expiresAt} < now()`,
    })
    .from(controlPlaneLeases)
    .where(eq(controlPlaneLeases.name, name));
  return row ?? null;
}
