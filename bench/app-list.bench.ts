// API latency of listing apps when the account has 1,000 of them, on PGlite and PostgreSQL.
// /healthz (one `select 1`) in the same run is the floor: HTTP plus one database round trip.
import { fork } from "node:child_process";
import { join } from "node:path";
import { TEST_PG_ADMIN_URL as PG_ADMIN } from "@skypanel/db/testing";
import { freePort } from "@skypanel/engine/router-testing";
import postgres from "postgres";
import { login, markdownTable, measure, ROOT, type Row, startPlatform } from "./harness.ts";

const APPS = 1000;
const LOAD = { connections: 10, seconds: Number(process.env.BENCH_SECONDS ?? 10) };

/** Creates `count` apps named app-0000, app-0001 … through the REST API, 20 at a time. */
export async function seedApps(url: string, token: string, count = APPS) {
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  for (let i = 0; i < count; i += 20) {
    await Promise.all(
      Array.from({ length: Math.min(20, count - i) }, (_, j) =>
        fetch(`${url}/api/apps`, { method: "POST", headers, body: JSON.stringify({ name: `app-${String(i + j).padStart(4, "0")}` }) }).then(
          (r) => {
            if (r.status !== 201) throw new Error(`seeding failed: ${r.status}`);
          },
        ),
      ),
    );
  }
}

/**
 * The raw operation in the same run: node:http + postgres.js, the same statement and JSON for the
 * same user (bench/app-list-raw-server.mjs), as its own process like the platform.
 */
async function rawPeer(databaseUrl: string, database: string): Promise<Row> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  const [user] = await sql<{ id: string }[]>`select id from users where email = 'bench@example.com'`;
  await sql.end();
  if (!user) throw new Error("the bench user is not in the database");
  const port = await freePort();
  const child = fork(join(ROOT, "bench/app-list-raw-server.mjs"), [String(port), user.id], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  try {
    await new Promise((resolve, reject) => {
      child.once("message", resolve);
      child.once("exit", (code) => reject(new Error(`the raw peer exited with ${code}`)));
    });
    return await measure(
      "raw peer: node:http + postgres.js, the same statement and JSON, no auth",
      database,
      `http://127.0.0.1:${port}/`,
      {},
      LOAD,
    );
  } finally {
    child.kill("SIGTERM");
    if (child.exitCode === null) await new Promise((r) => child.once("exit", r));
  }
}

async function run(database: string, port: number, env: Record<string, string>): Promise<Row[]> {
  const platform = await startPlatform(port, env);
  try {
    const token = await login(platform.url);
    await seedApps(platform.url, token);
    // As a database holding 1,000 apps for a while would be: analyzed. PostgreSQL's autovacuum
    // gets there within its minute; PGlite's own pass (packages/db/src/pglite-analyze.ts) within 15 s.
    if (env.DATABASE_URL) {
      const sql = postgres(env.DATABASE_URL, { max: 1, onnotice: () => {} });
      await sql`analyze`;
      await sql.end();
    } else await new Promise((r) => setTimeout(r, 16_000));
    const auth = { authorization: `Bearer ${token}` };
    const rows: Row[] = [];
    rows.push(await measure("GET /healthz (floor)", database, `${platform.url}/healthz`, {}, LOAD));
    rows.push(await measure("GET /api/apps (page 1 of 1,000, 20 per page)", database, `${platform.url}/api/apps`, auth, LOAD));
    rows.push(await measure("GET /api/apps?perPage=100&page=5", database, `${platform.url}/api/apps?perPage=100&page=5`, auth, LOAD));
    rows.push(
      await measure(
        "GET /api/apps?search=app-09&sort=updatedAt",
        database,
        `${platform.url}/api/apps?search=app-09&sort=updatedAt`,
        auth,
        LOAD,
      ),
    );
    if (env.DATABASE_URL) rows.push(await rawPeer(env.DATABASE_URL, database));
    return rows;
  } finally {
    await platform.stop();
  }
}

export async function appListBenchmark(): Promise<Row[]> {
  // `BENCH_APP_LIST_ONLY=postgres` (or `pglite`) measures one database.
  const only = process.env.BENCH_APP_LIST_ONLY;
  const rows = only === "postgres" ? [] : await run("PGlite (embedded)", 3391, {});
  if (only === "pglite") return rows;
  const name = `skypanel_bench_${Date.now()}`;
  const admin = postgres(PG_ADMIN, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  try {
    const url = new URL(PG_ADMIN);
    url.pathname = `/${name}`;
    rows.push(...(await run("PostgreSQL 15", 3392, { DATABASE_URL: url.toString() })));
  } finally {
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(markdownTable(await appListBenchmark()));
}
