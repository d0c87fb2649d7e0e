// Log retention per app: how many days and how many bytes of lines an app keeps, set by its
// users, with the platform's defaults for apps that set nothing.
import type { Database } from "@skypanel/db";
import { deleteLogRetention, findLogRetention, upsertLogRetention, withActor } from "@skypanel/db/queries";
import type { Actor } from "../actor.ts";
import type { Apps } from "../apps/index.ts";
import { ValidationError } from "../errors.ts";

export interface LogRetentionLimits {
  days: number;
  maxBytes: number;
}

export const DEFAULT_LOG_RETENTION: LogRetentionLimits = { days: 7, maxBytes: 100 * 1024 * 1024 };
/** The bounds the table's CHECK constraints hold too (migration 0016). */
export const LOG_RETENTION_BOUNDS = { days: { min: 1, max: 365 }, maxBytes: { min: 1024 * 1024, max: 100 * 1024 ** 3 } } as const;

function check(limits: LogRetentionLimits): LogRetentionLimits {
  const { days, maxBytes } = LOG_RETENTION_BOUNDS;
  if (!Number.isInteger(limits.days) || limits.days < days.min || limits.days > days.max) {
    throw new ValidationError(`Log retention days is a whole number from ${days.min} to ${days.max}.`);
  }
  if (!Number.isSafeInteger(limits.maxBytes) || limits.maxBytes < maxBytes.min || limits.maxBytes > maxBytes.max) {
    throw new ValidationError("Log retention bytes is a whole number from 1 MiB (1048576) to 100 GiB (107374182400).");
  }
  return limits;
}

export function createLogRetention(db: Database, apps: Apps, defaults: LogRetentionLimits = DEFAULT_LOG_RETENTION) {
  const view = (row: LogRetentionLimits | null) => ({
    days: row?.days ?? defaults.days,
    maxBytes: row?.maxBytes ?? defaults.maxBytes,
    /** false: the app keeps the platform's defaults. */
    custom: row !== null,
    defaults,
  });
  return {
    defaults,

    async get(actor: Actor, idOrName: string) {
      const { app } = await apps.resolve(actor, idOrName, "read", "reading the log retention");
      return view(await findLogRetention(db, app.id));
    },

    /** Sets either limit or both; the other keeps its current value. */
    async set(actor: Actor, idOrName: string, changes: Partial<LogRetentionLimits>) {
      const { app } = await apps.resolve(actor, idOrName, "write", "changing the log retention");
      const current = view(await findLogRetention(db, app.id));
      const limits = check({ days: changes.days ?? current.days, maxBytes: changes.maxBytes ?? current.maxBytes });
      const row = await withActor(db, actor, (tx) => upsertLogRetention(tx, { appId: app.id, ...limits }));
      return view(row);
    },

    /** Back to the platform's defaults. */
    async reset(actor: Actor, idOrName: string) {
      const { app } = await apps.resolve(actor, idOrName, "write", "changing the log retention");
      await withActor(db, actor, (tx) => deleteLogRetention(tx, app.id));
      return view(null);
    },
  };
}

export type LogRetention = ReturnType<typeof createLogRetention>;
