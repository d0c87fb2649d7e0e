// The chunked AES-256-GCM format of add-on backup files, in memory: it gives the bytes back, and
// refuses a file changed, cut, extended, reordered or opened with another key.
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { BackupTamperedError, decryptingStream, encryptingStream } from "./backup-crypto.ts";

const CHUNK = 1024;
const HEADER = 12;
const SEALED_CHUNK = CHUNK + 16;

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

/** Feeds `data` in uneven pieces, as a pipe would. */
const pieces = (data: Buffer) => Readable.from([0, 7, 100, 1500, 3000].map((at, i, all) => data.subarray(at, all[i + 1] ?? data.length)));

const encrypt = (key: Buffer, plain: Buffer) => collect(pieces(plain).pipe(encryptingStream(key, CHUNK)));
const decrypt = (key: Buffer, file: Buffer) => collect(pieces(file).pipe(decryptingStream(key, "the file")));

describe("add-on backup encryption format", () => {
  const key = randomBytes(32);

  it("gives back exactly what went in, for 0, 1, one chunk, a chunk and a byte, and several chunks of bytes", async () => {
    for (const size of [0, 1, CHUNK, CHUNK + 1, 3 * CHUNK + 5]) {
      const plain = randomBytes(size);
      const file = await encrypt(key, plain);
      // Every chunk is full but the last, which is always there (empty for no bytes).
      expect(file.length).toBe(HEADER + Math.max(1, Math.ceil(size / CHUNK)) * 16 + size);
      expect((await decrypt(key, file)).equals(plain)).toBe(true);
    }
  });

  it("does not contain the plain text it encrypts", async () => {
    const plain = Buffer.from("secret-row-value ".repeat(500));
    const file = await encrypt(key, plain);
    expect(file.includes(Buffer.from("secret-row-value"))).toBe(false);
  });

  it("refuses a flipped bit, a cut at a chunk boundary, a chunk dropped or swapped, bytes added, a changed header and another key", async () => {
    const plain = randomBytes(3 * CHUNK + 10);
    const file = await encrypt(key, plain);
    const chunk = (i: number) => file.subarray(HEADER + i * SEALED_CHUNK, HEADER + (i + 1) * SEALED_CHUNK);
    const flipped = Buffer.from(file);
    flipped[HEADER + 5] = (flipped[HEADER + 5] ?? 0) ^ 1;
    const changedHeader = Buffer.from(file);
    changedHeader.writeUInt32BE(CHUNK * 2, 8);
    const cases: [string, Buffer, Buffer][] = [
      ["flipped bit", flipped, key],
      ["cut at a chunk boundary", file.subarray(0, HEADER + 2 * SEALED_CHUNK), key],
      ["cut in a chunk", file.subarray(0, file.length - 3), key],
      ["chunk dropped", Buffer.concat([file.subarray(0, HEADER), chunk(0), chunk(2), file.subarray(HEADER + 3 * SEALED_CHUNK)]), key],
      ["chunks swapped", Buffer.concat([file.subarray(0, HEADER), chunk(1), chunk(0), file.subarray(HEADER + 2 * SEALED_CHUNK)]), key],
      ["bytes added", Buffer.concat([file, Buffer.from("more")]), key],
      ["header changed", changedHeader, key],
      ["not encrypted", plain, key],
      ["another key", file, randomBytes(32)],
    ];
    let refused = 0;
    for (const [name, bytes, k] of cases) {
      const err = await decrypt(k, bytes).then(
        () => null,
        (e: Error) => e,
      );
      expect(err, name).toBeInstanceOf(BackupTamperedError);
      expect(err?.message, name).toMatch(/changed or damaged/);
      refused++;
    }
    expect(refused).toBe(cases.length);
  });
});
