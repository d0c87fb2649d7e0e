// Starts instances from their specs and finds those an earlier control plane left running.
import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { type AttachedInstance, attachedLauncher, detachedLauncher, type SandboxLauncher, type TerminalSize } from "./attached.ts";
import {
  type CgroupHost,
  cgroupPids,
  createCgroup,
  detectCgroupHost,
  type InstanceCgroup,
  instanceCgroup,
  procsFiles,
  removeCgroup,
} from "./cgroups.ts";
import { instanceStartScript } from "./env.ts";
import { NFT } from "./firewall.ts";
import { type Instance, type LauncherExit, RunningInstance } from "./instance.ts";
import { recordedExitCode } from "./launcher.ts";
import { LogLines } from "./logs.ts";
import { IP, setupNetwork, teardownNetwork } from "./network.ts";
import { startProcessInstance } from "./process-mode.ts";
import { BWRAP, bwrapArgv, NSPAWN, NSPAWN_NOISE, nspawnArgv, storeClosure, writeSandboxFiles } from "./sandbox.ts";
import { appUid, checkSpec, type InstanceSpec, InstanceStartError, RuntimeUnavailableError } from "./spec.ts";
import { type InstanceRecord, readRecord, writeRecord } from "./state.ts";

export interface RuntimeOptions {
  /** The cgroup under which instances live, in every hierarchy; also names their state directory. */
  cgroupParent?: string;
  /** Holds the address claims (shared by every runtime on the host) and each instance's state and logs. */
  runDir?: string;
  cgroupRoot?: string;
  log?: (message: string) => void;
}

export interface Runtime {
  startInstance(spec: InstanceSpec): Promise<Instance>;
  /**
   * Instances of this cgroup parent that are still alive, e.g. started by a control plane that
   * has since restarted, as handles that stop and wait like the originals. Leftovers of
   * instances that have ended meanwhile are cleaned up.
   */
  findRunningInstances(): Promise<Instance[]>;
  /**
   * A one-off instance whose input and output are pipes to the caller (on a pseudo-terminal of
   * the given size, or plain), in the same sandbox, network and limits as any other.
   */
  startAttached(spec: InstanceSpec, terminal: TerminalSize | null): Promise<AttachedInstance>;
}

const TOOLS: Record<"nspawn" | "bwrap", [string, string][]> = {
  nspawn: [
    [NSPAWN, "systemd-nspawn (Debian package systemd-container)"],
    [IP, "ip (iproute2)"],
    [NFT, "nft (nftables)"],
    ["/usr/bin/setpriv", "setpriv (util-linux)"],
  ],
  bwrap: [
    [BWRAP, "bwrap (Debian package bubblewrap)"],
    [IP, "ip (iproute2)"],
    [NFT, "nft (nftables)"],
    ["/usr/bin/setpriv", "setpriv (util-linux)"],
  ],
};

function checkHost(mode: "nspawn" | "bwrap") {
  if (process.getuid?.() !== 0) throw new RuntimeUnavailableError(`The ${mode} runtime needs root (namespaces, cgroups, nftables).`);
  const missing = TOOLS[mode].filter(([path]) => !existsSync(path)).map(([, what]) => what);
  if (missing.length > 0)
    throw new RuntimeUnavailableError(`The ${mode} runtime needs ${missing.join(", ")}; scripts/up.sh installs them.`);
}

