// Chaos case 3: the control database (PostgreSQL mode, a cluster of the test's own) stopped for
// 30 s under a platform process. While it is down every API call, REST and tRPC, and /healthz is
// answered 503 with a clear error within a bound (none a 500, none hanging); a config change is
// either applied whole (var and its release) or refused; when the server is back the same process
// serves again and its job queue runs a build, with no restart.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { archive, multipart } from "../platform-process.testing.ts";
import { type ControlPlane, cleanUp, startControlPlane } from "./control-plane.testing.ts";
import { createPgCluster, type PgCluster } from "./pg-cluster.testing.ts";
import { reportChaos } from "./report.ts";

const OUTAGE_MS = 30_000;
/** Every call during the outage is answered within this (postgres.js's connect timeout is 10 s). */
const ANSWER_BOUND_MS = 5000;
const APP = "chaos-db";
const UNREACHABLE = /control database is unreachable; retrying/;
const trpcGet = `/api/trpc/apps.get?input=${encodeURIComponent(JSON.stringify({ json: { app: APP } }))}`;

describe("chaos: the control database stopped for 30 s (PostgreSQL mode)", { timeout: 300_000 }, () => {
  const home = mkdtempSync(join(tmpdir(), "skypanel-chaos-db-"));
  let cluster: PgCluster | null = null;
  let cp: ControlPlane | null = null;

  beforeAll(async () => {
    cluster = await createPgCluster();
    cp = await startControlPlane(home, { DATABASE_URL: cluster.url(), SKYPANEL_BUILD_CONCURRENCY: "1" });
  });
  afterAll(async () => {
    // Each step whatever the others did: nothing this test started may outlive it.
    await cleanUp(
      () => cp?.stop(),
      () => cluster?.destroy(),
      () => rmSync(home, { recursive: true, force: true }),
    );
  });

  /** Config vars on the app, and what its newest release and its config releases hold (read straight from the cluster). */
  const state = async () => {
    const sql = postgres(cluster?.url() ?? "", { max: 1, onnotice: () => {} });
    try {
      const [app] = await sql<{ id: string }[]>`SELECT id FROM applications WHERE name = ${APP}`;
      const vars = (await sql<{ key: string }[]>`SELECT key FROM env_vars WHERE app_id = ${app?.id ?? ""} ORDER BY key`).map((r) => r.key);
      const [newest] = await sql<{ snapshot: { vars: Record<string, unknown> } }[]>`
        SELECT config_snapshot AS snapshot FROM releases WHERE app_id = ${app?.id ?? ""} ORDER BY version DESC LIMIT 1`;
      const [{ count }] = (await sql`SELECT count(*)::int AS count FROM releases WHERE app_id = ${app?.id ?? ""} AND kind = 'config'`) as [
        { count: number },
      ];
      return { appId: app?.id ?? "", vars, releaseVars: Object.keys(newest?.snapshot.vars ?? {}).sort(), configReleases: count };
    } finally {
      await sql.end({ timeout: 5 });
    }
  };

  it("answers 503 with a clear error while it is down, half-writes nothing, and resumes by itself", async () => {
    if (!cp || !cluster) throw new Error("no platform");
    const c = cp;
    expect((await c.call("POST", "/api/apps", { name: APP })).status).toBe(201);
    // A current release (as a finished build leaves one), so each config change makes a config release.
    const { appId } = await state();
    const sql = postgres(cluster.url(), { max: 1, onnotice: () => {} });
    const [build] = await sql<{ id: string }[]>`
      INSERT INTO builds (app_id, number, status, source_type, store_path, plan)
      VALUES (${appId}, 1, 'succeeded', 'archive', '/nix/store/chaos-db-none', '{}') RETURNING id`;
    const [release] = await sql<{ id: string }[]>`
      INSERT INTO releases (app_id, version, build_id, store_path, kind, description)
      VALUES (${appId}, 1, ${build?.id ?? ""}, '/nix/store/chaos-db-none', 'build', 'Deploy build #1') RETURNING id`;
    await sql`UPDATE applications SET current_release_id = ${release?.id ?? ""} WHERE id = ${appId}`;
    await sql.end({ timeout: 5 });
    expect((await c.call("POST", `/api/apps/${APP}/config/vars`, { vars: { BEFORE: "1" } })).status).toBe(200);

    // A change in flight as the server stops: either outcome is fine, as long as it is whole.
    const accepted = new Set(["BEFORE"]);
    const refused = new Set<string>();
    const change = async (key: string) => {
      const res = await c.call("POST", `/api/apps/${APP}/config/vars`, { vars: { [key]: "1" } });
      (res.status === 200 ? accepted : refused).add(key);
      return res;
    };
    const inFlight = change("IN_FLIGHT");
    cluster.stop();
    const down = Date.now();
    await inFlight;

    const wrong: string[] = [];
    let sent = 0;
    let slowest = 0;
    const expectAnswer = (what: string, res: { status: number; ms: number; body: unknown }, message: unknown) => {
      sent++;
      slowest = Math.max(slowest, res.ms);
      if (res.status !== 503 || !UNREACHABLE.test(String(message)) || res.ms > ANSWER_BOUND_MS)
        wrong.push(`${what}: ${res.status} in ${Math.round(res.ms)} ms ${JSON.stringify(res.body).slice(0, 200)}`);
    };
    for (let i = 0; Date.now() - down < OUTAGE_MS; i++) {
      const tick = Date.now();
      const health = await c.call("GET", "/healthz");
      expectAnswer("healthz", health, health.body?.database === "unreachable" && health.body?.message);
      const rest = await c.call("GET", `/api/apps/${APP}`);
      expectAnswer("REST get app", rest, rest.body?.error?.code === "SERVICE_UNAVAILABLE" && rest.body.error.message);
      const trpc = await c.call("GET", trpcGet);
      expectAnswer("tRPC apps.get", trpc, trpc.body?.error?.json?.data?.code === "SERVICE_UNAVAILABLE" && trpc.body.error.json.message);
      const set = await change(`OUTAGE_${i}`);
      expectAnswer("REST config set", set, set.body?.error?.message);
      await new Promise((r) => setTimeout(r, Math.max(0, 1000 - (Date.now() - tick))));
    }
    expect(c.platform.child.exitCode, c.platform.output().slice(-3000)).toBeNull();

    cluster.start();
    const back = Date.now();
    await c.until(
      "the API after the outage",
      () => c.call("GET", `/api/apps/${APP}`),
      (r) => r.status === 200,
      60_000,
    );
    const recoveryMs = Date.now() - back;
    expect((await c.call("GET", "/healthz")).status).toBe(200);
    expect((await c.call("GET", trpcGet)).status).toBe(200);

    // Whole or nothing: the vars are what was accepted, and the newest release holds exactly them,
    // one config release per accepted change.
    const after = await state();
    const expected = [...accepted].sort();
    expect(after.vars).toEqual(expected);
    expect(after.releaseVars).toEqual(expected);
    expect(after.configReleases).toBe(accepted.size);
    expect([...refused].some((k) => accepted.has(k))).toBe(false);

    // The same process's queue takes new work: a build of a folder no buildpack knows fails with a reason.
    const { body, contentType } = multipart(archive(join(import.meta.dirname, "fixtures", "no-app")), "app.tar.gz");
    const uploaded = await fetch(`${c.api}/api/apps/${APP}/builds`, {
      method: "POST",
      headers: { authorization: `Bearer ${c.token}`, "content-type": contentType },
      body,
    });
    expect(uploaded.status).toBe(202);
    const buildId = ((await uploaded.json()) as { id: string }).id;
    const built = await c.until(
      "the build queued after the outage",
      () => c.call("GET", `/api/apps/${APP}/builds/${buildId}`),
      (r) => ["succeeded", "failed"].includes(r.body?.status),
      120_000,
    );
    const jobsDropped = built.body.status === "failed" && !built.body.error ? 1 : 0;

    reportChaos({
      name: "control database stopped for 30 s",
      loss: { requests: { sent, failed: wrong.length }, jobsDropped, rowsLost: expected.filter((k) => !after.vars.includes(k)).length },
      recoveryMs,
      notes: `every call during the outage answered 503 within ${ANSWER_BOUND_MS} ms (slowest ${Math.round(slowest)} ms); ${accepted.size} config changes applied, ${refused.size} refused whole`,
    });
    expect(wrong, wrong.slice(0, 5).join("\n")).toEqual([]);
    expect(jobsDropped).toBe(0);
    expect(built.body.error, JSON.stringify(built.body)).toMatch(/./);
  });
});
