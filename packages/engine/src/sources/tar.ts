// Reads a .tar or .tar.gz as a stream (never the whole thing in memory) into a TreeWriter.
import { createReadStream } from "node:fs";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import tarStream, { type Header } from "tar-stream";
import { mostTelling, NotAnArchiveError, UnsafeArchiveEntryError } from "./errors.ts";
import type { SourceBudget } from "./limits.ts";
import type { TreeWriter } from "./tree-writer.ts";

/** "ustar" at offset 257: POSIX and GNU tar headers both carry it. */
export function isTarHeader(block: Buffer): boolean {
  return block.length >= 262 && block.toString("latin1", 257, 262) === "ustar";
}

export async function readTar(archivePath: string, gzipped: boolean, tree: TreeWriter, budget: SourceBudget): Promise<void> {
  const extract = tarStream.extract();
  const stages: Transform[] = gzipped
    ? [
        counter((n) => {
          budget.compressed += n;
        }),
        createGunzip(),
        counter((n) => budget.addExpanded(n)),
        requireTarInside(),
      ]
    : [
        counter((n) => {
          budget.compressed += n;
          budget.addExpanded(n);
        }),
      ];
  // Settles with the first error of any stage (a limit, a corrupt gzip) instead of throwing.
  // tar-stream's extractor is a streamx Writable, which Node's pipeline drives like its own.
  const sink = extract as unknown as NodeJS.WritableStream;
  const piped = pipeline([createReadStream(archivePath), ...stages, sink]).then(
    () => null,
    (err: unknown) => err,
  );
  try {
    for await (const entry of extract) await addEntry(entry.header, entry, tree);
  } catch (err) {
    throw mostTelling(await piped, err);
  }
  const failure = await piped;
  if (failure) throw failure;
}

async function addEntry(header: Header, data: AsyncIterable<unknown> & { resume(): unknown }, tree: TreeWriter): Promise<void> {
  const { name, type } = header;
  switch (type) {
    case "file":
    case "contiguous-file":
      return tree.addFile(name, header.mode, header.size, chunks(data));
    case "directory":
      data.resume();
      return tree.addDirectory(name);
    case "symlink":
      data.resume();
      return tree.addSymlink(name, header.linkname ?? "");
    case "link":
      data.resume();
      return tree.addHardlink(name, header.linkname ?? "");
    case "fifo":
      throw new UnsafeArchiveEntryError(name, "it is a FIFO (named pipe), not a file, directory or link");
    case "character-device":
    case "block-device":
      throw new UnsafeArchiveEntryError(name, `it is a ${type.replace("-", " ")}, not a file, directory or link`);
    default:
      throw new UnsafeArchiveEntryError(name, "it has an entry type this platform does not extract (only files, directories and links)");
  }
}

async function* chunks(source: AsyncIterable<unknown>): AsyncGenerator<Buffer> {
  for await (const chunk of source) yield chunk as Buffer;
}

function counter(onBytes: (n: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      try {
        onBytes(chunk.length);
      } catch (err) {
        return done(err as Error);
      }
      done(null, chunk);
    },
  });
}

/** A .gz that does not hold a tar is refused by name, not as a corrupt tar. */
function requireTarInside(): Transform {
  let head = Buffer.alloc(0);
  let checked = false;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      if (checked) return done(null, chunk);
      head = Buffer.concat([head, chunk]);
      if (head.length < 512) return done();
      checked = true;
      if (!isTarHeader(head)) return done(new NotAnArchiveError("a gzip file without a tar archive inside"));
      done(null, head);
    },
    flush(done) {
      if (!checked) return done(new NotAnArchiveError("a gzip file without a tar archive inside"));
      done();
    },
  });
}
