// The shared event bus through Redis Sentinel: a master, a replica and a sentinel of the test's
// own (real redis-server and redis-sentinel on free loopback ports, config files in a temp
// folder), two buses found through the sentinel, then a failover the sentinel is told to make.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../process/free-port.ts";
import type { PlatformEvent } from "./bus.ts";
import { type RedisEventBus, redisEventBus } from "./redis-bus.ts";
import { redisConnector } from "./shared-redis.ts";

const NAME = "skypanel-test";

async function until(what: string, check: () => Promise<boolean>, ms = 30_000) {
  const deadline = Date.now() + ms;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("the event bus through Redis Sentinel (own redis-server, replica and redis-sentinel)", { timeout: 90_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "skypanel-sentinel-"));
  const children: ChildProcess[] = [];
  const buses: RedisEventBus[] = [];
  const ports = { master: 0, replica: 0, sentinel: 0 };
  const start = (command: string, args: string[]) => {
    const child = spawn(command, args, { cwd: dir, stdio: "ignore" });
    children.push(child);
    return child;
  };
  const ping = (port: number) => {
    const r = new Redis({ port, host: "127.0.0.1", lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    r.on("error", () => {});
    return r
      .connect()
      .then(() => r.ping())
      .then((p) => p === "PONG")
      .finally(() => r.disconnect());
  };
  const sentinel = () => new Redis({ port: ports.sentinel, host: "127.0.0.1" });

  beforeAll(async () => {
    ports.master = await freePort();
    ports.replica = await freePort();
    ports.sentinel = await freePort();
    const server = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir];
    start("redis-server", ["--port", String(ports.master), ...server]);
    start("redis-server", ["--port", String(ports.replica), "--replicaof", "127.0.0.1", String(ports.master), ...server]);
    const conf = join(dir, "sentinel.conf");
    writeFileSync(
      conf,
      [
        `port ${ports.sentinel}`,
        "bind 127.0.0.1",
        `dir ${dir}`,
        `sentinel monitor ${NAME} 127.0.0.1 ${ports.master} 1`,
        `sentinel down-after-milliseconds ${NAME} 2000`,
        `sentinel failover-timeout ${NAME} 10000`,
        "",
      ].join("\n"),
    );
    start("redis-sentinel", [conf]);
    await until(
      "the three servers answer",
      async () => (await ping(ports.master)) && (await ping(ports.replica)) && (await ping(ports.sentinel)),
    );
  });

  afterAll(async () => {
    for (const bus of buses) await bus.close();
    for (const child of children) child.kill("SIGKILL");
    await Promise.all(children.map((c) => (c.exitCode === null && c.signalCode === null ? new Promise((r) => c.once("exit", r)) : null)));
    rmSync(dir, { recursive: true, force: true });
  });

  it("an event published on one bus is received on another, both found through the sentinel; after a failover too", async () => {
    const connect = redisConnector({ sentinels: [{ host: "127.0.0.1", port: ports.sentinel }], sentinelName: NAME });
    const one = await redisEventBus({ connect, prefix: "skypanel:events", onError: () => {} });
    buses.push(one);
    const two = await redisEventBus({ connect, prefix: "skypanel:events", onError: () => {} });
    buses.push(two);
    const heard: PlatformEvent[] = [];
    two.subscribe((e) => heard.push(e));
    const deploy = (n: number): PlatformEvent => ({ type: "deployment.updated", appId: "shop", deploymentId: `d${n}`, status: "queued" });

    await until("the replica is in sync", async () => {
      const r = new Redis({ port: ports.replica, host: "127.0.0.1" });
      return (await r.info("replication").finally(() => r.disconnect())).includes("master_link_status:up");
    });
    one.publish(deploy(1));
    await until("the second bus hears d1", async () => heard.length === 1);
    expect(heard).toEqual([deploy(1)]);

    // The sentinel must know the replica before it can promote it.
    const s = sentinel();
    try {
      await until("the sentinel knows the replica", async () => ((await s.call("SENTINEL", "REPLICAS", NAME)) as unknown[]).length === 1);
      expect(await s.call("SENTINEL", "FAILOVER", NAME)).toBe("OK");
      await until(
        "the replica is the master",
        async () => ((await s.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", NAME)) as string[])[1] === String(ports.replica),
      );
    } finally {
      s.disconnect();
    }
    // The old master is made a replica of the new one; both buses follow the sentinel there.
    const old = new Redis({ port: ports.master, host: "127.0.0.1" });
    try {
      await until("the old master is a replica", async () => ((await old.call("ROLE")) as string[])[0] === "slave");
    } finally {
      old.disconnect();
    }
    await until("an event published after the failover reaches the second bus", async () => {
      one.publish(deploy(3));
      await new Promise((r) => setTimeout(r, 300));
      return heard.some((e) => (e as { deploymentId: string }).deploymentId === "d3");
    });
    const onNewMaster = new Redis({ port: ports.replica, host: "127.0.0.1" });
    try {
      const entries = (await onNewMaster.xrange("skypanel:events:state", "-", "+")).map(([, fields]) =>
        JSON.parse(fields[fields.indexOf("e") + 1] ?? ""),
      );
      expect(entries.map((e) => e.deploymentId)).toContain("d1");
      expect(entries.map((e) => e.deploymentId)).toContain("d3");
    } finally {
      onNewMaster.disconnect();
    }
  });
});
