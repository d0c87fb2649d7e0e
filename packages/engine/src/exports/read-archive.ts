// Reads an uploaded export archive as a stream into an empty directory. Only the members an
// export has are accepted, each once, each within its cap; every one must match the size and
// SHA-256 that manifest.json records. Any refusal leaves the directory as empty as it was given.
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, open, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import tarStream, { type Header } from "tar-stream";
import { EngineError } from "../errors.ts";
import { mostTelling, shown } from "../sources/errors.ts";
import { DamagedExportError, ExportTooLargeError, ForeignMemberError, NotAnExportError } from "./errors.ts";
import { checkMemberSize, checkTotalSize, type ExportLimits, exportLimits } from "./limits.ts";
import { type ExportManifest, parseExportManifest } from "./manifest.ts";
import { ARTIFACT_MEMBER, CONFIG_MEMBER, MANIFEST_MEMBER, type MemberDigest, type MemberKind, memberKind } from "./members.ts";

export interface ExportArchiveContents {
  manifest: ExportManifest;
  sealedConfig: Buffer;
  /** `<destDir>/artifact.closure`, for `importClosureFor`; null when the export has no build. */
  artifactFile: string | null;
  /** Member name (`addons/db.dump`) → its file under destDir. */
  dumps: Map<string, string>;
}

const IN_FLIGHT_BYTES = 16 * 1024 * 1024;

interface Member extends MemberDigest {
  /** manifest.json and config.sealed are small and kept in memory; the rest go to files. */
  data: Buffer | null;
  file: string | null;
}

/**
 * Extracts `file` into `destDir` (created if missing; it must be empty) and checks it whole.
 * Throws a ValidationError (`NotAnExportError`, `DamagedExportError`, `ForeignMemberError`,
 * `ExportTooLargeError`, `InvalidManifestError`) after removing everything it wrote.
 */
export async function readExportArchive(file: string, destDir: string, limits: Partial<ExportLimits> = {}): Promise<ExportArchiveContents> {
  const caps = exportLimits(limits);
  await requireGzip(file);
  await mkdir(destDir, { recursive: true });
  if ((await readdir(destDir)).length > 0) throw new Error(`${destDir} is not empty; an export is read into an empty directory.`);
  try {
    return checkMembers(await extractMembers(file, destDir, caps));
  } catch (err) {
    for (const name of await readdir(destDir)) await rm(join(destDir, name), { recursive: true, force: true });
    throw asExportError(err);
  }
}

async function requireGzip(file: string) {
  const handle = await open(file, "r");
  try {
    const head = Buffer.alloc(3);
    const { bytesRead } = await handle.read(head, 0, 3, 0);
    if (bytesRead < 3 || head[0] !== 0x1f || head[1] !== 0x8b || head[2] !== 0x08) throw new NotAnExportError("it is not a .tar.gz file");
  } finally {
    await handle.close();
  }
}

async function extractMembers(file: string, destDir: string, caps: ExportLimits): Promise<Map<string, Member>> {
  const members = new Map<string, Member>();
  const extract = tarStream.extract();
  let entries = 0;
  let total = 0;
  // Counted after decompression, headers, padding and trailing junk included: beyond the members'
  // declared sizes only their headers may come, so zeros behind the last member (a few KiB of
  // gzip for gigabytes) cannot keep the server decompressing. The slack covers the chunks in
  // flight between here and the tar parser, whose headers it has not read yet.
  let expanded = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      expanded += chunk.length;
      if (expanded > total + (entries + 2) * 2048 + IN_FLIGHT_BYTES) {
        return done(
          new ExportTooLargeError("The archive expands to far more than its members: it is damaged or built to exhaust the server."),
        );
      }
      done(null, chunk);
    },
  });
  const piped = pipeline([createReadStream(file), createGunzip(), counter, extract as unknown as NodeJS.WritableStream]).then(
    () => null,
    (err: unknown) => err,
  );
  try {
    for await (const entry of extract) {
      const { header } = entry;
      entries += 1;
      if (entries > caps.entries)
        throw new ExportTooLargeError(`The archive has more than ${caps.entries} members; an export has far fewer.`);
      const kind = checkHeader(header, members);
      checkMemberSize(caps, kind, header.name, header.size);
      total += header.size;
      checkTotalSize(caps, total);
      members.set(header.name, await readMember(entry, header, kind, destDir));
    }
  } catch (err) {
    throw mostTelling(await piped, err);
  }
  const failure = await piped;
  if (failure) throw failure;
  return members;
}

