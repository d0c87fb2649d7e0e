// How an instance's process is wrapped: the systemd-nspawn or bubblewrap command line, and the
// few files it sees besides /usr and its artifact's closure.
import { chownSync, existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runChecked } from "../process/run.ts";
import { seccompLoader } from "./seccomp.ts";

export const NSPAWN = "/usr/bin/systemd-nspawn";
export const BWRAP = "/usr/bin/bwrap";
const SETPRIV = "/usr/bin/setpriv";

/**
 * What of the host's /etc an app needs (CA certificates, Debian's alternatives links, the part of
 * Debian's JDK 17 that lives there: jvm.cfg, security settings; PHP's ini files, which load its
 * extensions); nothing else of it.
 */
const HOST_ETC = ["/etc/ssl", "/etc/ca-certificates", "/etc/alternatives", "/etc/java-17-openjdk", "/etc/php"];
/** Above this many store paths, the whole store is bound read-only instead of each path. */
const MAX_CLOSURE_BINDS = 1000;

export const START_SCRIPT = "/run/skypanel/start";

/**
 * nspawn's default capability set minus the three setpriv needs to become the app's uid and
 * empty its bounding set. nspawn builds its seccomp allow-list from the capabilities the
 * container keeps: without CAP_SYS_ADMIN, CAP_SYS_PTRACE… it leaves out their calls too.
 */
const NSPAWN_DROPPED_CAPS = [
  "CAP_AUDIT_CONTROL",
  "CAP_AUDIT_WRITE",
  "CAP_CHOWN",
  "CAP_DAC_OVERRIDE",
  "CAP_DAC_READ_SEARCH",
  "CAP_FOWNER",
  "CAP_FSETID",
  "CAP_IPC_OWNER",
  "CAP_KILL",
  "CAP_LEASE",
  "CAP_LINUX_IMMUTABLE",
  "CAP_MKNOD",
  "CAP_NET_BIND_SERVICE",
  "CAP_NET_BROADCAST",
  "CAP_NET_RAW",
  "CAP_SETFCAP",
  "CAP_SYS_ADMIN",
  "CAP_SYS_BOOT",
  "CAP_SYS_CHROOT",
  "CAP_SYS_NICE",
  "CAP_SYS_PTRACE",
  "CAP_SYS_RESOURCE",
  "CAP_SYS_TTY_CONFIG",
];

/**
 * System-call groups no app needs, refused on top of nspawn's own allow-list (with EPERM, so a
 * runtime that probes one gets an error, not a crash): setting the clock, loading modules,
 * mounting and chroot, ptrace and perf, port I/O, reboot/kexec, swap, and the obsolete calls.
 * @privileged stays allowed: it holds setuid/setgroups/capset, which setpriv itself needs to drop
 * to the app's uid, and the @chown family, which npm, pip and tar call on their own files.
 * Node, Python, Go, the JVM, Ruby and PHP call none of the refused ones in normal work.
 */
export const SYSCALL_DENY = [
  "@clock",
  "@cpu-emulation",
  "@debug",
  "@module",
  "@mount",
  "@obsolete",
  "@raw-io",
  "@reboot",
  "@swap",
  // New namespaces, a user namespace above all (it hands its creator every capability inside
  // it); clone() with CLONE_NEWUSER, which only a look at its flags can refuse, is seccomp.ts's.
  "unshare",
  "setns",
];

export interface SandboxFiles {
  start: string;
  passwd: string;
  group: string;
  hosts: string;
}

/** The start script (readable only by the app's uid: it holds the config values) and /etc files for the container. */
export function writeSandboxFiles(dir: string, opts: { uid: number; appName: string; hostname: string; address: string; script: string }) {
  const files: SandboxFiles = {
    start: join(dir, "start.sh"),
    passwd: join(dir, "passwd"),
    group: join(dir, "group"),
    hosts: join(dir, "hosts"),
  };
  writeFileSync(files.start, opts.script, { mode: 0o400 });
  chownSync(files.start, opts.uid, opts.uid);
  writeFileSync(
    files.passwd,
    `root:x:0:0:root:/root:/usr/sbin/nologin\napp:x:${opts.uid}:${opts.uid}:${opts.appName}:/tmp:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n`,
    { mode: 0o444 },
  );
  writeFileSync(files.group, `root:x:0:\napp:x:${opts.uid}:\nnogroup:x:65534:\n`, { mode: 0o444 });
  writeFileSync(files.hosts, `127.0.0.1 localhost\n::1 localhost\n${opts.address} ${opts.hostname}\n`, { mode: 0o444 });
  return files;
}

/** The artifact and every store path it refers to: all of /nix the instance sees. */
export function storeClosure(artifactPath: string): Promise<string[]> {
  // A store path's closure never changes: ten instances of a release ask nix-store once.
  let closure = closures.get(artifactPath);
  if (!closure) {
    closure = queryClosure(artifactPath);
    closures.set(artifactPath, closure);
    // A failed query (the path not there yet, say) is asked again next time.
    closure.catch(() => closures.delete(artifactPath));
    if (closures.size > 256) closures.delete(closures.keys().next().value as string);
  }
  return closure;
}

const closures = new Map<string, Promise<string[]>>();

async function queryClosure(artifactPath: string): Promise<string[]> {
  const { stdout } = await runChecked("nix-store", ["--query", "--requisites", artifactPath]);
  const paths = stdout.split("\n").filter(Boolean);
  return paths.length > MAX_CLOSURE_BINDS ? ["/nix/store"] : paths;
}

