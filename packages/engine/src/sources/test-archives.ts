// Writers for hand-made (and deliberately hostile) tar and zip archives, for tests only.
// They write whatever they are told: names with "..", absolute paths, devices, lying sizes.
import { crc32, deflateRawSync } from "node:zlib";

export type TarType = "file" | "hardlink" | "symlink" | "chardev" | "blockdev" | "directory" | "fifo" | "pax";
const TYPEFLAG: Record<TarType, string> = {
  file: "0",
  hardlink: "1",
  symlink: "2",
  chardev: "3",
  blockdev: "4",
  directory: "5",
  fifo: "6",
  pax: "x",
};

export interface TarEntry {
  name: string;
  type?: TarType;
  /** File data; for large bodies give `size` and stream the data yourself after the header. */
  data?: Buffer | string;
  size?: number;
  mode?: number;
  linkname?: string;
}

function octal(n: number, width: number): string {
  return `${n.toString(8).padStart(width - 1, "0")}\0`;
}

/** One 512-byte ustar header; names that do not fit go in a pax header before it. */
export function tarHeader(entry: TarEntry): Buffer {
  const type = entry.type ?? "file";
  const size = entry.size ?? (entry.data === undefined ? 0 : Buffer.byteLength(entry.data));
  const pax: string[] = [];
  if (Buffer.byteLength(entry.name) > 100) pax.push(paxRecord("path", entry.name));
  if (entry.linkname && Buffer.byteLength(entry.linkname) > 100) pax.push(paxRecord("linkpath", entry.linkname));
  const block = Buffer.alloc(512);
  block.write(entry.name.slice(0, 100), 0, "utf8");
  block.write(octal(entry.mode ?? (type === "directory" ? 0o755 : 0o644), 8), 100);
  block.write(octal(0, 8), 108);
  block.write(octal(0, 8), 116);
  block.write(octal(size, 12), 124);
  block.write(octal(1_700_000_000, 12), 136);
  block.write(TYPEFLAG[type], 156);
  if (entry.linkname) block.write(entry.linkname.slice(0, 100), 157, "utf8");
  block.write("ustar\u000000", 257, "latin1");
  block.fill(" ", 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "latin1");
  if (pax.length === 0) return block;
  const body = Buffer.from(pax.join(""));
  return Buffer.concat([tarHeader({ name: "PaxHeader", type: "pax", data: body }), pad(body), block]);
}

function paxRecord(key: string, value: string): string {
  const text = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(text) + 1;
  while (String(len).length + Buffer.byteLength(text) !== len) len = String(len).length + Buffer.byteLength(text);
  return `${len}${text}`;
}

export function pad(data: Buffer): Buffer {
  const rest = data.length % 512;
  return rest === 0 ? data : Buffer.concat([data, Buffer.alloc(512 - rest)]);
}

/** A whole tar in memory, for small archives. */
export function tar(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    parts.push(tarHeader(e));
    if (e.data !== undefined) parts.push(pad(Buffer.from(e.data)));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

export interface ZipEntry {
  name: string;
  data?: Buffer | string;
  /** Unix mode including the type bits (0o100755, 0o120777, 0o010644…). */
  unixMode?: number;
  deflate?: boolean;
  /** Lie in the headers about the uncompressed size. */
  declaredSize?: number;
  /** Store raw deflated bytes made elsewhere (for bombs), with the true size and CRC given. */
  raw?: { deflated: Buffer; size: number; crc: number };
}

/** A minimal zip: local headers, data, central directory, end record. */
export function zip(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, "utf8");
    const plain = Buffer.from(e.data ?? "");
    const method = e.raw || e.deflate ? 8 : 0;
    const body = e.raw ? e.raw.deflated : method === 8 ? deflateRawSync(plain) : plain;
    const crc = e.raw ? e.raw.crc : crc32(plain);
    const size = e.declaredSize ?? (e.raw ? e.raw.size : plain.length);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(e.unixMode === undefined ? 20 : (3 << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((e.unixMode ?? 0) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
