import type { SqlRunner } from "@skypanel/db";
import type { AppLogEntry, EventBus } from "../events/bus.ts";
import { httpStatusOf } from "./http-status.ts";
import { guessLevel } from "./level.ts";
import { parseLogQuery } from "./query-language.ts";
import { SEARCH_VECTOR, searchConditions } from "./search-sql.ts";

export interface NewLogLine {
  appId: string;
  instanceId?: string | null;
  processType?: string | null;
  source?: "app" | "platform";
  stream?: AppLogEntry["stream"];
  level?: AppLogEntry["level"];
  line: string;
  loggedAt?: Date;
}

export interface LogQuery {
  /** The newest `tail` lines (default 100, at most 10,000). */
  tail?: number;
  /** Only lines after this id (for resuming a stream). */
  afterId?: number;
  levels?: AppLogEntry["level"][];
  processType?: string;
  instanceId?: string;
  /** Full-text search (PostgreSQL `simple` configuration: words, not stems). */
  search?: string;
  /** A search in the log search language (query-language.ts): words, "phrases", -exclusions, level:, status:… */
  q?: string;
  /** Only these lines (a follower re-checking live lines against `q`). */
  ids?: number[];
  since?: Date;
  until?: Date;
}

const MAX_LINE = 8000;
const FLUSH_MS = 100;
const FLUSH_LINES = 500;

const dayName = (d: Date) => d.toISOString().slice(0, 10).replaceAll("-", "");
const dayStart = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));

/**
 * The app log store: a table partitioned by day. Lines are written in batches (an app printing
 * a burst costs one insert per 100 ms), announced on the bus with their ids, and dropped a
 * whole day at a time for retention.
 */
