// Traffic through a real Caddy (Debian's caddy) on loopback, to app instances that are real
// processes on 127.0.0.1, on ports picked at random.
import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRouteId, generateCaddyConfig } from "./caddy-config.ts";
import { caddyPaths } from "./caddy-process.ts";
import { configHash } from "./config-hash.ts";
import { CaddyAdminError, InvalidRouteError } from "./errors.ts";
import { createRouter, type Router } from "./router.ts";
import { freePort, httpGet, servedBy, type TestUpstream, tempHome, testUpstreams, waitFor, webSocketRoundTrip } from "./testing.ts";
import type { AppRoute } from "./types.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("router with a real Caddy on loopback", () => {
  const home = tempHome();
  const upstreams = testUpstreams();
  let router: Router;
  let port: number;
  let metricsPort: number;
  let a: TestUpstream;
  let b: TestUpstream;

  const settings = () => ({
    httpPort: port,
    httpHost: "127.0.0.1",
    metricsListen: `127.0.0.1:${metricsPort}`,
    proxy: { tryDurationMs: 1500 },
  });
  const get = (options: { path?: string; headers?: Record<string, string>; app?: string } = {}) =>
    httpGet({ port, host: `${options.app ?? "myapp"}.localhost:${port}`, path: options.path ?? "/", headers: options.headers });
  const myapp = (extra: Partial<AppRoute> = {}): AppRoute => ({
    appName: "myapp",
    hostnames: [],
    upstreams: [{ dial: a.dial }, { dial: b.dial }],
    policy: "round_robin",
    ...extra,
  });
  const healthCheck = { path: "/healthz", intervalMs: 200, timeoutMs: 150 };

  beforeAll(async () => {
    port = await freePort();
    metricsPort = await freePort();
    router = createRouter({ home: home.home, settings: settings() });
    [a, b] = await Promise.all([upstreams.start("a"), upstreams.start("b")]);
  });

  afterAll(async () => {
    await router?.stop();
    await upstreams.stopAll();
    home.remove();
  });

  it("starts Caddy and round_robin alternates between the instances", async () => {
    expect(await router.apply([myapp()])).toEqual({ changed: true });
    expect(router.caddy?.adopted).toBe(false);
    const served: string[] = [];
    for (let i = 0; i < 10; i++) served.push(servedBy(await get()));
    expect(served.filter((n) => n === "a")).toHaveLength(5);
    for (let i = 1; i < served.length; i++) expect(served[i]).not.toBe(served[i - 1]);
  });

  it("applying the same routes again, in any order, changes nothing; bad routes change nothing either", async () => {
    await router.apply([myapp(), { ...myapp(), appName: "other", upstreams: [{ dial: a.dial }] }]);
    const before = configHash(await router.client.getConfig());
    expect(await router.apply([{ ...myapp(), appName: "other", upstreams: [{ dial: a.dial }] }, myapp()])).toEqual({ changed: false });
    await expect(router.apply([myapp({ upstreams: [{ dial: "example.com:80" }] })])).rejects.toThrow(InvalidRouteError);
    expect(configHash(await router.client.getConfig())).toBe(before);
  });

  it("weighted_round_robin sends about 9 in 10 requests to the 90-weight instance", async () => {
    await router.apply([
      myapp({
        policy: "weighted_round_robin",
        upstreams: [
          { dial: a.dial, weight: 90 },
          { dial: b.dial, weight: 10 },
        ],
      }),
    ]);
    const counts = { a: 0, b: 0 } as Record<string, number>;
    for (let i = 0; i < 200; i++) {
      const name = servedBy(await get());
      counts[name] = (counts[name] ?? 0) + 1;
    }
    expect(counts.a).toBeGreaterThanOrEqual(170);
    expect(counts.a).toBeLessThanOrEqual(190);
    expect((counts.a ?? 0) + (counts.b ?? 0)).toBe(200);
  });

  it("ip_hash keeps a client on one instance", async () => {
    await router.apply([myapp({ policy: "ip_hash" })]);
    const served = new Set<string>();
    for (let i = 0; i < 20; i++) served.add(servedBy(await get()));
    expect(served.size).toBe(1);
    expect(["a", "b"]).toContain([...served][0]);
  });

  it("sets X-Request-Id when absent, keeps the client's, and returns it", async () => {
    await router.apply([myapp()]);
    const fresh = await get();
    const seen = JSON.parse(fresh.body).headers["x-request-id"];
    expect(seen).toMatch(UUID);
    expect(fresh.headers["x-request-id"]).toBe(seen);
    const kept = await get({ headers: { "X-Request-Id": "trace-4711" } });
    expect(JSON.parse(kept.body).headers["x-request-id"]).toBe("trace-4711");
    expect(kept.headers["x-request-id"]).toBe("trace-4711");
  });

  it("passes X-Forwarded-For/-Proto/-Host from the connection, not from the client", async () => {
    await router.apply([myapp()]);
    const res = await get({ path: "/who?x=1", headers: { "X-Forwarded-For": "6.6.6.6", "X-Forwarded-Host": "evil.example" } });
    const seen = JSON.parse(res.body);
    expect(seen.url).toBe("/who?x=1");
    expect(seen.headers.host).toBe(`myapp.localhost:${port}`);
    expect(seen.headers["x-forwarded-for"]).toBe("127.0.0.1");
    expect(seen.headers["x-forwarded-proto"]).toBe("http");
    expect(seen.headers["x-forwarded-host"]).toBe(`myapp.localhost:${port}`);
  });

  it("serves extra hostnames and carries a WebSocket both ways", async () => {
    await router.apply([myapp({ hostnames: ["shop.example.test"] })]);
    expect(servedBy(await httpGet({ port, host: "shop.example.test" }))).toMatch(/^[ab]$/);
    expect(await webSocketRoundTrip({ port, host: `myapp.localhost:${port}`, message: "hello through caddy" })).toMatch(
      /^[ab]: hello through caddy$/,
    );
  });

  it("answers 404 for an unknown host and 503 with a clear body for an app without instances", async () => {
    await router.apply([myapp(), { appName: "sleepy", hostnames: [], upstreams: [], policy: "round_robin" }]);
    const unknown = await get({ app: "nobody" });
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body).error.code).toBe("NO_SUCH_APP");
    const page = await get({ app: "nobody", headers: { Accept: "text/html,application/xhtml+xml" } });
    expect(page.headers["content-type"]).toMatch(/text\/html/);
    expect(page.body).toContain("No app here");
    const idle = await get({ app: "sleepy" });
    expect(idle.status).toBe(503);
    expect(idle.headers["retry-after"]).toBe("10");
    expect(JSON.parse(idle.body)).toEqual({
      error: { code: "NO_RUNNING_INSTANCE", message: expect.stringContaining('The app "sleepy" has no running web instance') },
    });
  });

  it("active health checks take a sick instance out and bring it back; none healthy is a clear 503", async () => {
    await router.apply([myapp({ healthCheck })]);
    const tenServedBy = async () => {
      const served = new Set<string>();
      for (let i = 0; i < 10; i++) served.add(servedBy(await get()));
      return [...served].sort().join(",");
    };
    expect(await tenServedBy()).toBe("a,b");
    await b.setHealthy(false);
    try {
      // round_robin alternates, so ten requests in a row on "a" means "b" was taken out.
      await waitFor("the sick instance to be taken out", async () => ((await tenServedBy()) === "a" ? true : undefined), 5_000);
      expect(await tenServedBy()).toBe("a");
      await a.setHealthy(false);
      const down = await waitFor("no healthy instance left", async () => {
        const res = await get();
        return res.status === 503 ? res : undefined;
      });
      expect(JSON.parse(down.body).error).toEqual({ code: "NO_HEALTHY_INSTANCE", message: expect.stringContaining('"myapp"') });
    } finally {
      await a.setHealthy(true);
      await b.setHealthy(true);
    }
    await waitFor("both instances back", async () => ((await tenServedBy()) === "a,b" ? true : undefined), 5_000);
  });

  it("loses no request while an instance is killed under load", async () => {
    const c = await upstreams.start("c");
    await router.apply([myapp({ upstreams: [{ dial: a.dial }, { dial: c.dial }], healthCheck })]);
    const statuses: number[] = [];
    const servedAfterKill: string[] = [];
    let killed: Promise<void> | null = null;
    let next = 0;
    const worker = async () => {
      while (next < 200) {
        next++;
        if (next === 60) killed = c.kill("SIGKILL");
        const res = await get({ path: `/load/${next}` });
        statuses.push(res.status);
        if (killed && next > 120) servedAfterKill.push(servedBy(res));
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    await killed;
    expect(statuses).toHaveLength(200);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(servedAfterKill.length).toBeGreaterThan(50);
    expect(new Set(servedAfterKill)).toEqual(new Set(["a"]));
  });

  // Caddy 2.6 reloads by binding a fresh SO_REUSEPORT socket and closing the old one, so a
  // connection still in the old socket's accept queue at that instant is reset by the kernel:
  // a request that never reached Caddy. Everything Caddy accepted is answered.
  it("a config change finishes requests in flight and answers every request it accepted", async () => {
    await router.apply([myapp()]);
    const inFlight = get({ path: "/slow/800" });
    let done = false;
    const outcomes: string[] = [];
    const worker = async () => {
      while (!done) {
        outcomes.push(
          await get().then(
            (res) => String(res.status),
            (err: NodeJS.ErrnoException) => err.code ?? String(err),
          ),
        );
      }
    };
    const workers = Array.from({ length: 4 }, worker);
    for (let i = 0; i < 5; i++) {
      await router.apply([myapp({ hostnames: [`v${i}.example.test`] })]);
      await new Promise((r) => setTimeout(r, 50));
    }
    done = true;
    await Promise.all(workers);
    expect((await inFlight).status).toBe(200);
    expect(outcomes.length).toBeGreaterThan(40);
    expect(outcomes.filter((o) => o !== "200" && o !== "ECONNRESET")).toEqual([]);
    expect(outcomes.filter((o) => o === "ECONNRESET").length).toBeLessThan(outcomes.length * 0.05);
  });

  it("serves Caddy's Prometheus metrics on loopback and on the admin socket", async () => {
    await router.apply([myapp()]);
    await get();
    const scraped = await httpGet({ port: metricsPort, host: `127.0.0.1:${metricsPort}`, path: "/metrics" });
    expect(scraped.status).toBe(200);
    expect(scraped.body).toMatch(/caddy_http_requests_total\{[^}]*server="skypanel"[^}]*\} \d+/);
    expect(scraped.body).toContain(`caddy_reverse_proxy_upstreams_healthy{upstream="${a.dial}"}`);
    expect(await router.client.metrics()).toContain("caddy_admin_http_requests_total");
  });

  it("patches one app's route by @id, and reconcile puts the desired route back", async () => {
    await router.apply([myapp()]);
    const id = appRouteId("myapp");
    const route = (await router.client.getById(id)) as { handle: { routes: { handle: { upstreams?: unknown }[] }[] }[] };
    const proxy = route.handle[0]?.routes[2]?.handle[0];
    if (!proxy) throw new Error("no proxy in the route");
    proxy.upstreams = [{ dial: b.dial }];
    await router.client.patchById(id, route);
    for (let i = 0; i < 4; i++) expect(servedBy(await get())).toBe("b");
    expect(await router.reconcile()).toEqual({ caddy: "running", loaded: true });
    expect(new Set([servedBy(await get()), servedBy(await get())])).toEqual(new Set(["a", "b"]));
  });

  it("turns Caddy's refusal into an engine error with Caddy's message, and keeps serving the old config", async () => {
    await router.apply([myapp()]);
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    try {
      const busyPort = (taken.address() as { port: number }).port;
      const config = generateCaddyConfig(
        [myapp()],
        { ...settings(), httpPort: busyPort },
        {
          admin: { socketPath: `${home.home}/run/caddy-admin.sock` },
          storageRoot: caddyPaths(home.home).dataDir,
        },
      );
      const error = await router.client.load(config).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(CaddyAdminError);
      expect((error as CaddyAdminError).message).toMatch(/Caddy refused POST \/load \(400\): .*address already in use/);
    } finally {
      taken.close();
    }
    expect((await get()).status).toBe(200);
  });
});
