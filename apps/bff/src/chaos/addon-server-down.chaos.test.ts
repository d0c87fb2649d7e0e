// Chaos case 5: the add-on servers unreachable. A PostgreSQL and a Redis add-on live on servers of
// the test's own (an initdb cluster, a redis-server), stopped (PostgreSQL) or frozen (Redis) and
// then brought back. An app process (started by the test, not the platform's runtime, with the
// add-on's DATABASE_URL) keeps answering and its database endpoint fails with the connection error;
// the platform's periodic health check marks both add-ons degraded with the reason (REST, tRPC, an
// addon.updated event), and healthy again once the servers are back.
import { type ChildProcess, spawn } from "node:child_process";
import { freePort, httpGet } from "@skypanel/engine/router-testing";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestBff, TEST_DRIVERS, type TestBff } from "../testing.ts";
import { cleanUp, REPO } from "./control-plane.testing.ts";
import { createPgCluster, type PgCluster } from "./pg-cluster.testing.ts";
import { reportChaos } from "./report.ts";

const APP = "chaos-addons";
const CHECK_EVERY_MS = 300;
const REQUESTS = 20;

// The app: "/" answers without the database, "/db" reads through a pool of its own.
const APP_JS = `
import http from "node:http";
import postgres from "postgres";
const sql = postgres(process.env.DATABASE_URL, { max: 2, connect_timeout: 3, backoff: 0.2, onnotice: () => {} });
http.createServer(async (req, res) => {
  if (req.url !== "/db") return res.end("up");
  try {
    const [row] = await sql\`select count(*)::int as n from visits\`;
    res.end("visits " + row.n);
  } catch (err) {
    res.statusCode = 500;
    res.end("database error: " + (err.code ?? "") + " " + err.message);
  }
}).listen(Number(process.env.PORT), "127.0.0.1", () => console.log("listening"));
`;

function startRedis(port: number): ChildProcess {
  return spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
}
async function stopChild(child: ChildProcess | null) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await gone;
}

