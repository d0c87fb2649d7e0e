// Adoption and the reconcile loop, against real Caddy processes this file starts and stops by pid.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { caddyAdminClient } from "./admin-client.ts";
import { adminConfig } from "./caddy-config.ts";
import { type CaddyHandle, defaultAdminAddress, startOrAdoptCaddy } from "./caddy-process.ts";
import { configHash } from "./config-hash.ts";
import { CaddyStartError } from "./errors.ts";
import { createRouter, type Router, type RouterEvent } from "./router.ts";
import { freePort, httpGet, servedBy, type TestUpstream, tempHome, testUpstreams, waitFor } from "./testing.ts";
import type { AppRoute } from "./types.ts";

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("Caddy process and router reconciler (real Caddy)", () => {
  const upstreams = testUpstreams();
  const homes: ReturnType<typeof tempHome>[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  let a: TestUpstream;

  const newHome = () => {
    const h = tempHome();
    homes.push(h);
    return h.home;
  };
  const route = (): AppRoute => ({ appName: "myapp", hostnames: [], upstreams: [{ dial: a.dial }], policy: "round_robin" });
  const served = (port: number) => httpGet({ port, host: `myapp.localhost:${port}` }).then(servedBy);

  beforeAll(async () => {
    a = await upstreams.start("a");
  });

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    await upstreams.stopAll();
    for (const h of homes) h.remove();
  });

  it("adopts a Caddy that already answers instead of starting another, and leaves it running on stop", async () => {
    const home = newHome();
    const first: CaddyHandle = await startOrAdoptCaddy({ home });
    cleanups.push(() => first.stop());
    expect(first.adopted).toBe(false);
    expect(first.pid).toBeGreaterThan(0);

    const port = await freePort();
    const second = createRouter({ home, settings: { httpPort: port, httpHost: "127.0.0.1" } });
    expect(await second.apply([route()])).toEqual({ changed: true });
    expect(second.caddy?.adopted).toBe(true);
    // Its pid, from run/caddy.pid, checked to be a Caddy running in this home.
    expect(second.caddy?.pid).toBe(first.pid);
    expect(await served(port)).toBe("a");
    await second.stop();

    expect(alive(first.pid ?? 0)).toBe(true);
    expect(await served(port)).toBe("a");
    await first.stop();
    expect(alive(first.pid ?? 0)).toBe(false);
    expect(await caddyAdminClient(defaultAdminAddress(home)).ping()).toBe(false);
  });

  it("says clearly when Caddy cannot be started", async () => {
    const home = newHome();
    await expect(startOrAdoptCaddy({ home, caddyBinary: "/nonexistent/caddy" })).rejects.toThrow(CaddyStartError);
    await expect(startOrAdoptCaddy({ home, caddyBinary: "/nonexistent/caddy" })).rejects.toThrow(/install Debian's caddy/);
  });

  describe("a router that started its Caddy", () => {
    let router: Router;
    let port: number;
    let home: string;
    const events: RouterEvent[] = [];

    beforeAll(async () => {
      port = await freePort();
      home = newHome();
      router = createRouter({
        home,
        settings: { httpPort: port, httpHost: "127.0.0.1" },
        reconcileIntervalMs: 250,
        onEvent: (e) => events.push(e),
      });
      cleanups.push(() => router.stop());
      await router.apply([route()]);
      router.start();
    });

    it("brings Caddy back with the desired routes after it is SIGKILLed", async () => {
      const pid = router.caddy?.pid ?? 0;
      expect(pid).toBeGreaterThan(0);
      process.kill(pid, "SIGKILL");
      await waitFor("the route to answer again from a new Caddy", async () =>
        router.caddy?.pid !== pid && (await served(port)) === "a" ? true : undefined,
      );
      expect(alive(pid)).toBe(false);
      expect(events).toContainEqual({ type: "caddy-lost", pid, reason: "it exited" });
      expect(events).toContainEqual({ type: "config-loaded", reason: "drifted" });
    });

    it("restores the routes when someone loads an empty config through the admin API", async () => {
      const pid = router.caddy?.pid;
      const desired = configHash(await router.client.getConfig());
      await router.client.load({ admin: adminConfig(defaultAdminAddress(home)) });
      await expect(served(port)).rejects.toThrow(/ECONNREFUSED/);
      await waitFor("the routes to be restored", async () => ((await served(port)) === "a" ? true : undefined));
      expect(router.caddy?.pid).toBe(pid);
      expect(configHash(await router.client.getConfig())).toBe(desired);
    });

    it("replaces its Caddy when the admin API is moved away from the platform's socket", async () => {
      const pid = router.caddy?.pid ?? 0;
      const elsewhere = `${home}/run/elsewhere.sock`;
      await router.client.load({ admin: { listen: `unix/${elsewhere}` } }).catch(() => {});
      await waitFor("a new Caddy serving the routes", async () =>
        router.caddy?.pid !== pid && (await served(port)) === "a" ? true : undefined,
      );
      expect(alive(pid)).toBe(false);
      expect(await caddyAdminClient({ socketPath: elsewhere }).ping()).toBe(false);
    });
  });
});
