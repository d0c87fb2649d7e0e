// Each cgroup limit proven by breaking it, for real, as root.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { detectCgroupHost } from "./cgroups.ts";
import { addProbeApp, collect, hostProcessCount, LIMITS, leftovers, testRuntime, testSpec, until } from "./testing.ts";

describe("runtime: limits, each broken on purpose (real cgroups)", () => {
  const app = addProbeApp();
  const t = testRuntime();
  afterAll(async () => {
    await t.cleanup();
    app.remove();
  });

  it("OOM-kills a memory hog at its memory limit and says so", async () => {
    const memoryBytes = 96 * 1024 * 1024;
    const instance = await t.runtime.startInstance(
      testSpec(app.storePath, { command: "node server.js hog", limits: { ...LIMITS, memoryBytes } }),
    );
    const out = collect(instance.stdout);
    let peak = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, instance.usage()?.memory.currentBytes ?? 0);
    }, 20);
    const exit = await instance.wait();
    clearInterval(sampler);
    expect(out).toContain("hogging");
    expect(exit.reason).toBe("oom-killed");
    expect(peak).toBeLessThanOrEqual(memoryBytes);
    expect(leftovers(instance)).toEqual([]);
  });

  it("caps a fork bomb at maxProcs without the host's process count exploding", async () => {
    const maxProcs = 40;
    const before = hostProcessCount();
    const instance = await t.runtime.startInstance(
      testSpec(app.storePath, { command: "bomb() { bomb | bomb & }; bomb; sleep 60", limits: { ...LIMITS, maxProcs, cpuQuota: 0.5 } }),
    );
    try {
      const eventsFile = join(detectCgroupHost().roots.pids ?? "", instance.cgroup ?? "", "pids.events");
      const refusedForks = () => Number(/^max (\d+)$/m.exec(readFileSync(eventsFile, "utf8"))?.[1] ?? 0);
      await until(() => refusedForks() > 20, 15_000, "forks refused at pids.max");
      let highest = 0;
      for (let i = 0; i < 20; i++) {
        highest = Math.max(highest, hostProcessCount() - before);
        expect(instance.usage()?.pids.current).toBeLessThanOrEqual(maxProcs);
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(highest).toBeLessThan(maxProcs + 20);
    } finally {
      await instance.stop(0);
    }
    expect(leftovers(instance)).toEqual([]);
    expect(hostProcessCount() - before).toBeLessThan(20);
  });

  it("holds a CPU spinner to its quota of 0.2 cores, measured from the cgroup's CPU time", async () => {
    const instance = await t.runtime.startInstance(
      testSpec(app.storePath, { command: "node server.js spin", limits: { ...LIMITS, cpuQuota: 0.2 } }),
    );
    try {
      const out = collect(instance.stdout);
      await until(() => out.includes("spinning"), 10_000, "the spinner");
      instance.usage();
      await new Promise((r) => setTimeout(r, 2000));
      const reading = instance.usage();
      expect(reading?.cpu.percent).toBeGreaterThan(5);
      expect(reading?.cpu.percent).toBeLessThan(35);
    } finally {
      await instance.stop(0);
    }
  });
});
