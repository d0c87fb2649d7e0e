// PGlite runs PostgreSQL in this process without its background workers, so nothing ever runs
// autovacuum's ANALYZE: the planner never learns how many rows a table has, and with 1,000 apps
// the apps list sorted the whole table (6.5 ms a query) where statistics let it walk the name
// index (1.6 ms). This does what autovacuum would: every pass, tables never analyzed, or changed
// by more than autovacuum's default share since their last ANALYZE (by size: see DUE), are
// analyzed. PostgreSQL servers have autovacuum and do not need it.
import type { PGlite } from "@electric-sql/pglite";

/** autovacuum_analyze_scale_factor's default, applied to the table's size on disk. */
const SCALE = 0.1;

// PGlite does not publish the change counters autovacuum reads (pg_stat_user_tables stays at
// zero: nothing flushes them), so a table's size on disk stands in for them: due when never
// analyzed (reltuples is -1 until then) or when it has grown or shrunk by more than a tenth, and
// at least a page, since its last ANALYZE recorded relpages. The statistics themselves are kept
// in the catalog across restarts.
const DUE = `
  select c.relname as name
  from pg_class c
  join pg_namespace n on n.oid = c.relnamespace
  where c.relkind = 'r' and n.nspname = 'public'
    and (c.reltuples < 0
      or abs(pg_relation_size(c.oid) / current_setting('block_size')::int - c.relpages) > greatest(1, ${SCALE} * c.relpages))`;

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Analyzes the tables that are due; returns their names. */
export async function analyzeDueTables(client: Pick<PGlite, "query" | "exec">): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(DUE);
  for (const { name } of rows) await client.exec(`analyze ${quoteIdent(name)}`);
  return rows.map((r) => r.name);
}

export interface AutoAnalyze {
  /** Stops the passes, waiting for one under way. */
  stop(): Promise<void>;
}

/** A pass soon after opening, then every `intervalMs`; a failed pass is tried again at the next. */
export function startAutoAnalyze(client: Pick<PGlite, "query" | "exec">, intervalMs = 15_000): AutoAnalyze {
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const pass = () => {
    if (stopped) return;
    running = analyzeDueTables(client).catch(() => {});
  };
  const first = setTimeout(pass, Math.min(intervalMs, 2000));
  const timer = setInterval(pass, intervalMs);
  first.unref();
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearTimeout(first);
      clearInterval(timer);
      await running;
    },
  };
}
