// Helpers for runtime tests: a small Node app added to the Nix store, and probes of a running instance.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { detectCgroupHost } from "./cgroups.ts";
import { NFT } from "./firewall.ts";
import type { Instance } from "./instance.ts";
import { createRuntime } from "./runtime.ts";
import type { InstanceSpec } from "./spec.ts";

/**
 * The probe app. `node server.js` serves HTTP on $PORT with endpoints that report what the
 * instance can see and reach; other arguments make it break a limit.
 */
const SERVER_JS = String.raw`
const http = require("node:http");
const fs = require("node:fs");
const net = require("node:net");
const mode = process.argv[2] || "web";

if (mode === "hog") {
  const kept = [];
  console.log("hogging");
  setInterval(() => kept.push(Buffer.alloc(8 << 20, 1)), 5);
} else if (mode === "spin") {
  console.log("spinning");
  for (;;) {}
} else {
  if (mode === "ignore-term") process.on("SIGTERM", () => console.log("got SIGTERM, ignoring it"));
  else process.on("SIGTERM", () => { console.log("got SIGTERM, exiting"); process.exit(0); });
  const tryFs = (fn) => { try { return { ok: true, value: fn() }; } catch (e) { return { ok: false, error: e.code || e.message }; } };
  const routes = {
    "/": () => ({ pid: process.pid, uid: process.getuid(), cwd: process.cwd(), env: process.env }),
    "/read": (q) => tryFs(() => fs.readFileSync(q.get("path"), "utf8")),
    "/list": (q) => tryFs(() => fs.readdirSync(q.get("path"))),
    "/write": (q) => tryFs(() => fs.writeFileSync(q.get("path"), "x")),
    "/processes": () => fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p)).map((p) => ({
      pid: Number(p), cmdline: tryFs(() => fs.readFileSync("/proc/" + p + "/cmdline", "utf8").replaceAll("\0", " ").trim()).value ?? "",
    })),
    "/connect": (q) => new Promise((resolve) => {
      const socket = net.connect({ host: q.get("host"), port: Number(q.get("port")) });
      const done = (result) => { socket.destroy(); resolve(result); };
      socket.setTimeout(1500, () => done({ ok: false, error: "timeout" }));
      socket.on("connect", () => done({ ok: true }));
      socket.on("error", (e) => done({ ok: false, error: e.code }));
    }),
  };
  http.createServer(async (req, res) => {
    const url = new URL(req.url, "http://x");
    const route = routes[url.pathname];
    if (!route) { res.statusCode = 404; return res.end(); }
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify(await route(url.searchParams)));
  }).listen(Number(process.env.PORT), "0.0.0.0", () => console.log("listening on " + process.env.PORT));
}
`;

// Test artifacts live in the store only while their test runs: rooted here, so a garbage
// collection by another test file running meanwhile (builds prune the store) cannot take them.
const TEST_GC_ROOTS = "/nix/var/nix/gcroots/skypanel-tests";

/**
 * Adds an app (its `app/` files, by relative path) to the store under a name unique to this run,
 * with a GC root; `remove` drops the root and deletes the path again.
 */
export function addTestArtifact(name: string, files: Record<string, string>) {
  const work = mkdtempSync(join(tmpdir(), `${name}-`));
  const out = join(work, `${name}-${process.pid}-${Date.now()}`);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(out, "app", path)), { recursive: true });
    writeFileSync(join(out, "app", path), content);
  }
  const added = spawnSync("nix-store", ["--add", out], { encoding: "utf8" });
  rmSync(work, { recursive: true, force: true });
  if (added.status !== 0) throw new Error(`nix-store --add failed: ${added.stderr}`);
  const storePath = added.stdout.trim();
  // Between --add and the root a collection could still take it: rooted at once, then checked.
  mkdirSync(TEST_GC_ROOTS, { recursive: true });
  const root = join(TEST_GC_ROOTS, basename(storePath));
  symlinkSync(storePath, root);
  if (!existsSync(join(storePath, "app"))) throw new Error(`${storePath} was collected before it could be rooted; run the test again.`);
  return {
    storePath,
    remove: () => {
      rmSync(root, { force: true });
      return spawnSync("nix-store", ["--delete", storePath], { encoding: "utf8" });
    },
  };
}

