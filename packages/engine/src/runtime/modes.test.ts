// bwrap and process modes start the same app; specs are checked; cgroup v2 limits and readings.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cgroupPids, createCgroup, detectCgroupHost, instanceCgroup, oomKills } from "./cgroups.ts";
import { instanceEnv } from "./env.ts";
import { readUsage } from "./readings.ts";
import { InvalidInstanceSpecError } from "./spec.ts";
import { addProbeApp, collect, LIMITS, leftovers, probe, testRuntime, testSpec, until } from "./testing.ts";

describe("runtime: bubblewrap and process modes (real)", () => {
  const app = addProbeApp();
  const warnings: string[] = [];
  const t = testRuntime((message) => warnings.push(message));
  afterAll(async () => {
    await t.cleanup();
    app.remove();
  });

  it("bwrap: the same app at its own address, PID 2, limited by its cgroup, without the host's files", async () => {
    const instance = await t.runtime.startInstance(testSpec(app.storePath, { mode: "bwrap", env: { GREETING: "hi" } }));
    const out = collect(instance.stdout);
    const hello = await probe<{ pid: number; env: Record<string, string> }>(instance, "/");
    expect(instance.address).toMatch(/^10\.213\./);
    expect(hello.pid).toBe(2);
    expect(hello.env.GREETING).toBe("hi");
    expect(hello.env.PORT).toBe("5000");
    expect(await probe(instance, "/list?path=/root")).toMatchObject({ ok: false, error: "ENOENT" });
    expect(await probe(instance, "/write?path=/usr/planted")).toMatchObject({ ok: false });
    expect(await probe(instance, "/connect?host=127.0.0.1&port=5432")).toMatchObject({ ok: false });
    expect(instance.usage()?.memory.limitBytes).toBe(LIMITS.memoryBytes);
    expect(await instance.stop(5000)).toMatchObject({ code: 0, reason: "stopped" });
    expect(out).toContain("got SIGTERM, exiting");
    expect(leftovers(instance)).toEqual([]);
  });

  it("bwrap: a memory hog is OOM-killed too", async () => {
    const instance = await t.runtime.startInstance(
      testSpec(app.storePath, { mode: "bwrap", command: "node server.js hog", limits: { ...LIMITS, memoryBytes: 96 * 1024 * 1024 } }),
    );
    expect((await instance.wait()).reason).toBe("oom-killed");
  });

  it("process: the same app on 127.0.0.1, with a warning that nothing is isolated", async () => {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const instance = await t.runtime.startInstance(testSpec(app.storePath, { mode: "process", port }));
    expect(warnings.join("\n")).toMatch(new RegExp(`${instance.instanceId}.*process mode: NO isolation`));
    expect(instance.address).toBe("127.0.0.1");
    expect(instance.cgroup).toBeNull();
    const hello = await probe<{ pid: number; env: Record<string, string> }>(instance, "/");
    expect(hello.pid).toBe(instance.pid);
    expect(hello.env.PORT).toBe(String(port));
    expect(hello.env.FROM_ARTIFACT).toBe("yes");
    const out = collect(instance.stdout);
    expect(await instance.stop(5000)).toEqual({ code: 0, signal: null, reason: "stopped" });
    await until(() => out.includes("got SIGTERM, exiting"), 2000, "the SIGTERM line");
  });

  it("refuses bad specs with a clear error and starts nothing", async () => {
    await expect(t.runtime.startInstance(testSpec(app.storePath, { instanceId: "Bad_Id" }))).rejects.toThrow(InvalidInstanceSpecError);
    await expect(t.runtime.startInstance(testSpec("/tmp/not-in-store"))).rejects.toThrow(
      /artifactPath: the artifact must be a Nix store path/,
    );
    await expect(t.runtime.startInstance(testSpec(app.storePath, { port: 80 }))).rejects.toThrow(/port/);
    await expect(t.runtime.startInstance(testSpec(app.storePath, { env: { "BAD-NAME": "x" } }))).rejects.toThrow(/POSIX/);
    expect(await t.runtime.findRunningInstances()).toEqual([]);
  });
});

describe("runtime: environment", () => {
  it("sets config vars over the artifact's, keeps PORT, and expands the artifact's $PATH", () => {
    const dir = mkdtempSync(join(tmpdir(), "skypanel-env-"));
    mkdirSync(join(dir, ".skypanel"));
    writeFileSync(join(dir, ".skypanel", "env"), "PATH=/venv/bin:$PATH\nNODE_ENV=production\nPORT=1\nnot a line\n");
    const spec = testSpec("/nix/store/00000000000000000000000000000000-x", { env: { NODE_ENV: "staging", PORT: "2" }, port: 5005 });
    expect(instanceEnv(spec, dir)).toEqual({
      PATH: "/venv/bin:/usr/local/bin:/usr/bin:/bin",
      HOME: "/tmp",
      LANG: "C.UTF-8",
      NODE_ENV: "staging",
      PORT: "5005",
    });
    rmSync(dir, { recursive: true });
  });
});

describe("runtime: cgroup v2 (in a temp dir standing in for /sys/fs/cgroup: this host's unified hierarchy has no controllers)", () => {
  it("writes memory.max, cpu.max and pids.max, enables the controllers, and reads v2 files", () => {
    const root = mkdtempSync(join(tmpdir(), "skypanel-cgroup2-"));
    writeFileSync(join(root, "cgroup.controllers"), "cpuset cpu io memory hugetlb pids rdma misc\n");
    const host = detectCgroupHost(root);
    expect(host.version).toBe(2);
    const cg = instanceCgroup(host, "skypanel", "i1");
    const dir = join(root, "skypanel", "i1");
    createCgroup(host, cg, { memoryBytes: 64 << 20, cpuQuota: 0.25, maxProcs: 50, ioWeight: 300 });
    const read = (f: string) => readFileSync(join(dir, f), "utf8");
    expect(read("memory.max")).toBe(String(64 << 20));
    expect(read("cpu.max")).toBe("25000 100000");
    expect(read("pids.max")).toBe("50");
    expect(readFileSync(join(root, "cgroup.subtree_control"), "utf8")).toBe("+cpu +io +memory +pids");
    expect(readFileSync(join(root, "skypanel", "cgroup.subtree_control"), "utf8")).toBe("+cpu +io +memory +pids");

    // Files the kernel would provide.
    writeFileSync(join(dir, "cgroup.procs"), "41\n42\n");
    writeFileSync(join(dir, "memory.current"), "1048576\n");
    writeFileSync(join(dir, "memory.events"), "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n");
    writeFileSync(join(dir, "cpu.stat"), "usage_usec 1500000\nuser_usec 1000000\nsystem_usec 500000\n");
    writeFileSync(join(dir, "io.stat"), "8:0 rbytes=4096 wbytes=8192 rios=1 wios=2\n8:16 rbytes=1 wbytes=2 rios=1 wios=1\n");
    expect(cgroupPids(cg)).toEqual([41, 42]);
    expect(oomKills(cg)).toBe(1);
    const reading = readUsage(cg, null, { at: Date.now() - 3000, cpuNs: 0 });
    expect(reading.cpu.usageNs).toBe(1_500_000_000);
    expect(reading.cpu.percent).toBeGreaterThan(45);
    expect(reading.cpu.percent).toBeLessThan(55);
    expect(reading.memory).toEqual({ currentBytes: 1048576, peakBytes: null, limitBytes: 64 << 20 });
    expect(reading.pids).toEqual({ current: 0, max: 50 });
    expect(reading.io).toEqual({ readBytes: 4097, writeBytes: 8194 });
    rmSync(root, { recursive: true });
  });
});
