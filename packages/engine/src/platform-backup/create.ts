// createPlatformBackup: one archive of the whole platform. The control database is one snapshot;
// the closures are those of every release current just before or just after it (both read, so
// a deploy finishing meanwhile cannot leave the restored database naming a build the archive
// lacks); then each PostgreSQL add-on's pg_dump, the key files wrapped, and the manifest.
import { mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Database } from "@skypanel/db";
import { listAddonsForBackup, listCurrentReleaseArtifacts } from "@skypanel/db/queries";
import { openAddonUrl, pgDump } from "../addons/index.ts";
import { exportClosures } from "../exports/index.ts";
import type { NixEnv } from "../nix/index.ts";
import type { Keyring } from "../secrets/index.ts";
import { sha256File } from "../storage/sha256.ts";
import { writeBackupArchive } from "./archive.ts";
import { type ControlDbSource, controlDbMember, dumpControlDb } from "./control-db.ts";
import { packKeys } from "./keys.ts";
import { BACKUP_FORMAT, BACKUP_VERSION, type BackupManifest, type BackupManifestDraft } from "./manifest.ts";

export interface BackupProgress {
  step: "control-db" | "closures" | "addons" | "keys" | "archive" | "upload" | "restore-db" | "import-closures" | "addon-data" | "verify";
  detail: string;
}

export interface CreateBackupParts {
  db: Database;
  source: ControlDbSource;
  home: string;
  keyring: Keyring;
  nixEnv: () => Promise<NixEnv>;
  platformVersion: string;
}

export interface CreateBackupInput {
  /** Wraps the key files; null only when Vault wraps every one. */
  passphrase: string | null;
  /** A folder of its own to work in (removed afterwards but for the archive). */
  workDir: string;
  /** The archive's path, inside or outside workDir. */
  archiveFile: string;
  onProgress?: (p: BackupProgress) => void;
}

export async function createPlatformBackup(
  parts: CreateBackupParts,
  input: CreateBackupInput,
): Promise<{ manifest: BackupManifest; bytes: number; sha256: string }> {
  const say = (step: BackupProgress["step"], detail: string) => input.onProgress?.({ step, detail });
  const work = join(input.workDir, "parts");
  mkdirSync(join(work, "addons"), { recursive: true, mode: 0o700 });
  const files = new Map<string, string>();
  try {
    // Keys first: a missing passphrase fails before any large work.
    say("keys", "wrapping the key files");
    const keys = await packKeys(parts.home, input.passphrase);
    const keysMember = keys.wrapping === "passphrase" ? "keys.sealed" : "keys.vault.json";
    writeFileSync(join(work, keysMember), keys.data, { mode: 0o600 });
    files.set(keysMember, join(work, keysMember));

    const before = await listCurrentReleaseArtifacts(parts.db);
    say("control-db", "dumping the control database");
    const dbFile = join(work, "control-db");
    const driver = await dumpControlDb(parts.source, dbFile);
    files.set(controlDbMember(driver), dbFile);
    const after = await listCurrentReleaseArtifacts(parts.db);
    const releases = new Map([...before, ...after].map((r) => [r.releaseId, { ...r, storePath: r.storePath ?? "" }]));

    let closures: BackupManifestDraft["closures"] = null;
    const storePaths = [...new Set([...releases.values()].map((r) => r.storePath))];
    if (storePaths.length > 0) {
      say("closures", `exporting the closures of ${releases.size} current release(s) from the Nix store`);
      const file = join(work, "closures.nixexport");
      const paths = await exportClosures(await parts.nixEnv(), storePaths, file);
      files.set("closures.nixexport", file);
      closures = { member: "closures.nixexport", paths: paths.length };
    }

    const addons: BackupManifestDraft["addons"] = [];
    for (const { app, addon } of await listAddonsForBackup(parts.db)) {
      const resource = String((addon.details as { resource?: string }).resource ?? "");
      if (addon.type !== "postgresql") {
        addons.push({
          id: addon.id,
          app,
          type: "redis",
          resource,
          member: null,
          note: "Redis data is not backed up (a cache); its user is not made again",
        });
        continue;
      }
      say("addons", `dumping ${addon.name} of ${app}`);
      const member = `addons/${addon.id}.pgdump`;
      const file = join(work, member);
      await pgDump(openAddonUrl(parts.keyring, addon), file);
      files.set(member, file);
      addons.push({ id: addon.id, app, type: "postgresql", resource, member, note: null });
    }

    say("archive", `writing the archive (${files.size} parts)`);
    const manifest = await writeBackupArchive(
      input.archiveFile,
      {
        format: BACKUP_FORMAT,
        version: BACKUP_VERSION,
        createdAt: new Date().toISOString(),
        platform: { version: parts.platformVersion },
        controlDb: { driver, member: controlDbMember(driver) },
        keys: { wrapping: keys.wrapping, member: keysMember },
        releases: [...releases.values()].map((r) => ({ app: r.app, releaseId: r.releaseId, buildId: r.buildId, storePath: r.storePath })),
        closures,
        addons,
      },
      files,
    );
    return { manifest, bytes: statSync(input.archiveFile).size, sha256: await sha256File(input.archiveFile) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
