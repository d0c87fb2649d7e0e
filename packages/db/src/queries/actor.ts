import { sql } from "drizzle-orm";
import type { Database } from "../client.ts";

export interface AuditActor {
  userId: string | null;
  ip?: string | null;
}

/**
 * Runs `fn` in a transaction whose row changes the audit triggers attribute to `actor`.
 * Every engine write goes through here so the audit trail always names who did it.
 */
export function withActor<T>(db: Database, actor: AuditActor, fn: (tx: Database) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(
      sql`select set_config('skypanel.actor_id', ${actor.userId ?? ""}, true), set_config('skypanel.request_ip', ${actor.ip ?? ""}, true)`,
    );
    return fn(tx as unknown as Database);
  });
}
