// Refused Caddy config loads, listeners they leave behind, a second platform on the same ports, and
// a restart of the router: against real Caddy processes on loopback, with app instances this file
// starts (and ends by pid). Loads are made to fail two ways: the HTTPS port's UDP socket (HTTP/3)
// taken by another process while Caddy serves no HTTPS (as it happened to a user), and Caddy's
// local CA certificate unreadable in its storage (Caddy refuses the config while provisioning).
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { caddyAdminClient } from "./admin-client.ts";
import { generateCaddyConfig } from "./caddy-config.ts";
import { caddyPaths, defaultAdminAddress } from "./caddy-process.ts";
import { CaddyAdminError, PortsHeldError } from "./errors.ts";
import { extraListeners } from "./listeners.ts";
import { checkRouterPorts } from "./port-check.ts";
import { findPortHolders } from "./port-holders.ts";
import { probeListeners, probeToken } from "./probe.ts";
import { createRouter, type Router, type RouterEvent } from "./router.ts";
import { freePort, httpGet, servedBy, type TestUpstream, tempHome, testUpstreams, waitFor } from "./testing.ts";
import type { AppRoute, RouterSettings } from "./types.ts";

// Caddy 2.6 reloads by binding new SO_REUSEPORT sockets and closing the old ones; a connection
// queued on an old one at that instant is reset unless the kernel hands it over to the new one.
const MIGRATE_REQ = "/proc/sys/net/ipv4/tcp_migrate_req";
const migrateSetting = (() => {
  try {
    return readFileSync(MIGRATE_REQ, "utf8").trim();
  } catch {
    return null;
  }
})();
const canHandOver = migrateSetting === "1" || (migrateSetting === "0" && process.getuid?.() === 0);

