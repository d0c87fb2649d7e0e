// A systemd unit per instance, for hosts where systemd is PID 1: systemd then owns the
// instance's cgroup, limits and restarts, and the platform only writes and starts units.
// (This machine has no systemd as PID 1; the units are generated and checked with
// `systemd-analyze verify`, and the supervisor runs instances itself.)

export interface UnitSpec {
  instanceId: string;
  appName: string;
  processType: string;
  /** The command line that runs the instance (e.g. systemd-nspawn …), first word absolute. */
  argv: string[];
  /** A 0600 file of KEY=value lines; values stay out of the unit file itself. */
  environmentFile: string;
  networkNamespacePath?: string;
  limits: { memoryBytes: number; cpuQuota: number; maxProcs: number; ioWeight: number };
  /** SIGTERM, then SIGKILL after this many seconds. */
  stopGraceSeconds: number;
}

/** Quotes one ExecStart word: systemd's C-style quoting, `%` and `$` escaped so nothing expands. */
export function quoteExecWord(word: string): string {
  const escaped = word
    .replaceAll("\\", "\\\\")
    .replaceAll('"', '\\"')
    .replaceAll("\n", "\\n")
    .replaceAll("%", "%%")
    // A function, because "$$" in a replacement string means a single "$".
    .replaceAll("$", () => "$$");
  return `"${escaped}"`;
}

export function unitName(instanceId: string) {
  if (!/^[0-9a-f-]{36}$/.test(instanceId)) throw new Error(`not an instance id: ${instanceId}`);
  return `skypanel-${instanceId}.service`;
}

export function systemdUnit(spec: UnitSpec): string {
  if (!spec.argv[0]?.startsWith("/")) throw new Error("ExecStart needs an absolute path to the program");
  const oneLine = (s: string) => s.replace(/[\r\n]/g, " ");
  const lines = [
    "[Unit]",
    `Description=SkyPanel ${oneLine(spec.appName)} ${oneLine(spec.processType)} instance ${spec.instanceId}`,
    "After=network-online.target",
    // Crash-loop detection: five failed starts in a minute and systemd stops trying.
    "StartLimitIntervalSec=60",
    "StartLimitBurst=5",
    "",
    "[Service]",
    "Type=exec",
    `ExecStart=${spec.argv.map(quoteExecWord).join(" ")}`,
    `EnvironmentFile=${spec.environmentFile}`,
    ...(spec.networkNamespacePath ? [`NetworkNamespacePath=${spec.networkNamespacePath}`] : []),
    "Restart=on-failure",
    "RestartSec=2",
    `MemoryMax=${spec.limits.memoryBytes}`,
    `CPUQuota=${Math.round(spec.limits.cpuQuota * 100)}%`,
    `TasksMax=${spec.limits.maxProcs}`,
    `IOWeight=${spec.limits.ioWeight}`,
    "KillMode=mixed",
    "KillSignal=SIGTERM",
    `TimeoutStopSec=${spec.stopGraceSeconds}`,
    "",
    "[Install]",
    "WantedBy=multi-user.target",
    "",
  ];
  return lines.join("\n");
}
