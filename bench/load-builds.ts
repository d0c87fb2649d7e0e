// Ten builds and ten deploys sent at once to one platform process (PGlite, instances in
// systemd-nspawn, Caddy started by the platform), all through the REST API: the time until all
// finished, each one's queue wait and run time, and every request the apps got meanwhile.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { copyFixture } from "@skypanel/engine/build-testing";
import { httpGet } from "@skypanel/engine/router-testing";
import { archive, multipart } from "../apps/bff/src/platform-process.testing.ts";
import { type LoadPlatform, startLoadPlatform } from "./load-platform.ts";

export const CONCURRENT = 10;
const CONCURRENCY = process.env.BENCH_BUILD_CONCURRENCY;
const progress = (line: string) => console.error(`[load bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface BatchRow {
  benchmark: string;
  /** Wall time from sending all to the last one finished, in ms. */
  allMs: number;
  /** Each one's time from its request to its end, in ms, sorted. */
  eachMs: number[];
  /** Each one's time in the queue before it started, in ms, sorted. */
  queuedMs: number[];
  succeeded: number;
  note: string;
}

interface Job {
  status: string;
  error?: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

async function api<T>(p: LoadPlatform, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${p.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${p.token}`, ...(body ? { "content-type": "application/json" } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

/** Polls a build or deployment until it leaves queued/running; resolves with it and when it was seen done. */
async function finished(p: LoadPlatform, path: string, timeoutMs = 600_000): Promise<{ job: Job; at: number }> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await api<Job>(p, "GET", path);
    if (!["queued", "pending", "running"].includes(body.status)) return { job: body, at: performance.now() };
    if (Date.now() > until) throw new Error(`${path} did not finish in ${timeoutMs} ms: ${JSON.stringify(body)}`);
    await wait(250);
  }
}

const appName = (i: number) => `load-build-${i}`;
const ms = (from: string, to: string | null) => (to ? new Date(to).getTime() - new Date(from).getTime() : Number.NaN);

function source(marker: string) {
  const dir = copyFixture("node-greeting");
  writeFileSync(join(dir, "server.js"), `// ${marker}\n${readFileSync(join(dir, "server.js"), "utf8")}`);
  const tarball = archive(dir);
  rmSync(join(dir, ".."), { recursive: true, force: true });
  return tarball;
}

