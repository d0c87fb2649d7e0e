// Two control planes as two real platform processes on ONE PostgreSQL database and one Redis:
// exactly one leads (the lease); a dashboard connected to the second sees a deploy made through
// the first (events through Redis); the leader is SIGKILLed and the other takes the lease within
// the TTL bound and runs a deploy queued after the kill to its end (a build that fails, with why).
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { TEST_PG_ADMIN_URL } from "@skypanel/db/testing";
import { freePort } from "@skypanel/engine/router-testing";
import postgres from "postgres";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { archive, multipart, type Platform, startPlatform, stopPlatform } from "./platform-process.testing.ts";

const REPO = resolve(fileURLToPath(new URL("../../..", import.meta.url)));
const REDIS_URL = process.env.SKYPANEL_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const ADMIN = { email: "ha@example.com", password: "correct horse battery" };
const LEASE = { ttlSeconds: 4, renewSeconds: 1 };

interface Plane {
  platform: Platform;
  api: string;
  home: string;
}

/** Polls `read` every 250 ms until `done`, for at most `ms`. */
async function until<T>(what: string, read: () => Promise<T>, done: (v: T) => boolean, ms: number, output = () => ""): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read().catch((err: Error) => err as unknown as T);
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`${what}: not within ${ms / 1000} s; last ${JSON.stringify(value)}\n${output().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A dashboard's live events of one app: the events.app subscription over SSE, read as the tRPC link's EventSource does. */
async function follow(api: string, token: string, app: string) {
  const input = encodeURIComponent(JSON.stringify(superjson.serialize({ app, lastEventId: null })));
  const controller = new AbortController();
  const res = await fetch(`${api}/api/trpc/events.app?input=${input}`, {
    headers: { authorization: `Bearer ${token}`, accept: "text/event-stream" },
    signal: controller.signal,
  });
  const received: { type: string; deploymentId?: string; status?: string }[] = [];
  let connected = false;
  const reader = (res.body as ReadableStream<Uint8Array>).pipeThrough(new TextDecoderStream()).getReader();
  const reading = (async () => {
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: "", done: true }));
      if (done) return;
      buffer += value;
      for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const field = (name: string) => block.match(new RegExp(`^${name}: ?(.*)$`, "m"))?.[1];
        const event = field("event") ?? "message";
        if (event === "connected") connected = true;
        else if (event === "message") received.push(superjson.deserialize(JSON.parse(field("data") ?? "{}")));
      }
    }
  })();
  await until("the subscription to open", async () => connected, Boolean, 10_000);
  return {
    received,
    async close() {
      controller.abort();
      await reading;
    },
  };
}

describe("two control planes on one PostgreSQL and one Redis (real processes)", { timeout: 300_000 }, () => {
  const dbName = `skypanel_ha_${Date.now()}_${process.pid}`;
  const dbUrl = (() => {
    const u = new URL(TEST_PG_ADMIN_URL);
    u.pathname = `/${dbName}`;
    return u.toString();
  })();
  const folders: string[] = [];
  const planes: Plane[] = [];
  let token = "";
  // Nothing a runtime could detect: the build fails fast, and says why.
  const source = mkdtempSync(join(tmpdir(), "skypanel-ha-src-"));
  writeFileSync(join(source, "notes.txt"), "no app here\n");
  folders.push(source);

  const startPlane = async (keysFrom?: string): Promise<Plane> => {
    const home = mkdtempSync(join(tmpdir(), "skypanel-ha-home-"));
    folders.push(home);
    // Both control planes open the same secrets: the second gets the first's key files.
    if (keysFrom) cpSync(join(keysFrom, "keys"), join(home, "keys"), { recursive: true });
    const port = await freePort();
    const platform = startPlatform(REPO, [join(REPO, "node_modules/.bin/tsx"), "apps/bff/src/main.ts"], {
      ...process.env,
      DATABASE_URL: dbUrl,
      SKYPANEL_HOME: home,
      SKYPANEL_PORT: String(port),
      SKYPANEL_HOST: "127.0.0.1",
      SKYPANEL_REDIS_URL: REDIS_URL,
      SKYPANEL_LEASE_TTL_SECONDS: String(LEASE.ttlSeconds),
      SKYPANEL_LEASE_RENEW_SECONDS: String(LEASE.renewSeconds),
      SKYPANEL_ADMIN_EMAIL: ADMIN.email,
      SKYPANEL_ADMIN_PASSWORD: ADMIN.password,
      SKYPANEL_RUNTIME: "process",
      SKYPANEL_HTTP_PORT: String(await freePort()),
      SKYPANEL_LOCAL_TLS: "off",
      SKYPANEL_CADDY: "debian",
      SKYPANEL_ADDON_LOCAL_SERVERS: "off",
      SKYPANEL_BUILD_CONCURRENCY: "1",
      SKYPANEL_STOP_APPS_ON_EXIT: "1",
    });
    const plane = { platform, api: `http://127.0.0.1:${port}`, home };
    planes.push(plane);
    await until(
      "the control plane's /healthz",
      () => healthz(plane),
      (h) => h?.status === "ok",
      120_000,
      platform.output,
    );
    return plane;
  };
  const healthz = async (p: Plane) => (await (await fetch(`${p.api}/healthz`)).json()) as { status: string; platform: { leader: boolean } };
  const call = async (p: Plane, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${p.api}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  /** Uploads the source as a build and deploys it, both through `p`; returns the deployment's id. */
  const deployThrough = async (p: Plane, app: string) => {
    const { body, contentType } = multipart(archive(source), "app.tar.gz");
    const uploaded = await fetch(`${p.api}/api/apps/${app}/builds`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": contentType },
      body,
    });
    expect(uploaded.status).toBe(202);
    const buildId = ((await uploaded.json()) as { id: string }).id;
    const deploy = await call(p, "POST", `/api/apps/${app}/deployments`, { buildId });
    expect(deploy.status, JSON.stringify(deploy.body)).toBe(202);
    return deploy.body.id as string;
  };
  const finished = (p: Plane, app: string, id: string) =>
    until(
      `deployment ${id}`,
      async () => (await call(p, "GET", `/api/apps/${app}/deployments/${id}`)).body,
      (d) => d?.status === "succeeded" || d?.status === "failed",
      180_000,
      () => planes.map((x) => x.platform.output().slice(-1500)).join("\n----\n"),
    );

  beforeAll(async () => {
    const admin = postgres(TEST_PG_ADMIN_URL, { max: 1, onnotice: () => {} });
    await admin.unsafe(`CREATE DATABASE ${dbName}`);
    await admin.end();
  });

  afterAll(async () => {
    for (const p of planes) await stopPlatform(p.platform);
    // Caddy of a SIGKILLed plane outlives it: found by its home folder, ended by pid.
    for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
      const cmd = (() => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, "utf8");
        } catch {
          return "";
        }
      })();
      if (planes.some((p) => cmd.includes(p.home))) process.kill(Number(pid), "SIGKILL");
    }
    const admin = postgres(TEST_PG_ADMIN_URL, { max: 1, onnotice: () => {} });
    await admin.unsafe(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => {});
    await admin.end();
    for (const f of folders) rmSync(f, { recursive: true, force: true });
  });

  it("exactly one of the two leads: the first started", async () => {
    const first = await startPlane();
    const second = await startPlane(first.home);
    expect([(await healthz(first)).platform.leader, (await healthz(second)).platform.leader]).toEqual([true, false]);
    const login = await fetch(`${first.api}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(ADMIN),
    });
    expect(login.status).toBe(200);
    token = ((await login.json()) as { token: string }).token;
  });

  it("a dashboard connected to the second control plane sees a deploy made through the first, to its end", async () => {
    const [first, second] = planes as [Plane, Plane];
    expect((await call(first, "POST", "/api/apps", { name: "ha-app" })).status).toBe(201);
    const dashboard = await follow(second.api, token, "ha-app");
    try {
      const id = await deployThrough(first, "ha-app");
      const done = await finished(first, "ha-app", id);
      await until(
        "the second plane's dashboard hears the deployment queued and finished",
        async () => dashboard.received.filter((e) => e.type === "deployment.updated" && e.deploymentId === id).map((e) => e.status),
        (s) => s.includes("queued") && s.includes(done.status),
        10_000,
      );
      expect(done.status).toBe("failed");
      expect(done.error).toMatch(/Build #1 failed/);
    } finally {
      await dashboard.close();
    }
  });

  it("the leader SIGKILLed: the other takes the lease within the TTL bound and runs a deploy queued after the kill", async () => {
    const [first, second] = planes as [Plane, Plane];
    const killedAt = Date.now();
    process.kill(-(first.platform.child.pid as number), "SIGKILL");
    await first.platform.exited;
    await until("the second plane leads", async () => (await healthz(second)).platform.leader, Boolean, 30_000, second.platform.output);
    // The lease runs out TTL after its last renewal, and the follower tries every renewal period.
    expect(Date.now() - killedAt).toBeLessThan((LEASE.ttlSeconds + LEASE.renewSeconds + 3) * 1000);
    const id = await deployThrough(second, "ha-app");
    const done = await finished(second, "ha-app", id);
    expect(done.status).toBe("failed");
    expect(done.error).toMatch(/Build #2 failed: \S+/);
  });
});
