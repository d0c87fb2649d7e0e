// The files of add-on backups in the artifact store ($SKYPANEL_HOME/artifacts/backups/<addon>/):
// `<backup>.dump.enc` (encrypted, backup-crypto.ts) for every backup taken now, `<backup>.dump`
// (plain pg_dump) for those taken before backups were encrypted. With a bucket configured, each
// encrypted file is copied there too and fetched back when the local one is gone.
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { type Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { AddonBackup } from "@skypanel/db";
import { EngineError } from "../errors.ts";
import type { Keyring } from "../secrets/index.ts";
import { hashingTap, sha256File } from "../storage/sha256.ts";
import { BackupTamperedError, decryptingStream, encryptingStream, openDataKey } from "./backup-crypto.ts";
import type { BackupBucket } from "./backup-remote.ts";
import { pgDumpStream } from "./pg-dump.ts";

type Sealed = Pick<AddonBackup, "id" | "addonId" | "sha256" | "dataKey" | "dataKeyNonce" | "keyId" | "remoteKey">;

export function createBackupFiles(root: string, keyring: Keyring, bucket: BackupBucket | null) {
  const dirOf = (addonId: string) => join(root, addonId);
  const fileOf = (b: Pick<AddonBackup, "id" | "addonId" | "keyId">) => join(dirOf(b.addonId), `${b.id}${b.keyId ? ".dump.enc" : ".dump"}`);

  function dataKey(b: Sealed): Buffer {
    if (!b.keyId || !b.dataKey || !b.dataKeyNonce) throw new Error(`backup ${b.id} is not encrypted`);
    try {
      return openDataKey(keyring, b.id, { dataKey: b.dataKey, dataKeyNonce: b.dataKeyNonce, keyId: b.keyId });
    } catch (err) {
      throw new EngineError("CONFLICT", `Backup ${b.id}'s data key cannot be opened (${(err as Error).message}); nothing was restored.`);
    }
  }

  /** A stream of the plain dump; it fails (and so does the restore) on any chunk that does not authenticate. */
  function plainFrom(b: Sealed, key: Buffer): Readable {
    const decrypt = decryptingStream(key, `Backup ${b.id}'s file`);
    createReadStream(fileOf(b))
      .on("error", (err) => decrypt.destroy(err))
      .pipe(decrypt);
    return decrypt;
  }

  return {
    fileOf,

    /** pg_dump of `url`, encrypted with `key` as it streams, into the backup's file; its size and SHA-256. */
    async write(url: string, b: Sealed, key: Buffer): Promise<{ sizeBytes: number; sha256: string }> {
      const file = fileOf(b);
      const partial = `${file}.partial`;
      mkdirSync(dirOf(b.addonId), { recursive: true, mode: 0o700 });
      const hash = createHash("sha256");
      try {
        await pipeline(pgDumpStream(url), encryptingStream(key), hashingTap(hash), createWriteStream(partial, { mode: 0o600 }));
        renameSync(partial, file);
      } finally {
        rmSync(partial, { force: true });
      }
      return { sizeBytes: statSync(file).size, sha256: hash.digest("hex") };
    },

    /** Copies the backup's file to the bucket; its key there, or null without a bucket. */
    async upload(b: Sealed): Promise<string | null> {
      if (!bucket || !b.keyId || !b.sha256) return null;
      const key = bucket.keyFor(b.addonId, b.id);
      await bucket.put(key, fileOf(b), b.sha256);
      return key;
    },

    /**
     * What a restore reads: the plain dump's path, or a decrypting stream. The file is fetched
     * from the bucket when it is gone here, then checked whole (its SHA-256 and, encrypted, every
     * chunk's tag) before anything is touched, so a damaged or tampered file is refused up front.
     */
    async openForRestore(b: Sealed): Promise<() => string | Readable> {
      const file = fileOf(b);
      if (!existsSync(file) && b.remoteKey && bucket) {
        mkdirSync(dirOf(b.addonId), { recursive: true, mode: 0o700 });
        await bucket.get(b.remoteKey, file).catch((err: Error) => {
          throw new EngineError(
            "CONFLICT",
            `Backup ${b.id}'s file is gone here and could not be fetched from ${bucket.describe(b.remoteKey ?? "")} (${err.message}); nothing was restored.`,
          );
        });
      }
      const damaged = (why: string) =>
        new EngineError("CONFLICT", `Backup ${b.id}'s file is missing or damaged in the artifact store (${why}); nothing was restored.`);
      if (!existsSync(file)) throw damaged(b.remoteKey ? "and no bucket is configured to fetch it from" : "no file");
      if (!b.keyId) {
        if ((await sha256File(file)) !== b.sha256) throw damaged("its checksum differs");
        return () => file;
      }
      const key = dataKey(b);
      const hash = createHash("sha256");
      try {
        await pipeline(createReadStream(file), hashingTap(hash), decryptingStream(key, `Backup ${b.id}'s file`), discard());
      } catch (err) {
        if (err instanceof BackupTamperedError) throw new EngineError("CONFLICT", err.message);
        throw damaged((err as Error).message);
      }
      if (hash.digest("hex") !== b.sha256) throw damaged("its checksum differs");
      return () => plainFrom(b, key);
    },

    /** Drops these backups' files, here and in the bucket. */
    async remove(backups: Sealed[]) {
      for (const b of backups) rmSync(fileOf(b), { force: true });
      const keys = backups.flatMap((b) => (b.remoteKey ? [b.remoteKey] : []));
      if (bucket && keys.length) await bucket.delete(keys);
    },

    /** Drops every file of the add-on, here and in the bucket (the add-on is going). */
    async removeAll(addonId: string, remoteKeys: string[]) {
      rmSync(dirOf(addonId), { recursive: true, force: true });
      if (bucket && remoteKeys.length) await bucket.delete(remoteKeys);
    },
  };
}

export type BackupFiles = ReturnType<typeof createBackupFiles>;

const discard = () =>
  new Writable({
    write(_chunk, _enc, callback) {
      callback();
    },
  });