async function upload(p: LoadPlatform, app: string, tarball: Buffer): Promise<string> {
  const { body, contentType } = multipart(tarball, `${app}.tar.gz`);
  const res = await fetch(`${p.url}/api/apps/${app}/builds`, {
    method: "POST",
    headers: { authorization: `Bearer ${p.token}`, "content-type": contentType },
    body,
  });
  if (res.status !== 202) throw new Error(`upload to ${app}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

/** Sends one request per app at once and waits for all; `path(i, id)` is the job to poll. */
async function batch(
  p: LoadPlatform,
  name: string,
  send: (i: number) => Promise<string>,
  path: (i: number, id: string) => string,
): Promise<{ row: BatchRow; ids: string[] }> {
  const started = performance.now();
  const sent = await Promise.all(Array.from({ length: CONCURRENT }, async (_, i) => ({ i, id: await send(i) })));
  const done = await Promise.all(sent.map(({ i, id }) => finished(p, path(i, id))));
  const failed = done.filter((d) => d.job.status !== "succeeded");
  if (failed.length)
    throw new Error(`${name}: ${failed.length} of ${CONCURRENT} did not succeed: ${failed.map((d) => d.job.error).join("; ")}`);
  const sort = (xs: number[]) => xs.map(Math.round).sort((a, b) => a - b);
  return {
    ids: sent.map((s) => s.id),
    row: {
      benchmark: name,
      allMs: Math.round(Math.max(...done.map((d) => d.at)) - started),
      eachMs: sort(done.map((d) => ms(d.job.createdAt, d.job.finishedAt))),
      queuedMs: sort(done.map((d) => ms(d.job.createdAt, d.job.startedAt))),
      succeeded: done.length,
      note: "",
    },
  };
}

/** Per app: one GET every PROBE_MS at most, as a steady trickle of users, not a load test. */
const PROBE_MS = 100;

/** GETs each app through Caddy in a loop of its own until stopped; counts answers by status. */
function probe(httpPort: number) {
  const counts = new Map<string, number>();
  let stopped = false;
  const loops = Array.from({ length: CONCURRENT }, async (_, i) => {
    while (!stopped) {
      const next = wait(PROBE_MS);
      const status = await httpGet({ port: httpPort, host: `${appName(i)}.localhost` }).then(
        (r) => String(r.status),
        (e: Error) => `error (${e.message.slice(0, 40)})`,
      );
      counts.set(status, (counts.get(status) ?? 0) + 1);
      await next;
    }
  });
  return {
    async stop() {
      stopped = true;
      await Promise.all(loops);
      return counts;
    },
  };
}

const describeCounts = (c: Map<string, number>) => {
  const total = [...c.values()].reduce((a, b) => a + b, 0);
  return { total, ok: c.get("200") ?? 0, text: [...c].map(([s, n]) => `${s}×${n}`).join(", ") };
};

export async function buildsAndDeploys(): Promise<{ rows: BatchRow[]; concurrency: string }> {
  const concurrency = CONCURRENCY ? `SKYPANEL_BUILD_CONCURRENCY=${CONCURRENCY}` : "SKYPANEL_BUILD_CONCURRENCY unset: the number of cores";
  const p = await startLoadPlatform({ env: CONCURRENCY ? { SKYPANEL_BUILD_CONCURRENCY: CONCURRENCY } : {} });
  const rows: BatchRow[] = [];
  try {
    for (let i = 0; i < CONCURRENT; i++) {
      const created = await api(p, "POST", "/api/apps", { name: appName(i) });
      if (created.status !== 201) throw new Error(`creating ${appName(i)}: ${created.status} ${JSON.stringify(created.body)}`);
    }
    // One build first, so the ten after it find the dependency layer (a source change, the common case).
    progress("builds: warm-up build (dependency layer)");
    const warm = await finished(p, `/api/apps/${appName(0)}/builds/${await upload(p, appName(0), source("warm-up"))}`);
    if (warm.job.status !== "succeeded") throw new Error(`warm-up build: ${warm.job.error}\n${p.output()}`);
    const tarballs = Array.from({ length: CONCURRENT }, (_, i) => source(`change ${i}`));
    progress(`builds: ${CONCURRENT} at once`);
    const builds = await batch(
      p,
      `${CONCURRENT} builds at once (node-greeting, source change, warm dependency layer)`,
      (i) => upload(p, appName(i), tarballs[i] as Buffer),
      (i, id) => `/api/apps/${appName(i)}/builds/${id}`,
    );
    rows.push(builds.row);

    const deployAll = async (name: string) =>
      batch(
        p,
        name,
        async (i) => {
          const res = await api<{ id: string }>(p, "POST", `/api/apps/${appName(i)}/deployments`, { buildId: builds.ids[i] });
          if (res.status !== 202) throw new Error(`deploying ${appName(i)}: ${res.status} ${JSON.stringify(res.body)}`);
          return res.body.id;
        },
        (i, id) => `/api/apps/${appName(i)}/deployments/${id}`,
      );

    progress(`deploys: ${CONCURRENT} first deploys at once`);
    const first = await deployAll(`${CONCURRENT} first deploys at once (existing builds) → all succeeded`);
    // Succeeded means healthy and in rotation: every app must answer 200 through Caddy now.
    const after = await Promise.all(
      Array.from({ length: CONCURRENT }, (_, i) => httpGet({ port: p.httpPort, host: `${appName(i)}.localhost` }).then((r) => r.status)),
    );
    first.row.note = `then one GET per app through Caddy: ${after.filter((s) => s === 200).length} of ${CONCURRENT} answered 200`;
    rows.push(first.row);

    progress(`deploys: ${CONCURRENT} redeploys at once while every app is asked in a loop`);
    const probes = probe(p.httpPort);
    await wait(1000);
    const again = await deployAll(`${CONCURRENT} redeploys at once of serving apps (existing builds) → all succeeded`);
    await wait(1000);
    const counts = describeCounts(await probes.stop());
    again.row.note = `requests to the apps meanwhile (each app about ${1000 / PROBE_MS}/s, new connection each): ${counts.total}, answered 200: ${counts.ok} (${counts.text})`;
    rows.push(again.row);
    return { rows, concurrency };
  } catch (err) {
    console.error(p.output().slice(-4000));
    throw err;
  } finally {
    await p.stop();
  }
}
