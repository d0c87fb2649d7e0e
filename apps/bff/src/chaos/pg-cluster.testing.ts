// A PostgreSQL cluster of the test's own (initdb in a temp folder, its own port on loopback), so
// a chaos case can stop and start "the server" without touching the machine's shared one.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@skypanel/engine/router-testing";

const PG_ROOT = "/usr/lib/postgresql";

function pgBin(name: string): string {
  const versions = readdirSync(PG_ROOT)
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  if (!versions[0]) throw new Error(`no PostgreSQL server under ${PG_ROOT} (scripts/lib/require.sh: require_postgres_server)`);
  return join(PG_ROOT, versions[0], "bin", name);
}

const asPostgres = (bin: string, args: string[]) =>
  execFileSync("runuser", ["-u", "postgres", "--", pgBin(bin), ...args], { cwd: "/", encoding: "utf8", stdio: "pipe" });

export interface PgCluster {
  port: number;
  /** The superuser's URL (trust auth on loopback), to a database named `database`. */
  url(database?: string): string;
  start(): void;
  /** `pg_ctl stop -m fast`: open connections are cut, new ones refused. */
  stop(): void;
  /** Stops it (if running) and deletes its folder. */
  destroy(): void;
}

export async function createPgCluster(): Promise<PgCluster> {
  const dir = mkdtempSync(join(tmpdir(), "skypanel-chaos-pg-"));
  chmodSync(dir, 0o755);
  execFileSync("chown", ["postgres:postgres", dir]);
  const data = join(dir, "data");
  const port = await freePort();
  asPostgres("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"]);
  const options = `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${dir} -c fsync=off -c max_connections=60`;
  let running = false;
  const cluster: PgCluster = {
    port,
    url: (database = "postgres") => `postgres://postgres@127.0.0.1:${port}/${database}`,
    start() {
      asPostgres("pg_ctl", ["start", "-w", "-t", "30", "-D", data, "-l", join(dir, "log"), "-o", options]);
      running = true;
    },
    stop() {
      asPostgres("pg_ctl", ["stop", "-w", "-m", "fast", "-D", data]);
      running = false;
    },
    destroy() {
      if (running) {
        try {
          cluster.stop();
        } catch {
          asPostgres("pg_ctl", ["stop", "-w", "-m", "immediate", "-D", data]);
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  cluster.start();
  return cluster;
}
