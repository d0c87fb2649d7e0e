// Where a request's time goes: the platform under `node --cpu-prof` on PostgreSQL, 1,000 apps,
// autocannon against one URL for a few seconds, then the profile's summary (bench/cpu-profile.ts).
// A tool for finding the next bottleneck, not a benchmark row: `npx tsx bench/api-profile.ts [path]`.
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TEST_PG_ADMIN_URL as PG_ADMIN } from "@skypanel/db/testing";
import autocannon from "autocannon";
import postgres from "postgres";
import { seedApps } from "./app-list.bench.ts";
import { summariseProfile } from "./cpu-profile.ts";
import { startLoadPlatform } from "./load-platform.ts";

const path = process.argv[2] ?? "/api/apps";
const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const name = `skypanel_prof_${Date.now()}`;
const admin = postgres(PG_ADMIN, { max: 1, onnotice: () => {} });
await admin.unsafe(`CREATE DATABASE ${name}`);
const profDir = mkdtempSync(join(tmpdir(), "skypanel-prof-"));
try {
  const url = new URL(PG_ADMIN);
  url.pathname = `/${name}`;
  const platform = await startLoadPlatform({
    env: { DATABASE_URL: url.toString() },
    nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${profDir}`],
  });
  let window: { fromUs: number; toUs: number } | undefined;
  try {
    await seedApps(platform.url, platform.token);
    const headers = { authorization: `Bearer ${platform.token}` };
    for (const target of [`${platform.url}/healthz`, `${platform.url}${path}`]) {
      await autocannon({ url: target, headers, connections: 10, duration: 2 });
      const from = process.hrtime.bigint() / 1000n;
      const r = await autocannon({ url: target, headers, connections: 10, duration: seconds });
      const to = process.hrtime.bigint() / 1000n;
      console.log(
        `${target}: ${Math.round(r.requests.average)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, non-2xx ${r.non2xx}`,
      );
      window = { fromUs: Number(from), toUs: Number(to) };
    }
  } finally {
    await platform.stop();
  }
  const file = readdirSync(profDir).find((f) => f.endsWith(".cpuprofile"));
  if (file) console.log(JSON.stringify(summariseProfile(join(profDir, file), window, 25), null, 1));
} finally {
  await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}
