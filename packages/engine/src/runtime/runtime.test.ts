// The nspawn runtime for real, as root: namespaces, cgroups, veth and nftables on this host.
import { spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRuntime } from "./runtime.ts";
import { addProbeApp, collect, LIMITS, leftovers, probe, testRuntime, testSpec, until } from "./testing.ts";

interface Hello {
  pid: number;
  uid: number;
  cwd: string;
  env: Record<string, string>;
}
interface FsResult {
  ok: boolean;
  error?: string;
  value?: unknown;
}

describe("runtime: an instance in systemd-nspawn (real namespaces, cgroups, veth)", () => {
  const app = addProbeApp();
  const t = testRuntime();
  // Stand-ins for the platform's data and root's files, readable by anyone on the host.
  const home = mkdtempSync(join(process.cwd(), ".skypanel-runtime-test-"));
  const rootFile = `/root/skypanel-runtime-test-${process.pid}`;

  beforeAll(() => {
    mkdirSync(join(home, "keys"));
    writeFileSync(join(home, "keys", "master.key"), "not for apps");
    chmodSync(home, 0o755);
    writeFileSync(rootFile, "root's", { mode: 0o644 });
  });
  afterAll(async () => {
    await t.cleanup();
    app.remove();
    rmSync(home, { recursive: true, force: true });
    rmSync(rootFile, { force: true });
  });

  it("serves HTTP at its own address as PID 2 of its own PID namespace, with PORT, config and artifact env", async () => {
    const spec = testSpec(app.storePath, { env: { GREETING: "it's 'quoted' $HOME", PATH: "/config/bin:/usr/bin:/bin" } });
    const instance = await t.runtime.startInstance(spec);
    const out = collect(instance.stdout);
    expect(instance.address).toMatch(/^10\.213\.\d+\.\d+$/);
    expect(instance.address).not.toBe("127.0.0.1");
    expect(instance.cgroup).toBe(`${t.parent}/${spec.instanceId}`);

    const hello = await probe<Hello>(instance, "/");
    expect(hello.pid).toBe(2);
    expect(hello.uid).toBeGreaterThanOrEqual(1_000_000_000);
    expect(hello.cwd).toBe(join(app.storePath, "app"));
    expect(hello.env.PORT).toBe("5000");
    expect(hello.env.GREETING).toBe("it's 'quoted' $HOME");
    expect(hello.env.FROM_ARTIFACT).toBe("yes");
    // The artifact's `$PATH` is the PATH the process would have had: here the config's.
    expect(hello.env.PATH).toBe("/opt/probe/bin:/config/bin:/usr/bin:/bin");
    // Nothing of the control plane's own environment leaks in.
    expect(Object.keys(hello.env)).not.toContain("SKYPANEL_TEST_PG_URL");
    expect(Object.keys(hello.env)).not.toContain("VITEST");

    const init = await probe<FsResult>(instance, "/read?path=/proc/1/cmdline");
    expect(init.ok).toBe(true);
    expect(init.value).not.toBe(readFileSync("/proc/1/cmdline", "utf8"));
    const processes = await probe<{ pid: number; cmdline: string }[]>(instance, "/processes");
    expect(processes.map((p) => p.pid).sort()).toEqual([1, 2]);
    await until(() => out.includes("listening on 5000"), 5000, "the app's stdout line");

    const reading = instance.usage();
    expect(reading?.memory.limitBytes).toBe(LIMITS.memoryBytes);
    expect(reading?.memory.currentBytes).toBeGreaterThan(0);
    expect(reading?.pids.max).toBe(LIMITS.maxProcs);
    expect(reading?.pids.current).toBeGreaterThan(2);
    expect(reading?.cpu.usageNs).toBeGreaterThan(0);
    expect(reading?.network?.rxBytes).toBeGreaterThan(0);
    expect(reading?.network?.txBytes).toBeGreaterThan(0);

    const exit = await instance.stop(5000);
    expect(exit).toEqual({ code: 0, signal: null, reason: "stopped" });
    expect(out).toContain("got SIGTERM, exiting");
    expect(leftovers(instance)).toEqual([]);
    expect(instance.usage()).toBeNull();
  });

  it("cannot read the platform's data or /root, nor write /usr or its app directory", async () => {
    const instance = await t.runtime.startInstance(testSpec(app.storePath));
    try {
      expect(readFileSync(join(home, "keys", "master.key"), "utf8")).toBe("not for apps");
      expect(await probe<FsResult>(instance, `/read?path=${join(home, "keys", "master.key")}`)).toMatchObject({ ok: false });
      expect(await probe<FsResult>(instance, `/list?path=${home}`)).toMatchObject({ ok: false, error: "ENOENT" });
      expect(await probe<FsResult>(instance, `/read?path=${rootFile}`)).toMatchObject({ ok: false });
      const rootListing = await probe<FsResult>(instance, "/list?path=/root");
      expect(rootListing.ok === false || (rootListing.value as string[]).length === 0).toBe(true);
      expect(await probe<FsResult>(instance, "/write?path=/usr/planted")).toMatchObject({ ok: false });
      expect(await probe<FsResult>(instance, `/write?path=${join(app.storePath, "app", "planted")}`)).toMatchObject({ ok: false });
      // Its own /tmp is writable.
      expect(await probe<FsResult>(instance, "/write?path=/tmp/mine")).toMatchObject({ ok: true });
      // Of the store it sees its artifact's closure only.
      expect(await probe<FsResult>(instance, "/list?path=/nix/store")).toEqual({
        ok: true,
        value: [app.storePath.slice("/nix/store/".length)],
      });
    } finally {
      await instance.stop(0);
    }
  });

  it("stop() sends SIGTERM, then SIGKILL after the grace to a process that ignores it, and leaves nothing behind", async () => {
    const instance = await t.runtime.startInstance(testSpec(app.storePath, { command: "node server.js ignore-term" }));
    const out = collect(instance.stdout);
    await probe(instance, "/");
    const started = Date.now();
    const exit = await instance.stop(1500);
    expect(exit.reason).toBe("killed");
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
    expect(out).toContain("got SIGTERM, ignoring it");
    expect(leftovers(instance)).toEqual([]);
  });

  it("reports a process that exits by itself as exited, with its code and its stderr", async () => {
    const instance = await t.runtime.startInstance(testSpec(app.storePath, { command: "echo leaving >&2; exit 3" }));
    const err = collect(instance.stderr);
    expect(await instance.wait()).toEqual({ code: 3, signal: null, reason: "exited" });
    await until(() => err.includes("leaving"), 2000, "the stderr line");
    expect(leftovers(instance)).toEqual([]);
  });

  it("is found again by a restarted control plane, which can stop it; its logs resume where they were", async () => {
    // The first control plane is a separate Node process that starts the instance and exits.
    const spec = testSpec(app.storePath);
    const script = fileURLToPath(new URL("./testing-start.ts", import.meta.url));
    const tsx = join(process.cwd(), "node_modules", ".bin", "tsx");
    const first = spawn(tsx, [script, t.parent, JSON.stringify(spec)], { stdio: ["ignore", "pipe", "inherit"] });
    let said = "";
    first.stdout.on("data", (chunk) => {
      said += chunk;
    });
    const code = await new Promise((resolve) => first.on("exit", resolve));
    expect(code).toBe(0);
    const started = JSON.parse(said) as { address: string; port: number; lines: string[] };
    expect(started.lines).toContain("listening on 5000");

    const restarted = createRuntime({ cgroupParent: t.parent, log: () => {} });
    const found = await restarted.findRunningInstances();
    expect(found.map((i) => i.instanceId)).toEqual([spec.instanceId]);
    const [instance] = found;
    if (!instance) throw new Error("not found");
    expect(instance.readopted).toBe(true);
    expect(instance.address).toBe(started.address);
    expect((await probe<Hello>(instance, "/")).pid).toBe(2);
    // Asking again gives the same handle, not a second one.
    expect(await restarted.findRunningInstances()).toEqual([instance]);
    await expect(restarted.startInstance(spec)).rejects.toThrow(/already running/);

    const out = collect(instance.stdout);
    const exit = await instance.stop(5000);
    expect(exit.reason).toBe("stopped");
    expect(exit.code).toBe(0);
    expect(out).toEqual(["got SIGTERM, exiting"]);
    expect(leftovers(instance)).toEqual([]);
    expect(await restarted.findRunningInstances()).toEqual([]);
  });
});