/**
 * Runs as the app's uid with no capabilities and no way to gain any, in an empty environment the
 * script fills, under the platform's seccomp filter (seccomp.ts), loaded while still root.
 */
function payload(uid: number): string[] {
  return [
    ...seccompLoader(),
    SETPRIV,
    `--reuid=${uid}`,
    `--regid=${uid}`,
    "--clear-groups",
    "--no-new-privs",
    "--inh-caps=-all",
    "--bounding-set=-all",
    "--",
    "/usr/bin/env",
    "-i",
    "/bin/sh",
    START_SCRIPT,
  ];
}

export interface SandboxOptions {
  hostname: string;
  netns: string;
  uid: number;
  closure: string[];
  files: SandboxFiles;
  appDir: string;
  /** The process gets the terminal the launcher runs on (a one-off's); otherwise plain pipes. */
  terminal?: boolean;
}

function etcBinds(files: SandboxFiles): [string, string][] {
  const binds: [string, string][] = HOST_ETC.filter((p) => existsSync(p)).map((p) => [p, p]);
  binds.push([files.passwd, "/etc/passwd"], [files.group, "/etc/group"], [files.hosts, "/etc/hosts"], [files.start, START_SCRIPT]);
  return binds;
}

/**
 * `-D / --volatile=yes`: the container's root is a fresh tmpfs with only the host's /usr bound
 * read-only (and /bin, /lib… as links into it), so /nix, /etc, /root, /home and $SKYPANEL_HOME
 * are simply absent; the closure is bound back read-only, path by path. The app runs as PID 2
 * under nspawn's stub init, in its own PID, mount, IPC, UTS and cgroup namespaces, joined to
 * the instance's network namespace. No user namespace (`--private-users=no`): a private range
 * would need the tree's ownership shifted, and `-D /` must never be chowned; the app gets an
 * unprivileged uid of its own and no capabilities instead. Calls of SYSCALL_DENY's groups fail
 * with EPERM.
 */
export function nspawnArgv(o: SandboxOptions): string[] {
  return [
    NSPAWN,
    "--quiet",
    "--register=no",
    "--keep-unit",
    "--as-pid2",
    "--directory=/",
    "--volatile=yes",
    "--private-users=no",
    // interactive: nspawn gives the container a terminal of its own and forwards its window size.
    o.terminal ? "--console=interactive" : "--console=pipe",
    "--link-journal=no",
    `--machine=${o.hostname}`,
    `--network-namespace-path=/run/netns/${o.netns}`,
    "--tmpfs=/tmp:mode=1777",
    `--drop-capability=${NSPAWN_DROPPED_CAPS.join(",")}`,
    `--system-call-filter=~${SYSCALL_DENY.join(" ")}`,
    ...o.closure.map((p) => `--bind-ro=${p}`),
    ...etcBinds(o.files).map(([src, dst]) => `--bind-ro=${src}:${dst}`),
    `--chdir=${o.appDir}`,
    "--",
    ...payload(o.uid),
  ];
}

/**
 * The same view with bubblewrap, for hosts where nspawn cannot run: entered into the instance's
 * network namespace by `ip netns exec`, then new PID, mount, IPC, UTS and cgroup namespaces
 * (bwrap is PID 1, the app PID 2). No user namespace, for the same reason as nspawn.
 * Its seccomp filter is the platform's own (seccomp.ts: the same deny-list as nspawn's path),
 * loaded by the payload rather than with bwrap's `--seccomp <fd>`, which only a shell could open.
 */
export function bwrapArgv(o: SandboxOptions, ip: string): string[] {
  return [
    ip,
    "netns",
    "exec",
    o.netns,
    BWRAP,
    "--unshare-ipc",
    "--unshare-pid",
    "--unshare-uts",
    "--unshare-cgroup-try",
    // A new session would cut the process off its terminal (no Ctrl-C, no job control); on one
    // it is the one-off's own terminal, so what it could push into it (TIOCSTI) reaches only itself.
    ...(o.terminal ? [] : ["--new-session"]),
    "--hostname",
    o.hostname,
    "--ro-bind",
    "/usr",
    "/usr",
    ...["bin", "sbin", "lib", "lib64"].flatMap((d) => ["--symlink", `usr/${d}`, `/${d}`]),
    "--proc",
    "/proc",
    "--dev",
    "/dev",
    "--perms",
    "1777",
    "--tmpfs",
    "/tmp",
    // Directories bwrap makes for bind targets would be 0700 and closed to the app's uid.
    ...["/etc", "/run", "/run/skypanel", "/nix", "/nix/store"].flatMap((d) => ["--perms", "0755", "--dir", d]),
    ...o.closure.flatMap((p) => ["--ro-bind", p, p]),
    ...etcBinds(o.files).flatMap(([src, dst]) => ["--ro-bind", src, dst]),
    // The host's resolvers, as nspawn copies them in on its own: names resolve for apps whose egress policy lets them out.
    ...["--ro-bind-try", "/etc/resolv.conf", "/etc/resolv.conf"],
    "--chdir",
    o.appDir,
    "--",
    ...payload(o.uid),
  ];
}

/** Lines nspawn prints on this kind of host that say nothing about the app. */
export const NSPAWN_NOISE = [/^Attempted to remove disk file system under "\/run\/systemd\/nspawn\/propagate\//];
