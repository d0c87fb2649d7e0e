import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { isValid, type NixEnv, pathInfo } from "../nix/index.ts";
import { runChecked } from "../process/run.ts";
import { type S3Settings, s3Client } from "../storage/s3.ts";
import { sha256File } from "../storage/sha256.ts";

/** A second tier behind the local store, shared by several control planes (S3 API). */
export interface RemoteLayerCache {
  /** Imports the layer for `key` into the local store; null when the remote has none. */
  fetch(nix: NixEnv, key: string): Promise<{ storePath: string; narHash: string } | null>;
  /** Uploads the layer at `storePath` under `key`. */
  store(nix: NixEnv, key: string, storePath: string): Promise<void>;
}

export type S3CacheConfig = S3Settings;

export class RemoteCacheIntegrityError extends Error {}

/**
 * Layers travel as `nix-store --export` files with their SHA-256 and NAR hash in the object's
 * metadata; a download whose bytes or imported contents do not match is refused.
 */
export function s3LayerCache(config: S3CacheConfig): RemoteLayerCache {
  const s3 = s3Client(config);
  const objectKey = (key: string) => `${config.prefix.replace(/\/$/, "")}/layers/${key}.nixexport`.replace(/^\//, "");

  return {
    async fetch(nix, key) {
      const tmp = mkdtempSync(join(tmpdir(), "skypanel-layer-"));
      try {
        const head = await s3.send(new HeadObjectCommand({ Bucket: config.bucket, Key: objectKey(key) })).catch((err) => {
          if (err?.$metadata?.httpStatusCode === 404 || err?.name === "NotFound") return null;
          throw err;
        });
        if (!head) return null;
        const meta = head.Metadata ?? {};
        const file = join(tmp, "layer.nixexport");
        const got = await s3.send(new GetObjectCommand({ Bucket: config.bucket, Key: objectKey(key) }));
        await pipeline(got.Body as Readable, createWriteStream(file));
        if ((await sha256File(file)) !== meta.sha256)
          throw new RemoteCacheIntegrityError(`remote layer ${key} does not match its checksum`);
        const { stdout } = await runChecked("nix-store", ["--import"], { env: nix.env, stdinFile: file });
        const storePath = stdout.trim().split("\n").pop() ?? "";
        if (storePath !== meta["store-path"] || !(await isValid(nix, storePath))) {
          throw new RemoteCacheIntegrityError(`remote layer ${key} imported as ${storePath}, expected ${meta["store-path"]}`);
        }
        const info = await pathInfo(nix, storePath);
        if (info.narHash !== meta["nar-hash"]) throw new RemoteCacheIntegrityError(`remote layer ${key} has other contents than recorded`);
        return { storePath, narHash: info.narHash };
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    },

    async store(nix, key, storePath) {
      const tmp = mkdtempSync(join(tmpdir(), "skypanel-layer-"));
      try {
        const file = join(tmp, "layer.nixexport");
        await runChecked("nix-store", ["--export", storePath], { env: nix.env, stdoutFile: file });
        const info = await pathInfo(nix, storePath);
        await s3.send(
          new PutObjectCommand({
            Bucket: config.bucket,
            Key: objectKey(key),
            Body: readFileSync(file),
            ContentLength: statSync(file).size,
            Metadata: { sha256: await sha256File(file), "store-path": storePath, "nar-hash": info.narHash },
          }),
        );
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    },
  };
}
