// API latency of listing apps when the account has 1,000 of them, on PGlite and PostgreSQL.
// /healthz (one `select 1`) in the same run is the floor: HTTP plus one database round trip.
import { TEST_PG_ADMIN_URL as PG_ADMIN } from "@skypanel/db/testing";
import postgres from "postgres";
import { login, markdownTable, measure, type Row, startPlatform } from "./harness.ts";

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

async function run(database: string, port: number, env: Record<string, string>): Promise<Row[]> {
  const platform = await startPlatform(port, env);
  try {
    const token = await login(platform.url);
    await seedApps(platform.url, token);
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
    return rows;
  } finally {
    await platform.stop();
  }
}

export async function appListBenchmark(): Promise<Row[]> {
  const rows = await run("PGlite (embedded)", 3391, {});
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
