// A Patroni cluster of two simulated hosts for the failover test: each host is a network
// namespace with its own address on a bridge of the test's own /24; host A runs Patroni and the
// PostgreSQL primary, host B Patroni and the synchronous standby; etcd (the DCS) listens on the
// bridge's host-side address. Debian's patroni, etcd-server and postgresql-15, run as processes of
// the test with config files in a temp folder (scripts/lib/require.sh: require_patroni).
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";

export const PG_BIN = "/usr/lib/postgresql/15/bin";
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ip = (...args: string[]) => execFileSync("ip", args, { stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });

/** Leader lease and loop: a dead primary's lock expires after `ttl` s, so a failover takes about that long. */
export const PATRONI_TIMING = { ttl: 10, loop_wait: 1, retry_timeout: 3 };

export interface PatroniHost {
  name: "a" | "b";
  netns: string;
  address: string;
  /** Patroni's process (its PostgreSQL runs as its child, in the same namespace). */
  patroni: ChildProcess;
  log(): string;
}

export interface PatroniCluster {
  hosts: Record<"a" | "b", PatroniHost>;
  /** The platform's control database: both hosts, the writable one chosen at connect time. */
  databaseUrl: string;
  /** Superuser on the current leader, for the test's own checks. */
  superuserUrl(host: PatroniHost): string;
  /** Patroni's REST view of the cluster (GET /cluster on a live host). */
  members(): Promise<{ name: string; role: string; state: string; timeline?: number }[]>;
  /** Waits until `name` is the leader and the other member (unless dead) is a streaming sync standby. */
  waitFor(leader: "a" | "b", options: { standby: boolean; timeoutMs: number }): Promise<void>;
  /** Host death: SIGKILL to every process in its namespace (Patroni, the postmaster and backends). */
  kill(host: PatroniHost): void;
  cleanup(): Promise<void>;
}

const SECRET = { superuser: "sp-ha-super", replicator: "sp-ha-repl", app: "sp-ha-app" };

function pickSubnet(): number {
  const used = ip("-4", "addr").concat(ip("-4", "route"));
  for (let i = 0; i < 250; i++) {
    const n = ((process.pid + i) % 250) + 1;
    if (!used.includes(`10.216.${n}.`)) return n;
  }
  throw new Error("no free 10.216.N.0/24 for the Patroni test");
}

function patroniConfig(dir: string, scope: string, subnet: string, name: string, address: string) {
  return `scope: ${scope}
namespace: /skypanel-test/
name: ${name}
log: { level: WARNING }
restapi: { listen: "${address}:8008", connect_address: "${address}:8008" }
etcd3: { hosts: "${subnet}.1:2379" }
bootstrap:
  dcs:
    ttl: ${PATRONI_TIMING.ttl}
    loop_wait: ${PATRONI_TIMING.loop_wait}
    retry_timeout: ${PATRONI_TIMING.retry_timeout}
    maximum_lag_on_failover: 1048576
    # A commit returns only once the standby has it: a failover to it loses no acknowledged change.
    synchronous_mode: true
    postgresql:
      use_pg_rewind: false
      parameters: { max_connections: 60, wal_keep_size: 64MB, max_wal_senders: 5, max_replication_slots: 5 }
  initdb: [{ encoding: UTF8 }, { locale: C.UTF-8 }]
  pg_hba:
    - local all all trust
    - host replication replicator ${subnet}.0/24 scram-sha-256
    - host all all ${subnet}.0/24 scram-sha-256
postgresql:
  listen: "${address}:5432"
  connect_address: "${address}:5432"
  data_dir: ${dir}/data
  bin_dir: ${PG_BIN}
  pgpass: ${dir}/pgpass
  # The standby's copy starts at once, not after a spread checkpoint (minutes by default).
  basebackup: [{ checkpoint: fast }]
  authentication:
    superuser: { username: postgres, password: ${SECRET.superuser} }
    replication: { username: replicator, password: ${SECRET.replicator} }
  parameters: { unix_socket_directories: "${dir}", shared_buffers: 16MB }
`;
}