function checkHeader(header: Header, seen: Map<string, Member>): MemberKind {
  const kind = memberKind(header.name);
  if (kind === null) throw new ForeignMemberError(shown(header.name));
  if (header.type !== "file") throw new ForeignMemberError(shown(header.name), `a ${header.type} where an export has a plain file`);
  if (seen.has(header.name)) throw new DamagedExportError(`it holds ${header.name} twice`);
  return kind;
}

async function readMember(entry: AsyncIterable<unknown>, header: Header, kind: MemberKind, destDir: string): Promise<Member> {
  const hash = createHash("sha256");
  let bytes = 0;
  async function* hashed() {
    for await (const chunk of entry) {
      bytes += (chunk as Buffer).length;
      hash.update(chunk as Buffer);
      yield chunk as Buffer;
    }
  }
  if (kind === "manifest" || kind === "config") {
    const chunks: Buffer[] = [];
    for await (const chunk of hashed()) chunks.push(chunk);
    return { bytes, sha256: hash.digest("hex"), data: Buffer.concat(chunks), file: null };
  }
  // The name is one of the fixed patterns (checkHeader): it cannot leave destDir.
  const file = join(destDir, header.name);
  if (kind === "dump") await mkdir(join(destDir, "addons"), { recursive: true });
  await pipeline(hashed(), createWriteStream(file, { flags: "wx", mode: 0o600 }));
  return { bytes, sha256: hash.digest("hex"), data: null, file };
}

function checkMembers(members: Map<string, Member>): ExportArchiveContents {
  const manifestMember = members.get(MANIFEST_MEMBER);
  if (!manifestMember?.data) throw new NotAnExportError(`it has no ${MANIFEST_MEMBER}`);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(manifestMember.data));
  } catch {
    throw new DamagedExportError(`${MANIFEST_MEMBER} is not valid JSON`);
  }
  const manifest = parseExportManifest(json);
  for (const [name, got] of members) {
    if (name === MANIFEST_MEMBER) continue;
    const want = manifest.members[name];
    if (!want) throw new DamagedExportError(`it holds ${name}, which its manifest does not list`);
    if (want.bytes !== got.bytes) throw new DamagedExportError(`${name} is ${got.bytes} bytes long, and its manifest says ${want.bytes}`);
    if (want.sha256 !== got.sha256) throw new DamagedExportError(`${name}'s checksum does not match its manifest`);
  }
  for (const name of Object.keys(manifest.members)) {
    if (!members.has(name)) throw new DamagedExportError(`${name}, which its manifest lists, is missing`);
  }
  const dumps = new Map<string, string>();
  for (const [name, m] of members) if (memberKind(name) === "dump" && m.file) dumps.set(name, m.file);
  return {
    manifest,
    sealedConfig: members.get(CONFIG_MEMBER)?.data ?? Buffer.alloc(0),
    artifactFile: members.get(ARTIFACT_MEMBER)?.file ?? null,
    dumps,
  };
}

/**
 * The engine's own refusals pass through, and so do system errors (a full disk is this
 * platform's problem, not the upload's); what the decompressor or tar parser threw means damage.
 */
function asExportError(err: unknown): unknown {
  if (err instanceof EngineError) return err;
  if (err instanceof Error && "syscall" in err) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new DamagedExportError(`it is truncated or corrupt (${message.replace(/[.\s]+$/, "") || "unreadable data"})`);
}
