// restorePlatformBackup: a backup into a fresh SKYPANEL_HOME and an empty control database,
// before the platform starts. Everything is checked first (every part's SHA-256, the target
// empty, the passphrase, the add-on server free of the add-ons' names), so a refusal writes
// nothing; then keys, database, closures (rooted like builds), and the add-ons made again on the
// add-on server with their recorded logins and their data loaded. The platform's next start
// finds every app's current release in the store and runs it: nothing is rebuilt.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Addon, type Database, openDatabase } from "@skypanel/db";
import { findAddon, sealAddonCredentials, updateAddon } from "@skypanel/db/queries";
import postgres from "postgres";
import { createPostgresAddon, openAddonUrl, POSTGRES_PLANS, type PostgresPlan, pgRestore, sealAddonUrl } from "../addons/index.ts";
import { importClosure } from "../exports/index.ts";
import { addGcRoot, isValid, prepareNix } from "../nix/index.ts";
import { type Keyring, loadKeyring, type VaultSettings, vaultTransit } from "../secrets/index.ts";
import { readBackupArchive } from "./archive.ts";
import { type ControlDbTarget, checkControlDbTarget, restoreControlDb } from "./control-db.ts";
import type { BackupProgress } from "./create.ts";
import { type BackupS3Settings, fetchArchive } from "./destinations.ts";
import { BackupNotConfiguredError, RestoreTargetInUseError } from "./errors.ts";
import { hasKeys, unpackKeys, writeKeys } from "./keys.ts";
import type { BackupManifest } from "./manifest.ts";

export interface RestoreInput {
  /** A file path or `s3://bucket/key`. */
  from: string;
  s3?: BackupS3Settings | null;
  passphrase: string | null;
  home: string;
  controlDb: ControlDbTarget;
  /**
   * Admin URL of the PostgreSQL server the add-ons are made again on; a function is called only
   * once the archive and passphrase are checked (this machine's server sets up its login first).
   */
  addonPostgresUrl?: string | null | (() => Promise<string | null>);
  /** Needed when the key files are Vault-wrapped (to open the add-ons' logins). */
  vault?: VaultSettings;
  toolchains?: string;
  onProgress?: (p: BackupProgress) => void;
}

export interface RestoreSummary {
  manifest: BackupManifest;
  /** Store paths the import added or found. */
  storePaths: number;
  addonsRestored: string[];
  notes: string[];
}

export async function restorePlatformBackup(input: RestoreInput): Promise<RestoreSummary> {
  const say = (step: BackupProgress["step"], detail: string) => input.onProgress?.({ step, detail });
  const staging = mkdtempSync(join(tmpdir(), "skypanel-restore-"));
  try {
    say("verify", `reading ${input.from}`);
    const archive = await fetchArchive(input.from, input.s3 ?? null, join(staging, "archive.tar"));
    const { manifest, files } = await readBackupArchive(archive, join(staging, "parts"));
    const part = (member: string) => {
      const file = files.get(member);
      if (!file) throw new Error(`${member} was not extracted`);
      return file;
    };

    // Checks that write nothing: the target, the passphrase, the add-on server.
    if (hasKeys(input.home)) throw new RestoreTargetInUseError(`${input.home}/keys already holds key files`);
    await checkControlDbTarget(input.controlDb, manifest.controlDb.driver);
    const keyFiles = await unpackKeys(readFileSync(part(manifest.keys.member)), manifest.keys.wrapping, input.passphrase);
    const pgAddons = manifest.addons.filter((a) => a.type === "postgresql" && a.member);
    const addonServer = typeof input.addonPostgresUrl === "function" ? await input.addonPostgresUrl() : (input.addonPostgresUrl ?? null);
    if (pgAddons.length > 0)
      await checkAddonServer(
        addonServer,
        pgAddons.map((a) => a.resource),
      );

    say("keys", `writing ${Object.keys(keyFiles).length} key file(s)`);
    writeKeys(input.home, keyFiles);
    say("restore-db", `restoring the ${manifest.controlDb.driver} control database`);
    await restoreControlDb(input.controlDb, part(manifest.controlDb.member));

    let storePaths = 0;
    if (manifest.closures) {
      say("import-closures", `importing ${manifest.closures.paths} store path(s) into the Nix store`);
      const nix = await prepareNix(input.home, input.toolchains);
      storePaths = (await importClosure(nix, part(manifest.closures.member))).length;
      for (const r of manifest.releases) {
        if (!(await isValid(nix, r.storePath)))
          throw new Error(`${r.storePath} (${r.app}'s current release) is not in the store after the import`);
        // The name a build's own output is rooted under, so build pruning treats it alike.
        addGcRoot(r.storePath, r.buildId ? `build-${r.buildId}` : `release-${r.releaseId}`);
      }
    }

    const notes = manifest.addons.filter((a) => a.note).map((a) => `${a.app}'s ${a.type} add-on ${a.resource}: ${a.note}`);
    const addonsRestored: string[] = [];
    if (pgAddons.length > 0) {
      const conn = await openDatabase(
        "pgliteDir" in input.controlDb
          ? { pgliteDir: input.controlDb.pgliteDir }
          : { databaseUrl: input.controlDb.databaseUrl, maxConnections: 2 },
      );
      try {
        const keyring = await loadKeyring(input.home, input.vault ? vaultTransit(input.vault) : undefined);
        for (const a of pgAddons) {
          say("addon-data", `making ${a.resource} (${a.app}) again and loading its data`);
          const row = await findAddon(conn.db, a.id);
          if (!row) throw new Error(`the restored database has no add-on ${a.id}`);
          const url = await remakeAddon(conn.db, keyring, row, a.resource, addonServer ?? "");
          await pgRestore(url, part(a.member ?? ""));
          addonsRestored.push(a.resource);
        }
      } finally {
        await conn.close();
      }
    }
    return { manifest, storePaths, addonsRestored, notes };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** The add-on server must be set and hold none of the add-ons' databases or roles yet. */
async function checkAddonServer(adminUrl: string | null, names: string[]) {
  if (!adminUrl)
    throw new BackupNotConfiguredError(
      `The backup holds ${names.length} PostgreSQL add-on(s): set SKYPANEL_ADDON_POSTGRES_URL (or run as root with this machine's PostgreSQL) to make them again.`,
    );
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    const taken = await sql<{ name: string }[]>`
      SELECT datname AS name FROM pg_database WHERE datname = ANY(${names})
      UNION SELECT rolname FROM pg_roles WHERE rolname = ANY(${names})`;
    if (taken.length > 0) throw new RestoreTargetInUseError(`the add-on server already has ${taken.map((t) => t.name).join(", ")}`);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/**
 * Makes the database and role again with the login the add-on recorded, on the server given; when
 * that server has another address than the recorded one, the add-on's URL is sealed again with it.
 */
async function remakeAddon(db: Database, keyring: Keyring, row: Addon, resource: string, adminUrl: string) {
  const recorded = new URL(openAddonUrl(keyring, row));
  const plan = (row.plan in POSTGRES_PLANS ? row.plan : "hobby") as PostgresPlan;
  const url = new URL(await createPostgresAddon(adminUrl, resource, plan, decodeURIComponent(recorded.password)));
  if (url.host !== recorded.host) {
    await sealAddonCredentials(db, row.id, sealAddonUrl(keyring, row.id, url.toString()));
    await updateAddon(db, row.id, { details: { ...(row.details as object), server: url.host } });
  }
  return url.toString();
}
