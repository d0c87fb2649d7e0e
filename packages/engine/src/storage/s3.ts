// One S3-compatible bucket's settings and client, for every tier that keeps files in one: the
// dependency layer cache, add-on backup copies and platform backups.
import { S3Client } from "@aws-sdk/client-s3";

export interface S3Settings {
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Key prefix inside the bucket. */
  prefix: string;
}

/** `timeouts`: a bucket that does not answer fails the request in bounded time (milliseconds). */
export function s3Client(settings: S3Settings, timeouts?: { requestMs: number; connectMs: number }): S3Client {
  return new S3Client({
    endpoint: settings.endpoint,
    region: settings.region,
    // S3-compatible servers on a plain host name (MinIO, s3rver) have no per-bucket DNS names.
    forcePathStyle: true,
    credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
    // A streamed body would otherwise go as aws-chunked with a trailing checksum, which not every
    // S3-compatible server understands (s3rver keeps the chunk framing as the object's bytes).
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    ...(timeouts ? { requestHandler: { requestTimeout: timeouts.requestMs, connectionTimeout: timeouts.connectMs } } : {}),
  });
}