describe.each(TEST_DRIVERS.slice(0, 1))("chaos: the add-on servers unreachable (control database on %s)", (driver) => {
  let t: TestBff;
  let cluster: PgCluster | null = null;
  let redis: ChildProcess | null = null;
  let redisPort = 0;
  let app: ChildProcess | null = null;
  let appPort = 0;
  let token = "";
  const events: string[] = [];

  beforeAll(async () => {
    cluster = await createPgCluster();
    redisPort = await freePort();
    redis = startRedis(redisPort);
    t = await createTestBff(driver, { addons: { postgresUrl: cluster.url(), redisUrl: `redis://127.0.0.1:${redisPort}` } });
    await t.user("ops@example.com", { isAdmin: true });
    token = await t.login("ops@example.com");
    t.engine.bus.subscribe((e) => {
      if (e.type === "addon.updated") events.push(e.addonId);
    });
  });
  afterAll(async () => {
    // Each step whatever the others did: nothing this test started may outlive it.
    await cleanUp(
      () => stopChild(app),
      () => redis?.kill("SIGCONT"),
      () => stopChild(redis),
      () => cluster?.destroy(),
      () => t?.close(),
    );
  });

  const addons = async () => {
    const res = await t.rest("GET", `/api/apps/${APP}/addons`, { token });
    expect(res.status).toBe(200);
    return res.body.addons as { id: string; type: string; health: { state: string; reason: string | null } | null }[];
  };
  const until = async <T>(what: string, read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await read();
      if (done(v)) return v;
      if (Date.now() > deadline) throw new Error(`${what}: not in ${timeoutMs / 1000} s: ${JSON.stringify(v)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const allIn = (state: string) => (list: Awaited<ReturnType<typeof addons>>) =>
    list.length === 2 && list.every((a) => a.health?.state === state);
  const get = (path: string) =>
    httpGet({ port: appPort, host: "127.0.0.1", path }).catch((err: Error) => ({ status: 0, body: err.message }));

  it("marks the add-ons degraded with the reason while their servers are down, the app failing only where it uses them", {
    timeout: 120_000,
  }, async () => {
    expect((await t.rest("POST", "/api/apps", { token, body: { name: APP } })).status).toBe(201);
    expect((await t.rest("POST", `/api/apps/${APP}/addons`, { token, body: { type: "postgresql" } })).status).toBe(201);
    expect((await t.rest("POST", `/api/apps/${APP}/addons`, { token, body: { type: "redis" } })).status).toBe(201);
    const config = await t.rest("GET", `/api/apps/${APP}/config?reveal=secrets`, { token });
    const databaseUrl: string = config.body.vars.DATABASE_URL;
    const direct = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    await direct`CREATE TABLE visits (at timestamptz DEFAULT now())`;
    await direct`INSERT INTO visits DEFAULT VALUES`;
    await direct.end({ timeout: 5 });

    appPort = await freePort();
    app = spawn(process.execPath, ["--input-type=module", "-e", APP_JS], {
      cwd: REPO,
      env: { PATH: process.env.PATH, DATABASE_URL: databaseUrl, PORT: String(appPort) },
      stdio: ["ignore", "pipe", "inherit"],
    });
    await new Promise((r) => app?.stdout?.once("data", r));
    expect(await get("/db")).toMatchObject({ status: 200, body: "visits 1" });

    // The engine started its checks at the default period; this case checks more often.
    await t.engine.addons.health.stop();
    t.engine.addons.health.start(CHECK_EVERY_MS);
    const [pg, rd] = await until("the first checks", addons, allIn("healthy"));
    expect(pg?.health?.reason).toBeNull();

    // The outage: both servers stop.
    events.length = 0;
    // PostgreSQL is stopped; Redis is frozen (SIGSTOP: it accepts connections and never answers),
    // since a restarted Redis without an ACL file forgets the add-on's user (the check says WRONGPASS then).
    cluster?.stop();
    redis?.kill("SIGSTOP");
    const down = Date.now();
    const degraded = await until("degraded", addons, allIn("degraded"));
    const detectedMs = Date.now() - down;
    for (const a of degraded) {
      expect(a.health?.reason, a.type).toMatch(
        a.type === "redis" ? /Redis server does not answer: .*timed out/ : /PostgreSQL server does not answer: .*ECONNREFUSED/,
      );
    }
    expect(new Set(events)).toEqual(new Set([pg?.id, rd?.id]));
    // The same in the dashboard's view (tRPC).
    const trpc = await (await t.caller(token)).addons.get({ app: APP, addonId: pg?.id ?? "" });
    expect(trpc.health?.state).toBe("degraded");

    // The app still answers; only its database endpoint fails, with the connection error.
    const up: number[] = [];
    const db: string[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      up.push((await get("/")).status);
      const res = await get("/db");
      db.push(`${res.status} ${res.body}`.slice(0, 120));
    }
    expect(up.filter((s) => s === 200).length, `the app's "/" during the outage: ${up}`).toBe(REQUESTS);
    expect(db.filter((r) => /^500 database error: .*(ECONNREFUSED|CONNECTION|57P01)/.test(r)).length, db.join("\n")).toBe(REQUESTS);

    // The servers return: healthy again, and the app reads its rows.
    events.length = 0;
    cluster?.start();
    redis?.kill("SIGCONT");
    const back = Date.now();
    await until("healthy again", addons, allIn("healthy"));
    const recoveryMs = Date.now() - back;
    expect(new Set(events)).toEqual(new Set([pg?.id, rd?.id]));
    const read = await until(
      "the app's /db after the outage",
      () => get("/db"),
      (r) => r.status === 200,
    );
    expect(read.body).toBe("visits 1");

    reportChaos({
      name: "add-on servers unreachable",
      loss: { requests: { sent: REQUESTS, failed: up.filter((s) => s !== 200).length }, rowsLost: read.body === "visits 1" ? 0 : 1 },
      recoveryMs,
      notes: `degraded seen ${detectedMs} ms after the stop (checks every ${CHECK_EVERY_MS} ms); all ${REQUESTS} of the app's DB requests failed with the connection error, none of its other requests`,
    });
  });
});