/** Adds the probe app to the store under a name unique to this run; `remove` deletes it again. */
export function addProbeApp(extraEnv = "") {
  return addTestArtifact("skypanel-runtime-probe", {
    "server.js": SERVER_JS,
    ".skypanel/env": `PATH=/opt/probe/bin:$PATH\nFROM_ARTIFACT=yes\n${extraEnv}`,
  });
}

/** A runtime of its own for a test file: instances under a cgroup parent only it uses, removed by `cleanup`. */
export function testRuntime(log?: (message: string) => void) {
  const parent = `skypanel-test-${process.pid}-${randomBytes(3).toString("hex")}`;
  const runtime = createRuntime({ cgroupParent: parent, log: log ?? (() => {}) });
  return {
    parent,
    runtime,
    /** Stops whatever is left of its instances, then removes the parent cgroups and state directory. */
    async cleanup() {
      const left = await createRuntime({ cgroupParent: parent, log: () => {} }).findRunningInstances();
      await Promise.all(left.map((i) => i.stop(0)));
      for (const root of new Set(Object.values(detectCgroupHost().roots))) {
        try {
          rmdirSync(join(root, parent));
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
        }
      }
      rmSync(join("/run/skypanel/instances", parent), { recursive: true, force: true });
    },
  };
}

export const LIMITS = { memoryBytes: 256 * 1024 * 1024, cpuQuota: 1, maxProcs: 64, ioWeight: 100 };

export function testSpec(storePath: string, overrides: Partial<InstanceSpec> = {}): InstanceSpec {
  return {
    instanceId: `t${randomBytes(4).toString("hex")}`,
    appName: "probe",
    processType: "web",
    command: "node server.js",
    artifactPath: storePath,
    env: {},
    port: 5000,
    limits: LIMITS,
    mode: "nspawn",
    ...overrides,
  };
}

/** GETs a probe endpoint of an instance, retrying while it starts; fails at once if it has ended. */
export async function probe<T = Record<string, unknown>>(instance: Instance, path: string, timeoutMs = 15_000): Promise<T> {
  let ended = false;
  instance.wait().then(() => {
    ended = true;
  });
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (ended) throw new Error(`instance ${instance.instanceId} ended before ${path} answered`);
    try {
      const res = await fetch(`http://${instance.address}:${instance.port}${path}`, { signal: AbortSignal.timeout(5000) });
      return (await res.json()) as T;
    } catch (err) {
      if (Date.now() > until) throw new Error(`${instance.address}:${instance.port}${path} never answered: ${err}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Collects a line stream into an array as it flows. */
export function collect(stream: NodeJS.ReadableStream): string[] {
  const lines: string[] = [];
  stream.on("data", (line: string) => lines.push(line));
  return lines;
}

export async function until(check: () => boolean, timeoutMs = 10_000, what = "condition") {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Whether anything of an instance is left on the host: namespace, veth, firewall table, cgroups. */
export function leftovers(instance: Instance): string[] {
  const found: string[] = [];
  const net = instance.network;
  if (net && existsSync(`/run/netns/${net.namespace}`)) found.push(`netns ${net.namespace}`);
  if (net && existsSync(`/sys/class/net/${net.hostInterface}`)) found.push(`veth ${net.hostInterface}`);
  if (net && spawnSync(NFT, ["list", "table", "inet", `skypanel_${net.hostInterface}`]).status === 0) found.push("nft table");
  if (instance.cgroup) {
    for (const root of new Set(Object.values(detectCgroupHost().roots))) {
      if (existsSync(join(root, instance.cgroup))) found.push(`cgroup ${join(root, instance.cgroup)}`);
    }
  }
  return found;
}

export function hostProcessCount(): number {
  return readdirSync("/proc").filter((p) => /^\d+$/.test(p)).length;
}
