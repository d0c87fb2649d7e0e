import { exportAuditEntries, insertAuditEvent, listAuditEntries, sweepAuditLog, verifyAuditChain } from "@skypanel/db/queries";
import type { Actor } from "../actor.ts";
import type { Apps } from "../apps/index.ts";
import type { EngineDeps } from "../deps.ts";
import { ForbiddenError, ValidationError } from "../errors.ts";
import { auditCsv } from "./csv.ts";

export { AUDIT_CSV_COLUMNS, auditCsv, csvCell } from "./csv.ts";

/** The most rows one export answers with; narrow `since`/`until` for more. */
export const AUDIT_EXPORT_MAX_ROWS = 50_000;
export const AUDIT_EXPORT_DEFAULT_ROWS = 10_000;
const DAY_MS = 86_400_000;

export interface AuditOptions {
  /** Days audit rows are kept; null keeps them forever (the default). */
  retentionDays?: number | null;
}

export interface AuditExportQuery {
  format: "json" | "csv";
  since?: Date;
  until?: Date;
  limit?: number;
}

function requireAdmin(actor: Actor) {
  if (!actor.isAdmin) throw new ForbiddenError("Only a platform admin can verify or export the audit log.");
}

export function createAudit(deps: EngineDeps, apps: Apps, options: AuditOptions = {}) {
  const retentionDays = options.retentionDays ?? null;
  return {
    retentionDays,
    /** An app's activity, newest first; `before` pages back by entry id. */
    async forApp(actor: Actor, idOrName: string, opts: { before?: number; limit?: number } = {}) {
      const { app } = await apps.resolve(actor, idOrName, "read", "viewing activity");
      return listAuditEntries(deps.db, { appId: app.id, before: opts.before, limit: Math.min(opts.limit ?? 50, 200) });
    },
    /** Recomputes the whole hash chain: `ok`, or the first row that was changed or follows a deleted one. */
    async verify(actor: Actor) {
      requireAdmin(actor);
      return verifyAuditChain(deps.db);
    },
    /** The log in chain order, as entries (JSON) or CSV text; the export itself is audited. */
    async export(actor: Actor, q: AuditExportQuery) {
      requireAdmin(actor);
      const limit = q.limit ?? AUDIT_EXPORT_DEFAULT_ROWS;
      if (!Number.isInteger(limit) || limit < 1 || limit > AUDIT_EXPORT_MAX_ROWS) {
        throw new ValidationError(`limit is a whole number from 1 to ${AUDIT_EXPORT_MAX_ROWS}.`);
      }
      if (q.since && q.until && q.since >= q.until) throw new ValidationError("since must be before until.");
      const { entries, truncated } = await exportAuditEntries(deps.db, { since: q.since, until: q.until, limit });
      await insertAuditEvent(deps.db, {
        actorId: actor.userId,
        action: "audit.export",
        targetType: "audit_log",
        details: { format: q.format, since: q.since ?? null, until: q.until ?? null, rows: entries.length, truncated },
        ip: actor.ip ?? null,
      });
      return q.format === "csv"
        ? { format: "csv" as const, csv: auditCsv(entries), rows: entries.length, truncated }
        : { format: "json" as const, entries, truncated };
    },
    /**
     * Retention, run by the engine's hourly upkeep: rows older than `retentionDays` go from the
     * start of the chain and an anchor keeps the rest verifiable. Nothing happens when kept forever.
     */
    async sweep(now = deps.now()) {
      if (retentionDays === null) return { deleted: 0 };
      return { deleted: await sweepAuditLog(deps.db, new Date(now.getTime() - retentionDays * DAY_MS)) };
    },
  };
}

export type Audit = ReturnType<typeof createAudit>;
