// Service addresses in real nftables (root): connections to an app's address reach its
// instances (here two HTTP servers on 127.0.0.1), round-robin or by weight; an app without
// instances is refused at once; claims survive a restart and go with remove().
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createServer, get, type Server } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServiceBalancer, type ServiceBalancer } from "./service-balancer.ts";

const owner = `sptestlb${process.pid}`;

function server(name: string): Promise<{ srv: Server; port: number }> {
  const srv = createServer((_req, res) => res.end(name));
  return new Promise((resolve) => srv.listen(0, "127.0.0.1", () => resolve({ srv, port: (srv.address() as { port: number }).port })));
}

/** One GET on a new connection (a kept-alive one would stay with the instance it first reached). */
function ask(address: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = get({ host: address, port, path: "/", agent: false, timeout: 3000 }, (res) => {
      let body = "";
      res.on("data", (chunk) => {
        body += chunk;
      });
      res.on("end", () => resolve(body));
    });
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", reject);
  });
}

describe("service balancer (nftables)", () => {
  let a: Awaited<ReturnType<typeof server>>;
  let b: Awaited<ReturnType<typeof server>>;
  let balancer: ServiceBalancer;
  const upstreams = () => [
    { address: "127.0.0.1", port: a.port },
    { address: "127.0.0.1", port: b.port },
  ];

  beforeAll(async () => {
    a = await server("a");
    b = await server("b");
    balancer = createServiceBalancer({ runDir: "/run/skypanel", owner });
  });
  afterAll(async () => {
    await balancer.remove();
    a.srv.close();
    b.srv.close();
  });

  it("spreads connections to the app's address over its instances, round-robin", async () => {
    await balancer.apply([{ appId: "app-1", port: 5000, upstreams: upstreams() }]);
    const vip = balancer.addressFor("app-1");
    expect(vip).toMatch(/^10\.214\.\d+\.\d+$/);
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await ask(vip, 5000));
    expect(answers.filter((x) => x === "a")).toHaveLength(3);
    expect(answers.filter((x) => x === "b")).toHaveLength(3);
  });

  it("honours weights (a canary at one in four)", async () => {
    await balancer.apply([
      {
        appId: "app-1",
        port: 5000,
        upstreams: [
          { address: "127.0.0.1", port: a.port, weight: 1 },
          { address: "127.0.0.1", port: b.port, weight: 3 },
        ],
      },
    ]);
    const vip = balancer.addressFor("app-1");
    let toA = 0;
    for (let i = 0; i < 200; i++) if ((await ask(vip, 5000)) === "a") toA++;
    // Random with p = 0.25: 50 expected; 20..85 is more than six standard deviations wide.
    expect(toA).toBeGreaterThan(20);
    expect(toA).toBeLessThan(85);
  });

  it("refuses an app with no instance at once, and keeps addresses across a restart", async () => {
    const vip2 = balancer.addressFor("app-2");
    await balancer.apply([
      { appId: "app-1", port: 5000, upstreams: upstreams() },
      { appId: "app-2", port: 5000, upstreams: [] },
    ]);
    const started = Date.now();
    await expect(ask(vip2, 5000)).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(2000);
    const again = createServiceBalancer({ runDir: "/run/skypanel", owner });
    expect(again.addressFor("app-1")).toBe(balancer.addressFor("app-1"));
    expect(again.addressFor("app-2")).toBe(vip2);
  });

  it("a released address stays claimed until the table without it is loaded (another control plane cannot get it while old rules refuse it)", async () => {
    balancer.addressFor("app-2");
    const dir = "/run/skypanel/service-addresses";
    const claimed = () => readdirSync(dir).some((f) => readFileSync(join(dir, f), "utf8") === `${owner}/app-2`);
    balancer.release(new Set(["app-1"]));
    // Released, but the loaded table still rejects app-2's address: its claim stays.
    expect(claimed()).toBe(true);
    await balancer.apply([{ appId: "app-1", port: 5000, upstreams: upstreams() }]);
    expect(claimed()).toBe(false);
  });

  it("remove() takes the rules and the claims away", async () => {
    await balancer.remove();
    expect(execFileSync("/usr/sbin/nft", ["list", "tables"], { encoding: "utf8" })).not.toContain(`skypanel_lb_${owner}`);
    const dir = "/run/skypanel/service-addresses";
    const owners = readdirSync(dir).map((f) => readFileSync(join(dir, f), "utf8").split("/")[0]);
    expect(owners).not.toContain(owner);
  });
});