export function createRuntime(options: RuntimeOptions = {}): Runtime {
  const parent = options.cgroupParent ?? "skypanel";
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(parent)) throw new RuntimeUnavailableError(`Bad cgroup parent name "${parent}".`);
  const runDir = options.runDir ?? "/run/skypanel";
  const stateDir = join(runDir, "instances", parent);
  const claimsDir = join(runDir, "addresses");
  const log = options.log ?? ((message: string) => console.warn(`[runtime] ${message}`));
  const tracked = new Map<string, Instance>();
  /** Ids being started: their cgroup may still be empty, which must not read as "ended". */
  const starting = new Set<string>();
  let host: CgroupHost | null = null;
  const cgroupHost = () => {
    host ??= detectCgroupHost(options.cgroupRoot);
    return host;
  };

  const teardown = async (record: InstanceRecord, cg: InstanceCgroup | null, dir: string) => {
    if (record.network) await teardownNetwork(claimsDir, record.network, record.instanceId);
    if (cg) await removeCgroup(cg);
    rmSync(dir, { recursive: true, force: true });
  };

  const track = <T extends Instance>(instance: T): T => {
    tracked.set(instance.instanceId, instance);
    instance.wait().finally(() => {
      if (tracked.get(instance.instanceId) === instance) tracked.delete(instance.instanceId);
    });
    return instance;
  };

  const handle = (
    record: InstanceRecord,
    cg: InstanceCgroup,
    dir: string,
    pid: number,
    launcherExit: Promise<LauncherExit>,
    readopted: boolean,
  ) =>
    new RunningInstance({
      instanceId: record.instanceId,
      appName: record.appName,
      processType: record.processType,
      mode: record.mode,
      pid,
      address: record.network?.address ?? "",
      port: record.port,
      cg,
      network: record.network
        ? { namespace: record.network.netns, hostInterface: record.network.hostInterface, hostAddress: record.network.hostAddress }
        : null,
      startedAt: record.startedAt,
      readopted,
      stdout: new LogLines(join(dir, "stdout")),
      stderr: new LogLines(join(dir, "stderr"), record.mode === "nspawn" ? NSPAWN_NOISE : []),
      launcherExit,
      teardown: () => teardown(record, cg, dir),
      log,
    });

  async function startSandboxed(
    spec: InstanceSpec & { mode: "nspawn" | "bwrap" },
    appDir: string,
    launch: SandboxLauncher = detachedLauncher,
  ): Promise<RunningInstance> {
    checkHost(spec.mode);
    const cg = instanceCgroup(cgroupHost(), parent, spec.instanceId);
    const dir = join(stateDir, spec.instanceId);
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    try {
      mkdirSync(dir, { mode: 0o700 });
    } catch {
      throw new InstanceStartError(
        spec.instanceId,
        "an instance with this id is running or was not cleaned up (findRunningInstances() does).",
      );
    }
    const uid = appUid(spec.appName);
    const record: InstanceRecord = {
      instanceId: spec.instanceId,
      appName: spec.appName,
      processType: spec.processType,
      mode: spec.mode,
      port: spec.port,
      uid,
      network: null,
      launcherPid: null,
      startedAt: Date.now(),
    };
    writeRecord(dir, record);
    try {
      const closure = await storeClosure(spec.artifactPath);
      // Recorded as soon as it is claimed, so a crash from here on leaves nothing unaccounted for.
      const net = await setupNetwork(
        claimsDir,
        spec.instanceId,
        (claimed) => {
          record.network = claimed;
          writeRecord(dir, record);
        },
        spec.egress,
      );
      createCgroup(cgroupHost(), cg, spec.limits);
      const hostname = `sp-${spec.instanceId}`;
      const script = instanceStartScript(spec, appDir);
      const files = writeSandboxFiles(dir, { uid, appName: spec.appName, hostname, address: net.address, script });
      const sandbox = { hostname, netns: net.netns, uid, closure, files, appDir, terminal: launch.terminal };
      const child = launch.spawn(dir, procsFiles(cg), spec.mode === "nspawn" ? nspawnArgv(sandbox) : bwrapArgv(sandbox, IP));
      if (!child.pid) throw new Error("the launcher shell did not start");
      record.launcherPid = child.pid;
      writeRecord(dir, record);
      return track(handle(record, cg, dir, child.pid, launch.exit(child), false));
    } catch (err) {
      await teardown(record, cg, dir).catch((cleanupErr) =>
        log(`cleaning up ${spec.instanceId} after a failed start failed: ${cleanupErr}`),
      );
      throw err instanceof InstanceStartError ? err : new InstanceStartError(spec.instanceId, (err as Error).message);
    }
  }

  function appDirOf(spec: InstanceSpec) {
    checkSpec(spec);
    const appDir = join(spec.artifactPath, "app");
    if (!existsSync(appDir)) throw new InstanceStartError(spec.instanceId, `${spec.artifactPath} has no app/ directory.`);
    if (tracked.has(spec.instanceId)) throw new InstanceStartError(spec.instanceId, "an instance with this id is already running.");
    return appDir;
  }

  async function guardStart<T>(id: string, start: () => Promise<T>): Promise<T> {
    starting.add(id);
    try {
      return await start();
    } finally {
      starting.delete(id);
    }
  }

  return {
    async startInstance(spec) {
      const appDir = appDirOf(spec);
      if (spec.mode === "process") return track(startProcessInstance(spec, appDir, log));
      return guardStart(spec.instanceId, () => startSandboxed({ ...spec, mode: spec.mode as "nspawn" | "bwrap" }, appDir));
    },

    async startAttached(spec, terminal) {
      const appDir = appDirOf(spec);
      const launcher = attachedLauncher(terminal, spec.mode === "nspawn" ? NSPAWN_NOISE : []);
      const instance =
        spec.mode === "process"
          ? track(startProcessInstance(spec, appDir, log, launcher))
          : await guardStart(spec.instanceId, () => startSandboxed({ ...spec, mode: spec.mode as "nspawn" | "bwrap" }, appDir, launcher));
      const io = launcher.io();
      if (!io) throw new InstanceStartError(spec.instanceId, "the one-off's pipes were not opened");
      return Object.assign(instance, { io });
    },

    async findRunningInstances() {
      const found: Instance[] = [];
      const ids = existsSync(stateDir) ? readdirSync(stateDir) : [];
      for (const id of ids) {
        if (starting.has(id)) continue;
        const known = tracked.get(id);
        if (known) {
          found.push(known);
          continue;
        }
        const dir = join(stateDir, id);
        const record = readRecord(dir);
        const cg = instanceCgroup(cgroupHost(), parent, id);
        if (!record) {
          // Died while being written: nothing of it can be running without a launcher pid.
          await removeCgroup(cg).catch(() => {});
          rmSync(dir, { recursive: true, force: true });
          continue;
        }
        const pids = cgroupPids(cg);
        if (pids.length === 0) {
          log(`instance ${id} of ${record.appName} ended while no control plane watched it; removing what it left`);
          await teardown(record, cg, dir).catch((err) => log(`cleaning up ${id} failed: ${err}`));
          continue;
        }
        const launcherPid = record.launcherPid ?? 0;
        found.push(track(handle(record, cg, dir, launcherPid, launcherGone(cg, launcherPid, dir), true)));
      }
      return found;
    },
  };
}

/** For a re-adopted instance (not our child): polls until its launcher has left the cgroup. */
async function launcherGone(cg: InstanceCgroup, launcherPid: number, dir: string): Promise<LauncherExit> {
  while (cgroupPids(cg).includes(launcherPid)) await new Promise((r) => setTimeout(r, 200));
  return { code: recordedExitCode(dir), signal: null };
}
