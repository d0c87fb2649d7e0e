// SHA-256 of files as they are written, read or copied: archives, backups and cached layers all
// record one and refuse bytes that do not match it.
import { createHash, type Hash } from "node:crypto";
import { createReadStream } from "node:fs";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";

export async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(file), hash);
  return hash.digest("hex");
}

/** Passes bytes on unchanged, adding them to `hash` (a checksum of a stream on its way elsewhere). */
export function hashingTap(hash: Hash): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
}
