// A real engine over a fresh test database and a throwaway $SKYPANEL_HOME, for tests.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { withActor } from "@skypanel/db/queries";
import { createTestDatabase, type Driver, type TestDatabase } from "@skypanel/db/testing";
import type { Actor } from "./actor.ts";
import { buildNetwork } from "./builds/index.ts";
import { createEngine, type Engine, type EngineOptions } from "./engine.ts";
import { loopbackOutboundPolicy } from "./net/index.ts";
import type { PlatformBackupSettings } from "./platform-backup/index.ts";

export { TEST_DRIVERS } from "@skypanel/db/testing";

export interface TestEngine {
  engine: Engine;
  database: TestDatabase;
  home: string;
  /** Adds a user through the engine and returns them as an actor. */
  user(email: string, options?: { isAdmin?: boolean }): Promise<Actor & { email: string }>;
  /**
   * Gives an app a current release with these process types, as a finished build and deploy leave
   * it (nothing runs). Its artifact is a made-up store path unless `storePath` names a real one.
   */
  release(actor: Actor, appId: string, processes: Record<string, string>, storePath?: string): Promise<void>;
  close(): Promise<void>;
}

export async function createTestEngine(
  driver: Driver,
  options: Pick<
    EngineOptions,
    | "builds"
    | "runtime"
    | "baseDomain"
    | "domains"
    | "addons"
    | "addonBackups"
    | "vault"
    | "heroku"
    | "tracing"
    | "drains"
    | "autoscale"
    | "outbound"
    | "now"
  > & {
    /** Default: a fresh folder under the system's temp folder (removed by close()). */
    home?: string;
    /** A database the test made itself (the Patroni cluster), migrated; default: a fresh one on `driver`. */
    database?: TestDatabase;
    /** Platform backups of this engine's own database. */
    platformBackup?: Omit<PlatformBackupSettings, "source">;
  } = {},
): Promise<TestEngine> {
  const database = options.database ?? (await createTestDatabase(driver));
  const home = options.home ?? mkdtempSync(join(tmpdir(), "skypanel-test-"));
  // Tests send DNS only to loopback: unless a test starts its own DNS server, domain checks
  // ask a closed loopback port and find nothing.
  const domains = options.domains ?? { dnsServers: ["127.0.0.1:9"], timeoutMs: 200 };
  // Tests are their own config module: builds reach the network as this machine's environment says.
  const builds = { network: buildNetwork(process.env), ...options.builds };
  // Tests never reach Heroku: unless a test starts the stand-in, imports ask a closed loopback port.
  const heroku = options.heroku ?? { apiUrl: "http://127.0.0.1:9", dataApiUrl: "http://127.0.0.1:9" };
  // Tests' receivers, git servers and stand-ins listen on loopback: allowed here, explicitly; the
  // platform itself refuses loopback unless its operator allows it (SKYPANEL_OUTBOUND_ALLOW).
  const outbound = options.outbound ?? loopbackOutboundPolicy();
  const platformBackup = options.platformBackup ? { ...options.platformBackup, source: database.source } : null;
  const engine = await createEngine({
    db: database.db,
    sql: database.sql,
    home,
    ...options,
    domains,
    builds,
    heroku,
    outbound,
    platformBackup,
  });
  const root: Actor = { userId: "00000000-0000-0000-0000-000000000000", isAdmin: true };
  return {
    engine,
    database,
    home,
    async user(email, options = {}) {
      const u = await engine.users.create(root, { email, password: "correct horse battery", isAdmin: options.isAdmin ?? false });
      return { userId: u.id, isAdmin: u.isAdmin, email };
    },
    async release(actor, appId, processes, storePath = "/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-app") {
      const [build] = await database.sql.query<{ id: string }>(
        `INSERT INTO builds (app_id, number, status, source_type, store_path, plan)
         VALUES ($1, coalesce((SELECT max(number) FROM builds WHERE app_id = $1), 0) + 1, 'succeeded', 'archive', $3, $2)
         RETURNING id`,
        [appId, JSON.stringify({ processes }), storePath],
      );
      const release = await withActor(database.db, actor, (tx) => engine.releases.fromBuild(tx, actor, appId, build?.id ?? ""));
      await database.sql.query("UPDATE applications SET current_release_id = $1 WHERE id = $2", [release.id, appId]);
    },
    async close() {
      await engine.stop();
      await database.drop();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
