// Reads a .zip entry by entry into a TreeWriter. yauzl parses the container; names, types,
// sizes and checksums are judged here.
import { stat } from "node:fs/promises";
import { crc32 } from "node:zlib";
import yauzl, { type Entry, type ZipFile } from "yauzl";
import { CorruptArchiveError, shown, UnsafeArchiveEntryError } from "./errors.ts";
import type { SourceBudget } from "./limits.ts";
import type { TreeWriter } from "./tree-writer.ts";

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
const MADE_BY_UNIX = 3;
const STORED = 0;
const DEFLATED = 8;

export async function readZip(archivePath: string, tree: TreeWriter, budget: SourceBudget): Promise<void> {
  const { size } = await stat(archivePath);
  const zip = await open(archivePath);
  try {
    budget.checkEntryCount(zip.entryCount);
    const next = entryReader(zip);
    // Entries may share compressed data (overlapping-file bombs), so the file's own size caps
    // what counts as compressed input.
    let compressedSum = 0;
    for (let entry = await next(); entry; entry = await next()) {
      compressedSum += entry.compressedSize;
      budget.compressed = Math.min(size, compressedSum);
      await addEntry(zip, entry, tree, budget);
    }
  } finally {
    zip.close();
  }
}

async function addEntry(zip: ZipFile, entry: Entry, tree: TreeWriter, budget: SourceBudget): Promise<void> {
  const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, true);
  const unixMode = entry.versionMadeBy >> 8 === MADE_BY_UNIX ? entry.externalFileAttributes >>> 16 : 0;
  const type = unixMode & S_IFMT;
  const isDirectory = type === S_IFDIR || ((type === 0 || type === S_IFREG) && name.endsWith("/"));

  if (type !== 0 && type !== S_IFREG && type !== S_IFDIR && type !== S_IFLNK)
    throw new UnsafeArchiveEntryError(name, "it is a device, FIFO or socket, not a file, directory or link");
  if (isDirectory) return tree.addDirectory(name);
  if (entry.isEncrypted()) throw new UnsafeArchiveEntryError(name, "it is encrypted, which is not supported");
  if (entry.compressionMethod !== STORED && entry.compressionMethod !== DEFLATED)
    throw new UnsafeArchiveEntryError(
      name,
      `it uses compression method ${entry.compressionMethod}; only stored and deflated entries are supported`,
    );

  if (type === S_IFLNK) {
    if (entry.uncompressedSize > budget.limits.maxNameBytes)
      throw new UnsafeArchiveEntryError(name, `its link target is longer than ${budget.limits.maxNameBytes} bytes`);
    const parts: Buffer[] = [];
    for await (const chunk of checked(zip, entry, name, budget)) parts.push(chunk);
    return tree.addSymlink(name, Buffer.concat(parts).toString("utf8"));
  }
  return tree.addFile(name, unixMode, entry.uncompressedSize, checked(zip, entry, name, budget));
}

/** The entry's data, counted for the bomb check and verified against its CRC-32 at the end. */
async function* checked(zip: ZipFile, entry: Entry, name: string, budget: SourceBudget): AsyncGenerator<Buffer> {
  const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) =>
    zip.openReadStream(entry, (err, s) => (err ? reject(err) : resolve(s))),
  );
  let crc = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    budget.addExpanded(chunk.length);
    crc = crc32(chunk, crc);
    yield chunk;
  }
  if (crc !== entry.crc32) throw new CorruptArchiveError(`the data of ${shown(name)} does not match its checksum`);
}

function open(path: string): Promise<ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.open(
      path,
      { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true, strictFileNames: true },
      (err, zip) => (err ? reject(err) : resolve(zip)),
    ),
  );
}

/** Pulls one entry at a time; null once the central directory is exhausted. */
function entryReader(zip: ZipFile): () => Promise<Entry | null> {
  let waiting: { resolve: (e: Entry | null) => void; reject: (err: Error) => void } | null = null;
  let failure: Error | null = null;
  let ended = false;
  const settle = (fn: (w: NonNullable<typeof waiting>) => void) => {
    const w = waiting;
    waiting = null;
    if (w) fn(w);
  };
  zip.on("entry", (e: Entry) => settle((w) => w.resolve(e)));
  zip.on("end", () => {
    ended = true;
    settle((w) => w.resolve(null));
  });
  zip.on("error", (err: Error) => {
    failure = err;
    settle((w) => w.reject(err));
  });
  return () =>
    new Promise((resolve, reject) => {
      if (failure) return reject(failure);
      if (ended) return resolve(null);
      waiting = { resolve, reject };
      zip.readEntry();
    });
}