describe("router recovery with a real Caddy on loopback", () => {
  const homes = [tempHome(), tempHome()];
  const home = homes[0]?.home ?? "";
  const upstreams = testUpstreams();
  const events: RouterEvent[] = [];
  const routers: Router[] = [];
  let router: Router;
  let httpPort: number;
  let httpsPort: number;
  let steady: TestUpstream;
  let fresh: TestUpstream;

  const settings = (): RouterSettings => ({ httpPort, httpHost: "127.0.0.1", localTls: { httpsPort } });
  const app = (appName: string, upstream = steady): AppRoute => ({
    appName,
    hostnames: [],
    upstreams: [{ dial: upstream.dial }],
    policy: "round_robin",
  });
  const get = (appName: string) => httpGet({ port: httpPort, host: `${appName}.localhost:${httpPort}` });
  const newRouter = (h = home) => {
    // A short loop interval, for the one test that starts the loop.
    const r = createRouter({ home: h, settings: settings(), reconcileIntervalMs: 20, onEvent: (e) => events.push(e) });
    routers.push(r);
    return r;
  };

  const placement = () => ({ admin: defaultAdminAddress(home), storageRoot: caddyPaths(home).dataDir });

  /**
   * Caddy is moved (behind the router's back) to a config without HTTPS, then the HTTPS port's
   * UDP socket is taken by this process: a config with HTTPS cannot load. Returns the release.
   */
  const takeHttpsPort = async (routes: AppRoute[]): Promise<() => Promise<void>> => {
    await router.client.load(generateCaddyConfig(routes, { httpPort, httpHost: "127.0.0.1" }, placement()));
    const socket: UdpSocket = await waitFor("the HTTPS port's UDP socket to be free", async () => {
      const s = createSocket("udp4");
      return await new Promise<UdpSocket | undefined>((resolve) => {
        s.once("error", () => s.close(() => resolve(undefined)));
        s.bind(httpsPort, "127.0.0.1", () => resolve(s));
      });
    });
    return () => new Promise((resolve) => socket.close(() => resolve()));
  };

  /** Caddy refuses every config until the release: its local CA's root certificate cannot be parsed. */
  const breakLocalCa = (): (() => void) => {
    const root = join(caddyPaths(home).dataDir, "pki", "authorities", "local", "root.crt");
    renameSync(root, `${root}.kept`);
    writeFileSync(root, "not a certificate\n");
    return () => renameSync(`${root}.kept`, root);
  };

  /**
   * Someone loads a config whose apps' server also listens on a port this process holds: Caddy
   * opens the apps' port, fails on the other, refuses the config and keeps the first listener,
   * answering from the refused config, while the config before stays the running one.
   */
  const leaveListenersBehind = async (routes: AppRoute[]) => {
    const held = createServer();
    await new Promise<void>((resolve) => held.listen(0, "127.0.0.1", resolve));
    try {
      const refused = generateCaddyConfig(routes, settings(), placement()) as {
        apps: { http: { servers: Record<string, { listen: string[] }> } };
      };
      refused.apps.http.servers.skypanel?.listen.push(`127.0.0.1:${(held.address() as { port: number }).port}`);
      await expect(router.client.load(refused)).rejects.toThrow(/address already in use/);
    } finally {
      await new Promise<void>((resolve) => held.close(() => resolve()));
    }
    expect(extraListeners(router.caddy?.pid ?? 0, await router.client.getConfig(), [httpPort, httpsPort])).toBe(true);
  };

  /** Requests, one worker after another, until `work` is done: every answer counted. */
  const underLoad = async (appName: string, workers: number, work: () => Promise<void>) => {
    let done = false;
    let sent = 0;
    const outcomes = new Map<string, number>();
    const worker = async () => {
      // Bounded: at most 20,000 requests, however long the work takes.
      while ((!done || sent < 200) && sent < 20_000) {
        sent++;
        const outcome = await get(appName).then(
          (res) => (res.status === 200 ? servedBy(res) : `status ${res.status}: ${res.body.slice(0, 80)}`),
          (err: NodeJS.ErrnoException) => err.code ?? String(err),
        );
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }
    };
    const running = Array.from({ length: workers }, worker);
    try {
      await work();
    } finally {
      done = true;
      await Promise.all(running);
    }
    return { sent, outcomes: Object.fromEntries(outcomes) };
  };

  /** Caddy serves `config`'s sockets and no others, and every probe answers from it. */
  const expectNoListenerLeftBehind = async () => {
    const config = await router.client.getConfig();
    expect(extraListeners(router.caddy?.pid ?? 0, config, [httpPort, httpsPort])).toBe(false);
    const probe = await probeListeners({ host: "127.0.0.1", port: httpPort, token: probeToken(config) ?? "", requests: 32 });
    expect(probe).toEqual({ current: 32, stale: 0, failed: 0 });
  };

  beforeAll(async () => {
    httpPort = await freePort();
    httpsPort = await freePort();
    [steady, fresh] = await Promise.all([upstreams.start("steady"), upstreams.start("fresh")]);
    router = newRouter();
    await router.apply([app("steady")]);
  });

  afterAll(async () => {
    for (const r of routers.reverse()) await r.stop({ adopted: true });
    await upstreams.stopAll();
    for (const h of homes) h.remove();
  });

  it("a second router on the same ports with another home refuses, naming the Caddy that holds them", async () => {
    const otherHome = homes[1]?.home ?? "";
    const other = newRouter(otherHome);
    const error = await other.apply([app("steady")]).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(PortsHeldError);
    const message = (error as PortsHeldError).message;
    const ports = [`:${httpPort} (TCP)`, `:${httpsPort} (TCP, UDP)`].sort(
      (a, b) => Number.parseInt(a.slice(1), 10) - Number.parseInt(b.slice(1), 10),
    );
    expect(message).toContain(`Ports ${ports.join(" and ")} are held by pid ${router.caddy?.pid} (`);
    expect(message).toContain(`the Caddy of the SkyPanel at SKYPANEL_HOME=${home}`);
    expect(message).toContain(`kill ${router.caddy?.pid}`);
    expect(message).not.toContain("\n");
    // The platform's check before it starts anything says the same; for the first home, its own Caddy is no holder.
    await expect(checkRouterPorts({ home: otherHome, settings: settings() })).rejects.toThrow(message);
    await checkRouterPorts({ home, settings: settings() });
    // It started no Caddy of its own, and the first one still serves.
    expect(await caddyAdminClient(defaultAdminAddress(otherHome)).ping()).toBe(false);
    expect(servedBy(await get("steady"))).toBe("steady");
  });

  it.skipIf(!canHandOver)(
    "with routes added and removed and loads refused (ports held, Caddy refusing), every request under load answers from the app",
    async () => {
      // The kernel hands connections queued on a closing listener to the new one (see the top).
      const restore = migrateSetting === "0" ? () => writeFileSync(MIGRATE_REQ, "0") : () => {};
      if (migrateSetting === "0") writeFileSync(MIGRATE_REQ, "1");
      try {
        const seen = events.length;
        const load = await underLoad("steady", 4, async () => {
          await router.apply([app("steady"), app("other-one")]);
          await router.apply([app("steady")]);

          const release = await takeHttpsPort([app("steady")]);
          try {
            const held = await router.reconcile().catch((err: unknown) => err);
            expect(held).toBeInstanceOf(PortsHeldError);
            expect((held as Error).message).toMatch(new RegExp(`^Port :${httpsPort} \\(UDP\\) is held by pid ${process.pid} `));
            await expect(router.apply([app("steady"), app("other-two")])).rejects.toThrow(PortsHeldError);
          } finally {
            await release();
          }
          expect(await router.reconcile()).toEqual({ caddy: "running", loaded: true });

          const mend = breakLocalCa();
          try {
            await expect(router.apply([app("steady"), app("other-three")])).rejects.toThrow(CaddyAdminError);
          } finally {
            mend();
          }
          expect(await router.reconcile()).toEqual({ caddy: "running", loaded: true });
        });
        expect(load.outcomes).toEqual({ steady: load.sent });
        const failed = events.slice(seen).filter((e) => e.type === "load-failed");
        expect(failed).toEqual([
          { type: "load-failed", error: expect.any(PortsHeldError), recovered: "restored" },
          { type: "load-failed", error: expect.any(PortsHeldError), recovered: "restored" },
          { type: "load-failed", error: expect.any(CaddyAdminError), recovered: "restored" },
        ]);
        await expectNoListenerLeftBehind();
      } finally {
        restore();
      }
    },
  );

  it("500 sequential requests all answer 200 after route changes, a refused load, listeners left behind, and a restart of the router", async () => {
    await router.apply([app("steady"), app("other-one")]);
    await router.apply([app("steady")]);
    const pidBefore = router.caddy?.pid;

    // Caddy refuses the router's load: it keeps serving the routes before.
    let seen = events.length;
    const mend = breakLocalCa();
    try {
      await expect(router.apply([app("steady"), app("fresh", fresh)])).rejects.toThrow(CaddyAdminError);
    } finally {
      mend();
    }
    expect(events.slice(seen)).toEqual([{ type: "load-failed", error: expect.any(CaddyAdminError), recovered: "restored" }]);
    expect(servedBy(await get("steady"))).toBe("steady");
    expect((await get("fresh")).status).toBe(404);

    // Someone else's refused load leaves listeners behind that answer without "fresh"; the
    // router's next pass loads its routes, finds those listeners and replaces Caddy.
    await leaveListenersBehind([app("steady"), app("other-two")]);
    seen = events.length;
    expect(await router.reconcile()).toEqual({ caddy: "running", loaded: true });
    expect(events.slice(seen)).toEqual([
      { type: "config-loaded", reason: "drifted" },
      { type: "caddy-replaced", pid: expect.any(Number), reason: expect.stringContaining("kept listeners") },
    ]);
    expect(router.caddy?.pid).not.toBe(pidBefore);

    // The platform stops (Caddy keeps serving) and starts again: the new router adopts that Caddy.
    const pid = router.caddy?.pid;
    router.detach();
    router = newRouter();
    expect(await router.apply([app("fresh", fresh), app("steady")])).toEqual({ changed: false });
    expect(router.caddy).toMatchObject({ adopted: true, pid });

    const outcomes = new Map<string, number>();
    for (let i = 0; i < 500; i++) {
      const name = i % 2 === 0 ? "fresh" : "steady";
      const res = await get(name);
      const outcome = res.status === 200 && servedBy(res) === name ? "ok" : `${name}: ${res.status} ${res.body.slice(0, 80)}`;
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
    expect(Object.fromEntries(outcomes)).toEqual({ ok: 500 });
    await expectNoListenerLeftBehind();
  });

  it("the reconcile loop finds listeners a load made by someone else left behind, and replaces Caddy", async () => {
    await router.apply([app("steady")]);
    await leaveListenersBehind([app("steady"), app("other-four")]);

    const seen = events.length;
    router.start();
    try {
      await waitFor("Caddy to be replaced", async () => (events.slice(seen).some((e) => e.type === "caddy-replaced") ? true : undefined));
    } finally {
      router.detach();
    }
    expect(extraListeners(router.caddy?.pid ?? 0, await router.client.getConfig(), [httpPort, httpsPort])).toBe(false);
    // HTTP/3's UDP socket came back with the new Caddy, once the old one had let it go.
    expect(findPortHolders([{ protocol: "udp", port: httpsPort, host: "" }], new Set()).map((h) => h.pid)).toEqual([router.caddy?.pid]);
    await expectNoListenerLeftBehind();
    for (let i = 0; i < 50; i++) expect(servedBy(await get("steady"))).toBe("steady");
  });
});