export function createLogStore(sql: SqlRunner, bus: EventBus) {
  let pending: NewLogLine[] = [];
  let timer: NodeJS.Timeout | null = null;
  let flushing: Promise<void> = Promise.resolve();

  async function insert(batch: NewLogLine[]) {
    const values: unknown[] = [];
    const rows = batch.map((l, i) => {
      const line = l.line.replace(/\r?\n$/, "").slice(0, MAX_LINE);
      const stream = l.stream ?? "stdout";
      values.push(
        l.appId,
        l.instanceId ?? null,
        l.processType ?? null,
        l.source ?? "app",
        stream,
        l.level ?? guessLevel(line, stream),
        line,
        (l.loggedAt ?? new Date()).toISOString(),
        httpStatusOf(line),
      );
      const b = i * 9;
      return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7}, $${b + 8}, $${b + 9})`;
    });
    const inserted = await sql.query<{
      id: string;
      app_id: string;
      instance_id: string | null;
      process_type: string | null;
      source: string;
      stream: AppLogEntry["stream"];
      level: AppLogEntry["level"];
      line: string;
      logged_at: Date | string;
    }>(
      `INSERT INTO app_logs (app_id, instance_id, process_type, source, stream, level, line, logged_at, status)
       VALUES ${rows.join(", ")} RETURNING id, app_id, instance_id, process_type, source, stream, level, line, logged_at`,
      values,
    );
    for (const r of inserted) {
      bus.publish({ type: "app.log", appId: r.app_id, entry: toEntry(r) });
    }
  }

  function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = null;
    const batch = pending;
    pending = [];
    if (batch.length === 0) return flushing;
    flushing = flushing.then(() => insert(batch)).catch((err) => console.error("[logs] could not store lines:", err));
    return flushing;
  }

  return {
    /** Queues lines for the next batch; `flush()` writes them now. */
    append(lines: NewLogLine | NewLogLine[]) {
      pending.push(...(Array.isArray(lines) ? lines : [lines]));
      if (pending.length >= FLUSH_LINES) void flush();
      else timer ??= setTimeout(() => void flush(), FLUSH_MS);
    },
    flush,

    async query(appId: string, q: LogQuery = {}): Promise<AppLogEntry[]> {
      const where = ["app_id = $1"];
      const params: unknown[] = [appId];
      const add = (clause: (n: number) => string, value: unknown) => {
        params.push(value);
        where.push(clause(params.length));
      };
      if (q.afterId !== undefined) add((n) => `id > $${n}`, q.afterId);
      if (q.levels?.length) add((n) => `level = ANY($${n}::text[])`, q.levels);
      if (q.processType) add((n) => `process_type = $${n}`, q.processType);
      if (q.instanceId) add((n) => `instance_id = $${n}::uuid`, q.instanceId);
      if (q.search?.trim())
        add((n) => `${SEARCH_VECTOR} @@ plainto_tsquery('simple', translate($${n}, '/.@:<>', '      '))`, q.search.trim().slice(0, 200));
      if (q.ids) add((n) => `id = ANY($${n}::bigint[])`, q.ids);
      if (q.q?.trim()) {
        const param = (value: unknown) => {
          params.push(value);
          return `$${params.length}`;
        };
        where.push(...(await searchConditions(sql, parseLogQuery(q.q), param, new Date())));
      }
      if (q.since) add((n) => `logged_at >= $${n}::timestamptz`, q.since.toISOString());
      if (q.until) add((n) => `logged_at < $${n}::timestamptz`, q.until.toISOString());
      const tail = Math.min(Math.max(q.tail ?? 100, 1), 10_000);
      const rows = await sql.query<Parameters<typeof toEntry>[0]>(
        `SELECT * FROM (
           SELECT id, instance_id, process_type, source, stream, level, line, logged_at FROM app_logs
           WHERE ${where.join(" AND ")} ORDER BY id DESC LIMIT ${tail}
         ) newest ORDER BY id`,
        params,
      );
      return rows.map(toEntry);
    },

    /** Creates the daily partitions from today to `daysAhead` days on. */
    async ensurePartitions(now = new Date(), daysAhead = 2) {
      for (let i = 0; i <= daysAhead; i++) {
        const from = dayStart(new Date(now.getTime() + i * 86_400_000));
        const to = new Date(from.getTime() + 86_400_000);
        await sql
          .exec(
            `CREATE TABLE IF NOT EXISTS app_logs_${dayName(from)} PARTITION OF app_logs
             FOR VALUES FROM ('${from.toISOString()}') TO ('${to.toISOString()}')`,
          )
          .catch((err: Error) => {
            // Rows for that day already sit in the default partition: they stay there, still readable.
            console.warn(`[logs] no partition for ${dayName(from)}: ${err.message}`);
          });
      }
    },

    /** Drops whole days older than `days`, and old rows that fell into the default partition. */
    async dropOlderThan(days: number, now = new Date()) {
      const cutoff = dayStart(new Date(now.getTime() - days * 86_400_000));
      const parts = await sql.query<{ name: string }>(
        `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'app_logs' AND c.relname ~ '^app_logs_[0-9]{8}$'`,
      );
      const dropped: string[] = [];
      for (const { name } of parts) {
        const day = name.slice("app_logs_".length);
        const start = new Date(`${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}T00:00:00Z`);
        if (start < cutoff) {
          await sql.exec(`DROP TABLE ${name}`);
          dropped.push(name);
        }
      }
      await sql.query("DELETE FROM app_logs_default WHERE logged_at < $1::timestamptz", [cutoff.toISOString()]);
      return dropped;
    },

    /** For app deletion: its lines go with it. */
    async deleteApp(appId: string) {
      await sql.query("DELETE FROM app_logs WHERE app_id = $1", [appId]);
    },
  };
}

function toEntry(r: {
  id: string | number;
  instance_id: string | null;
  process_type: string | null;
  source: string;
  stream: AppLogEntry["stream"];
  level: AppLogEntry["level"];
  line: string;
  logged_at: Date | string;
}): AppLogEntry {
  return {
    id: Number(r.id),
    instanceId: r.instance_id,
    processType: r.process_type,
    source: r.source,
    stream: r.stream,
    level: r.level,
    line: r.line,
    loggedAt: new Date(r.logged_at),
  };
}

export type LogStore = ReturnType<typeof createLogStore>;
