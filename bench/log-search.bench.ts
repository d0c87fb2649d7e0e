// Log search over 1,000,000 stored lines (issue 16): the engine's own store.query with the search
// language (parse, the lexeme check, the SQL with the GIN index), p50/p95 of each kind of
// search, beside a raw-operation floor in the same run: the newest 100 lines of the app by a
// plain `SELECT … ORDER BY id DESC LIMIT 100`. The lines are made inside the database
// (INSERT … SELECT generate_series), 900,000 for the searched app and 100,000 for four others,
// spread over three days of partitions, in the mix a web app writes (access lines mostly).
// Not part of the test suite: `npm run bench -- log-search`.
import { createTestDatabase, type Driver } from "@skypanel/db/testing";
import { memoryEventBus } from "../packages/engine/src/events/bus.ts";
import { createLogStore } from "../packages/engine/src/logs/store.ts";

const LINES = Number(process.env.BENCH_LOG_SEARCH_LINES ?? 1_000_000);
const RUNS = Number(process.env.BENCH_LOG_SEARCH_RUNS ?? 40);
const APP = "0b0b0b0b-0000-4000-8000-000000000001";
const OTHERS = [2, 3, 4, 5].map((n) => `0b0b0b0b-0000-4000-8000-00000000000${n}`);

export interface LogSearchRow {
  benchmark: string;
  database: string;
  p50Ms: number;
  p95Ms: number;
  runs: number;
  /** Lines the search returned (at most 100). */
  lines: number;
  note?: string;
}

/** What one generated line says, by its number: about the mix of a busy web app's log. */
const LINE_SQL = `CASE
  WHEN g % 100 = 0 THEN 'Error: connect ECONNREFUSED 10.0.0.' || (g % 255) || ':5432'
  WHEN g % 100 = 1 THEN 'Error: payment declined for order ' || g
  WHEN g % 100 = 2 THEN 'connection refused by db.internal, retrying in ' || (g % 10) || 's'
  WHEN g % 100 < 6 THEN 'job ' || g || ' timeout after ' || (g % 60) || 's'
  WHEN g % 100 < 26 THEN 'cache hit key=user:' || (g % 5000)
  WHEN g % 100 < 36 THEN 'healthcheck ok'
  ELSE 'at=info method=GET path=/api/items/' || (g % 1000) || ' host=shop.example.com status=' ||
       CASE WHEN g % 97 = 0 THEN 503 WHEN g % 13 = 0 THEN 404 ELSE 200 END || ' duration=' || (g % 300) || 'ms'
END`;
const LEVEL_SQL = "CASE WHEN g % 100 < 2 THEN 'error' WHEN g % 100 < 6 THEN 'warn' ELSE 'info' END";
const STATUS_SQL = "CASE WHEN g % 100 < 36 THEN NULL WHEN g % 97 = 0 THEN 503 WHEN g % 13 = 0 THEN 404 ELSE 200 END";

const SEARCHES: [string, string][] = [
  ["word, 1 % of lines", "ECONNREFUSED"],
  ["word, 64 % of lines", "GET"],
  ["two words", "timeout job"],
  ["phrase", '"connection refused"'],
  ["word with an exclusion", "error -ECONNREFUSED"],
  ["phrase with an excluded phrase", '"api/items" -"status=200"'],
  ["level filter", "level:error"],
  ["status range", "status:500..599"],
  ["word, level and since", "timeout level:warn since:1d"],
  ["word found nowhere", "zyzzyva"],
];

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;

async function timed(run: () => Promise<number>): Promise<{ p50: number; p95: number; lines: number }> {
  for (let i = 0; i < 3; i++) await run();
  const times: number[] = [];
  let lines = 0;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    lines = await run();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95), lines };
}

async function benchOn(driver: Driver): Promise<LogSearchRow[]> {
  const database = driver === "postgres" ? "PostgreSQL 15" : "PGlite (embedded)";
  const t = await createTestDatabase(driver);
  try {
    const store = createLogStore(t.sql, memoryEventBus());
    const now = new Date();
    await store.ensurePartitions(new Date(now.getTime() - 3 * 86_400_000), 4);
    const load0 = performance.now();
    const spanMs = 3 * 86_400_000;
    const insert = async (appId: string, from: number, count: number) =>
      t.sql.query(
        `INSERT INTO app_logs (app_id, process_type, stream, level, line, logged_at, status)
         SELECT $1::uuid, CASE WHEN g % 100 BETWEEN 3 AND 5 THEN 'worker' ELSE 'web' END, 'stdout', ${LEVEL_SQL}, ${LINE_SQL},
                $2::timestamptz + (g * ($3::float8 / $4::float8)) * interval '1 millisecond', ${STATUS_SQL}
         FROM generate_series($5::int, $6::int) AS g`,
        [appId, new Date(now.getTime() - spanMs).toISOString(), spanMs, LINES, from, from + count - 1],
      );
    // Interleaved in slices, so each app's lines spread over every day like real traffic.
    const main = Math.round(LINES * 0.9);
    const slice = 50_000;
    const slices = Math.ceil(main / slice);
    for (let i = 0, from = 1; from <= main; i++, from += slice) {
      await insert(APP, from, Math.min(slice, main - from + 1));
      const others = Math.floor((LINES - main) / slices) + (i < (LINES - main) % slices ? 1 : 0);
      await insert(OTHERS[i % OTHERS.length] as string, from, others);
    }
    await t.sql.exec("ANALYZE app_logs");
    const [{ n } = { n: 0 }] = await t.sql.query<{ n: number }>("SELECT count(*)::int AS n FROM app_logs");
    const loadSeconds = (performance.now() - load0) / 1000;
    console.log(`[log-search] ${database}: ${n} lines loaded and analysed in ${loadSeconds.toFixed(1)} s`);

    const rows: LogSearchRow[] = [];
    const row = (benchmark: string, r: { p50: number; p95: number; lines: number }, note?: string) =>
      rows.push({ benchmark, database, p50Ms: r.p50, p95Ms: r.p95, runs: RUNS, lines: r.lines, note });
    row(
      "floor: SELECT … WHERE app_id = $1 ORDER BY id DESC LIMIT 100",
      await timed(
        async () =>
          (
            await t.sql.query(
              "SELECT id, instance_id, process_type, source, stream, level, line, logged_at FROM app_logs WHERE app_id = $1 ORDER BY id DESC LIMIT 100",
              [APP],
            )
          ).length,
      ),
      `${n.toLocaleString("en")} lines, loaded in ${loadSeconds.toFixed(0)} s`,
    );
    row("store.query, newest 100, no search", await timed(async () => (await store.query(APP, { tail: 100 })).length));
    const all: number[] = [];
    for (const [name, q] of SEARCHES) {
      const r = await timed(async () => (await store.query(APP, { q, tail: 100 })).length);
      all.push(r.p95);
      row(`${name}: \`${q}\``, r);
    }
    console.log(`[log-search] ${database}: worst p95 of the searches ${Math.max(...all).toFixed(1)} ms`);
    return rows;
  } finally {
    await t.drop();
  }
}

export async function logSearchBenchmark(): Promise<LogSearchRow[]> {
  const drivers = (process.env.BENCH_LOG_SEARCH_DRIVERS ?? "postgres,pglite").split(",") as Driver[];
  const rows: LogSearchRow[] = [];
  for (const driver of drivers) rows.push(...(await benchOn(driver)));
  return rows;
}
