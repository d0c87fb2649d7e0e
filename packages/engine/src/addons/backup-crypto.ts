// Add-on backup files encrypted at rest. Each file gets its own random 256-bit data key; the key is
// sealed under the platform keyring's current key and kept in the backup's row, never on disk
// next to the file. Why a per-file key rather than the keyring key itself: a master key rotation
// then re-seals 32 bytes per backup in the database instead of re-encrypting every dump (which
// may be gigabytes, and whose S3 copy would have to be uploaded again).
//
// The file is AES-256-GCM in chunks, so a dump of any size streams through in constant memory and
// no byte reaches pg_restore before its chunk's tag was checked:
//   header  = "SKYPBAK1" | chunk size (uint32 BE)
//   chunk i = ciphertext | 16-byte tag,  nonce = 0x00000000 | i (uint64 BE)
//   AAD     = header | i (uint64 BE) | 1 on the last chunk, else 0
// Every chunk is full but the last (0..size bytes), which is always present. The counter in the
// AAD refuses reordered or dropped chunks; the last-chunk flag refuses a file cut at a chunk
// boundary; the header in the AAD refuses a changed chunk size. Nonces never repeat under a key
// because each key encrypts one file.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";
import type { Database } from "@skypanel/db";
import { listSealedBackupKeys, lockBackupKeys, resealBackupKey } from "@skypanel/db/queries";
import { type Keyring, open, seal } from "../secrets/index.ts";

const MAGIC = Buffer.from("SKYPBAK1", "ascii");
const HEADER_BYTES = MAGIC.length + 4;
const TAG_BYTES = 16;
export const BACKUP_CHUNK_BYTES = 64 * 1024;

/** The file is not one this key encrypted, or it was changed, cut short or extended. */
export class BackupTamperedError extends Error {
  readonly code = "BACKUP_TAMPERED";
}

export interface SealedDataKey {
  dataKey: Uint8Array;
  dataKeyNonce: Uint8Array;
  keyId: string;
}

const keyContext = (backupId: string) => `addon-backup:${backupId}`;

/** A fresh data key for backup `backupId`, and the same key sealed under the keyring's current key. */
export function newDataKey(keyring: Keyring, backupId: string): { key: Buffer; sealed: SealedDataKey } {
  const key = randomBytes(32);
  const s = seal(keyring, key.toString("base64"), keyContext(backupId));
  return { key, sealed: { dataKey: s.ciphertext, dataKeyNonce: s.nonce, keyId: s.keyId } };
}

export function openDataKey(keyring: Keyring, backupId: string, sealed: SealedDataKey): Buffer {
  const key = Buffer.from(
    open(keyring, { ciphertext: sealed.dataKey, nonce: sealed.dataKeyNonce, keyId: sealed.keyId }, keyContext(backupId)),
    "base64",
  );
  if (key.length !== 32) throw new BackupTamperedError(`Backup ${backupId}'s data key is damaged.`);
  return key;
}

/** For a master key rotation: every backup's data key sealed again under `keyId`, so the old key can go. */
export async function resealAddonBackupKeys(db: Database, keyring: Keyring, keyId: string): Promise<number> {
  await lockBackupKeys(db);
  let n = 0;
  for (const row of await listSealedBackupKeys(db)) {
    if (row.keyId === keyId || !row.keyId || !row.dataKey || !row.dataKeyNonce) continue;
    const key = openDataKey(keyring, row.id, { dataKey: row.dataKey, dataKeyNonce: row.dataKeyNonce, keyId: row.keyId });
    const s = seal(keyring, key.toString("base64"), keyContext(row.id));
    await resealBackupKey(db, row.id, { dataKey: s.ciphertext, dataKeyNonce: s.nonce, keyId: s.keyId });
    n++;
  }
  return n;
}

function header(chunkBytes: number): Buffer {
  const h = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(h);
  h.writeUInt32BE(chunkBytes, MAGIC.length);
  return h;
}

function nonceAndAad(head: Buffer, index: bigint, last: boolean) {
  const nonce = Buffer.alloc(12);
  nonce.writeBigUInt64BE(index, 4);
  const aad = Buffer.alloc(head.length + 9);
  head.copy(aad);
  aad.writeBigUInt64BE(index, head.length);
  aad[head.length + 8] = last ? 1 : 0;
  return { nonce, aad };
}

/** Plain dump in, encrypted file out. */
export function encryptingStream(key: Buffer, chunkBytes = BACKUP_CHUNK_BYTES): Transform {
  const head = header(chunkBytes);
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let index = 0n;
  const sealChunk = (plain: Buffer, last: boolean) => {
    const { nonce, aad } = nonceAndAad(head, index++, last);
    const cipher = createCipheriv("aes-256-gcm", key, nonce);
    cipher.setAAD(aad);
    return Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  };
  return new Transform({
    construct(callback) {
      this.push(head);
      callback();
    },
    transform(chunk: Buffer, _enc, callback: TransformCallback) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      // Only strictly more than a chunk is sealed here, so flush always has the last chunk to seal.
      if (pendingBytes > chunkBytes) {
        let all = Buffer.concat(pending);
        while (all.length > chunkBytes) {
          this.push(sealChunk(all.subarray(0, chunkBytes), false));
          all = all.subarray(chunkBytes);
        }
        pending = [all];
        pendingBytes = all.length;
      }
      callback();
    },
    flush(callback) {
      this.push(sealChunk(Buffer.concat(pending), true));
      callback();
    },
  });
}

/** Encrypted file in, plain dump out; fails with BackupTamperedError before passing on any byte that does not check out. */
export function decryptingStream(key: Buffer, what: string): Transform {
  let head: Buffer | null = null;
  let chunkBytes = 0;
  let buffered: Buffer = Buffer.alloc(0);
  let index = 0n;
  const tampered = (why: string) => new BackupTamperedError(`${what} was changed or damaged (${why}); nothing was restored from it.`);
  const openChunk = (data: Buffer, last: boolean) => {
    if (!head) throw tampered("no header");
    if (data.length < TAG_BYTES) throw tampered("cut short");
    const { nonce, aad } = nonceAndAad(head, index++, last);
    const decipher = createDecipheriv("aes-256-gcm", key, nonce);
    decipher.setAAD(aad);
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(data.subarray(0, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw tampered(`chunk ${index - 1n} does not authenticate`);
    }
  };
  return new Transform({
    transform(chunk: Buffer, _enc, callback: TransformCallback) {
      try {
        buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
        if (!head) {
          if (buffered.length < HEADER_BYTES) return callback();
          head = Buffer.from(buffered.subarray(0, HEADER_BYTES));
          if (!head.subarray(0, MAGIC.length).equals(MAGIC)) throw tampered("not an encrypted backup");
          chunkBytes = head.readUInt32BE(MAGIC.length);
          if (chunkBytes < 1 || chunkBytes > 16 * 1024 * 1024) throw tampered("bad chunk size");
          buffered = buffered.subarray(HEADER_BYTES);
        }
        const sealed = chunkBytes + TAG_BYTES;
        // A whole chunk with more after it cannot be the last one.
        while (buffered.length > sealed) {
          this.push(openChunk(buffered.subarray(0, sealed), false));
          buffered = buffered.subarray(sealed);
        }
        callback();
      } catch (err) {
        callback(err as Error);
      }
    },
    flush(callback) {
      try {
        if (!head) throw tampered("no header");
        this.push(openChunk(buffered, true));
        callback();
      } catch (err) {
        callback(err as Error);
      }
    },
  });
}
