// Where backup archives go: a folder (SKYPANEL_BACKUP_DIR) or an S3-compatible bucket
// (SKYPANEL_BACKUP_S3_*). A location is a file path or `s3://<bucket>/<key>`.
import { createReadStream, createWriteStream } from "node:fs";
import { copyFile, mkdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { ValidationError } from "../errors.ts";
import { type S3Settings, s3Client } from "../storage/s3.ts";

export type BackupS3Settings = S3Settings;

export type DestinationKind = "dir" | "s3";

export interface BackupDestinations {
  dir: string | null;
  s3: BackupS3Settings | null;
}

const S3_LOCATION = /^s3:\/\/([^/]+)\/(.+)$/;

/** Moves the finished archive to its destination; returns its location. */
export async function storeArchive(destinations: BackupDestinations, kind: DestinationKind, file: string, name: string): Promise<string> {
  if (kind === "dir") {
    if (!destinations.dir) throw new ValidationError("No backup folder is set (SKYPANEL_BACKUP_DIR).");
    await mkdir(destinations.dir, { recursive: true, mode: 0o700 });
    const dest = join(destinations.dir, name);
    // Another file system: copied beside it first, so a half-copied archive never has the final name.
    await rename(file, dest).catch(async (err: NodeJS.ErrnoException) => {
      if (err.code !== "EXDEV") throw err;
      await copyFile(file, `${dest}.partial`);
      await rename(`${dest}.partial`, dest);
      await rm(file, { force: true });
    });
    return dest;
  }
  const s3 = destinations.s3;
  if (!s3) throw new ValidationError("No backup bucket is set (SKYPANEL_BACKUP_S3_ENDPOINT, _BUCKET, _ACCESS_KEY_ID, _SECRET_ACCESS_KEY).");
  const key = `${s3.prefix.replace(/\/+$/, "")}/${name}`.replace(/^\/+/, "");
  const { size } = await stat(file);
  await s3Client(s3).send(
    new PutObjectCommand({
      Bucket: s3.bucket,
      Key: key,
      Body: createReadStream(file),
      ContentLength: size,
      ContentType: "application/x-tar",
    }),
  );
  await rm(file, { force: true });
  return `s3://${s3.bucket}/${key}`;
}

/** Makes a local file of the archive at `location` (downloads it from the bucket), for reading. */
export async function fetchArchive(location: string, s3: BackupS3Settings | null, toFile: string): Promise<string> {
  const m = S3_LOCATION.exec(location);
  if (!m) return location;
  if (!s3) throw new ValidationError(`Reading ${location} needs the bucket's endpoint and keys (SKYPANEL_BACKUP_S3_*).`);
  const got = await s3Client(s3).send(new GetObjectCommand({ Bucket: m[1], Key: m[2] }));
  await pipeline(got.Body as Readable, createWriteStream(toFile, { mode: 0o600 }));
  return toFile;
}

/** Deletes an archive (retention). */
export async function removeArchive(location: string, s3: BackupS3Settings | null): Promise<void> {
  const m = S3_LOCATION.exec(location);
  if (!m) return rm(location, { force: true });
  if (s3) await s3Client(s3).send(new DeleteObjectCommand({ Bucket: m[1], Key: m[2] }));
}
