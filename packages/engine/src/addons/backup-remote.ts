// The S3 tier of add-on backups: each finished backup's encrypted file is copied to a bucket (the
// same SKYPANEL_BACKUP_S3_* settings the platform backups use), so losing this machine's disk
// loses no backup. Only ciphertext leaves the machine; its data key stays sealed in the database.
import { createReadStream, createWriteStream, renameSync, rmSync, statSync } from "node:fs";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { DeleteObjectsCommand, GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { type S3Settings, s3Client } from "../storage/s3.ts";

/** Add-on backups go under `<prefix>/addon-backups/` of the bucket. */
export type BackupBucketConfig = S3Settings;

export interface BackupBucket {
  /** Where backup `backupId` of add-on `addonId` is kept in the bucket. */
  keyFor(addonId: string, backupId: string): string;
  /** Uploads `file` as `key` (a single PUT: S3 takes up to 5 GB so). */
  put(key: string, file: string, sha256: string): Promise<void>;
  /** Downloads `key` to `file` (written beside it first, then renamed). */
  get(key: string, file: string): Promise<void>;
  delete(keys: string[]): Promise<void>;
  /** `s3://bucket/key`, for people. */
  describe(key: string): string;
}

export function s3BackupBucket(config: BackupBucketConfig): BackupBucket {
  // A bucket that does not answer fails the copy (recorded on the backup), not the backup.
  const s3 = s3Client(config, { requestMs: 120_000, connectMs: 10_000 });
  const prefix = config.prefix.replace(/^\/+|\/+$/g, "");
  return {
    keyFor: (addonId, backupId) => `${prefix ? `${prefix}/` : ""}addon-backups/${addonId}/${backupId}.dump.enc`,

    async put(key, file, sha256) {
      await s3.send(
        new PutObjectCommand({
          Bucket: config.bucket,
          Key: key,
          Body: createReadStream(file),
          ContentLength: statSync(file).size,
          ContentType: "application/octet-stream",
          Metadata: { sha256 },
        }),
      );
    },

    async get(key, file) {
      const partial = `${file}.fetching`;
      try {
        const got = await s3.send(new GetObjectCommand({ Bucket: config.bucket, Key: key }));
        await pipeline(got.Body as Readable, createWriteStream(partial, { mode: 0o600 }));
        renameSync(partial, file);
      } finally {
        rmSync(partial, { force: true });
      }
    },

    async delete(keys) {
      for (let i = 0; i < keys.length; i += 1000) {
        const batch = keys.slice(i, i + 1000);
        await s3.send(new DeleteObjectsCommand({ Bucket: config.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }));
      }
    },

    describe: (key) => `s3://${config.bucket}/${key}`,
  };
}