// Patroni 3 makes no application users: the platform's role and database, made on the leader.
async function createPlatformRole(superuserUrl: string) {
  const sql = postgres(superuserUrl, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`CREATE ROLE skypanel LOGIN PASSWORD '${SECRET.app}'`);
    await sql.unsafe("CREATE DATABASE skypanel OWNER skypanel");
  } finally {
    await sql.end({ timeout: 1 });
  }
}

export async function startPatroniCluster(): Promise<PatroniCluster> {
  const tag = `${process.pid % 100000}`;
  const n = pickSubnet();
  const subnet = `10.216.${n}`;
  const bridge = `spha${tag}`;
  const root = mkdtempSync(join(tmpdir(), "skypanel-patroni-"));
  const pids: number[] = [];
  const made = { bridge: false, netns: [] as string[] };
  const postgresUid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
  const postgresGid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
  const logs = new Map<string, string>();
  const keepLog = (key: string, child: ChildProcess) => {
    logs.set(key, "");
    const add = (b: Buffer) => logs.set(key, ((logs.get(key) ?? "") + b.toString()).slice(-20_000));
    child.stdout?.on("data", add);
    child.stderr?.on("data", add);
  };

  async function cleanup() {
    for (const ns of made.netns) {
      // Everything still in the host's namespace (Patroni, PostgreSQL and its children).
      const inside = (() => {
        try {
          return ip("netns", "pids", ns).split("\n").filter(Boolean).map(Number);
        } catch {
          return [];
        }
      })();
      for (const pid of inside) pids.push(pid);
    }
    for (const pid of pids) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
    await wait(200);
    for (const ns of made.netns) {
      try {
        ip("netns", "del", ns);
      } catch {
        // Already gone.
      }
    }
    if (made.bridge) {
      try {
        ip("link", "del", bridge);
      } catch {
        // Already gone.
      }
    }
    rmSync(root, { recursive: true, force: true });
  }

  try {
    ip("link", "add", "name", bridge, "type", "bridge");
    made.bridge = true;
    ip("addr", "add", `${subnet}.1/24`, "dev", bridge);
    ip("link", "set", bridge, "up");

    const etcdDir = join(root, "etcd");
    mkdirSync(etcdDir);
    const etcdUrl = (port: number) => `http://${subnet}.1:${port}`;
    const etcd = spawn(
      "etcd",
      [
        `--name=dcs`,
        `--data-dir=${etcdDir}/data`,
        `--listen-client-urls=${etcdUrl(2379)}`,
        `--advertise-client-urls=${etcdUrl(2379)}`,
        `--listen-peer-urls=${etcdUrl(2380)}`,
        `--initial-advertise-peer-urls=${etcdUrl(2380)}`,
        `--initial-cluster=dcs=${etcdUrl(2380)}`,
        "--initial-cluster-state=new",
        "--logger=zap",
        "--log-level=warn",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    if (etcd.pid) pids.push(etcd.pid);
    keepLog("etcd", etcd);

    // PostgreSQL (as postgres) must reach its folder under this one.
    chmodSync(root, 0o755);
    const hosts = {} as Record<"a" | "b", PatroniHost>;
    const startHost = (name: "a" | "b", last: number) => {
      const netns = `skypanel-ha-${tag}-${name}`;
      const veth = `${bridge}${name}`;
      ip("netns", "add", netns);
      made.netns.push(netns);
      ip("link", "add", veth, "type", "veth", "peer", "name", `${veth}p`);
      ip("link", "set", `${veth}p`, "netns", netns);
      ip("-n", netns, "link", "set", `${veth}p`, "name", "eth0");
      ip("-n", netns, "addr", "add", `${subnet}.${last}/24`, "dev", "eth0");
      ip("-n", netns, "link", "set", "eth0", "up");
      ip("-n", netns, "link", "set", "lo", "up");
      ip("link", "set", veth, "master", bridge);
      ip("link", "set", veth, "up");

      const dir = join(root, name);
      mkdirSync(dir, { mode: 0o700 });
      const config = join(dir, "patroni.yml");
      writeFileSync(config, patroniConfig(dir, `skypanel-${tag}`, subnet, name, `${subnet}.${last}`), { mode: 0o600 });
      chownSync(dir, postgresUid, postgresGid);
      chownSync(config, postgresUid, postgresGid);
      // PostgreSQL refuses to run as root: Patroni (and so its PostgreSQL) runs as postgres.
      const patroni = spawn(
        "ip",
        ["netns", "exec", netns, "setpriv", `--reuid=${postgresUid}`, `--regid=${postgresGid}`, "--init-groups", "--", "patroni", config],
        { stdio: ["ignore", "pipe", "pipe"], env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, LC_ALL: "C.UTF-8" }, cwd: dir },
      );
      if (patroni.pid) pids.push(patroni.pid);
      keepLog(name, patroni);
      hosts[name] = { name, netns, address: `${subnet}.${last}`, patroni, log: () => logs.get(name) ?? "" };
    };

    const rest = async (host: PatroniHost, path: string) => {
      const res = await fetch(`http://${host.address}:8008${path}`, { signal: AbortSignal.timeout(2000) });
      return (await res.json()) as Record<string, unknown>;
    };
    const cluster: PatroniCluster = {
      hosts,
      databaseUrl: `postgres://skypanel:${SECRET.app}@${subnet}.2:5432,${subnet}.3:5432/skypanel?target_session_attrs=read-write`,
      superuserUrl: (host) => `postgres://postgres:${SECRET.superuser}@${host.address}:5432/skypanel`,
      async members() {
        let last: unknown;
        for (const host of [hosts.b, hosts.a].filter((h): h is PatroniHost => Boolean(h))) {
          try {
            return (await rest(host, "/cluster")).members as Awaited<ReturnType<PatroniCluster["members"]>>;
          } catch (err) {
            last = err;
          }
        }
        throw new Error(`no Patroni REST API answers: ${(last as Error)?.message}`);
      },
      async waitFor(leader, { standby, timeoutMs }) {
        const deadline = Date.now() + timeoutMs;
        let seen: unknown = null;
        while (Date.now() < deadline) {
          try {
            const members = await cluster.members();
            seen = members;
            const lead = members.find((m) => m.role === "leader" && m.state === "running");
            const sync = members.find((m) => m.role === "sync_standby" && (m.state === "streaming" || m.state === "running"));
            if (lead?.name === leader && (!standby || sync)) return;
          } catch (err) {
            seen = (err as Error).message;
          }
          await wait(250);
        }
        throw new Error(
          `Patroni: no leader ${leader}${standby ? " with a sync standby" : ""} after ${timeoutMs} ms: ${JSON.stringify(seen)}\n--- a:\n${hosts.a.log()}\n--- b:\n${hosts.b.log()}\n--- etcd:\n${logs.get("etcd")}`,
        );
      },
      kill(host) {
        for (const pid of ip("netns", "pids", host.netns).split("\n").filter(Boolean).map(Number)) {
          try {
            process.kill(pid, "SIGKILL");
          } catch {
            // Gone already.
          }
        }
      },
      cleanup,
    };
    // A bootstraps first (so it leads); B then copies it and becomes its synchronous standby.
    startHost("a", 2);
    await cluster.waitFor("a", { standby: false, timeoutMs: 60_000 });
    await createPlatformRole(cluster.superuserUrl(hosts.a).replace(/\/skypanel$/, "/postgres"));
    startHost("b", 3);
    // The standby's base backup took over a minute once in CI, with the other test files busy.
    await cluster.waitFor("a", { standby: true, timeoutMs: 150_000 });
    return cluster;
  } catch (err) {
    await cleanup();
    throw err;
  }
}
