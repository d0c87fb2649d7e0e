// Process mode, for development only: the command as a plain child process of the control
// plane, on 127.0.0.1, with the same environment and log streams, and nothing isolated.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SandboxLauncher } from "./attached.ts";
import { instanceStartScript } from "./env.ts";
import { RunningInstance } from "./instance.ts";
import { childExit, HOST_PATH, spawnDetached } from "./launcher.ts";
import { LogLines } from "./logs.ts";
import { type InstanceSpec, InstanceStartError } from "./spec.ts";

/** Not re-adoptable: its files live in a temp directory and it has no cgroup to be found by. */
export function startProcessInstance(
  spec: InstanceSpec,
  appDir: string,
  log: (message: string) => void,
  launcher?: SandboxLauncher,
): RunningInstance {
  log(
    `instance ${spec.instanceId} of ${spec.appName} runs in process mode: NO isolation (no namespaces, no cgroup limits, ` +
      "full view of this host and its files). For development only.",
  );
  const dir = mkdtempSync(join(tmpdir(), `skypanel-instance-${spec.instanceId}-`));
  const script = join(dir, "start.sh");
  writeFileSync(script, instanceStartScript(spec, appDir), { mode: 0o600 });
  // Its own process group (detached), so stop() reaches its children too.
  const child = launcher
    ? launcher.spawn(dir, [], ["/bin/sh", script])
    : spawnDetached("/bin/sh", [script], { dir, cwd: appDir, env: { PATH: HOST_PATH } });
  if (!child.pid) {
    rmSync(dir, { recursive: true, force: true });
    throw new InstanceStartError(spec.instanceId, "the process did not start");
  }
  return new RunningInstance({
    instanceId: spec.instanceId,
    appName: spec.appName,
    processType: spec.processType,
    mode: "process",
    pid: child.pid,
    address: "127.0.0.1",
    port: spec.port,
    cg: null,
    network: null,
    startedAt: Date.now(),
    readopted: false,
    // Attached: the output goes to the caller; these files stay empty.
    stdout: new LogLines(join(dir, "stdout")),
    stderr: new LogLines(join(dir, "stderr")),
    launcherExit: childExit(child),
    teardown: async () => rmSync(dir, { recursive: true, force: true }),
    log,
  });
}
