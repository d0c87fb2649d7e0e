// Writes an export archive: a tar.gz of config.sealed, artifact.closure (when there is one),
// addons/<name>.dump, and manifest.json last, which records every other member's size and
// SHA-256 as it was written. Reading it back is read-archive.ts.
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { rename, rm, stat } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import tarStream, { type Pack } from "tar-stream";
import { mostTelling } from "../sources/errors.ts";
import { hashingTap } from "../storage/sha256.ts";
import { checkMemberSize, checkTotalSize, type ExportLimits, exportLimits } from "./limits.ts";
import { type ExportManifest, type ExportManifestDraft, parseExportManifest } from "./manifest.ts";
import { ARTIFACT_MEMBER, CONFIG_MEMBER, MANIFEST_MEMBER, type MemberDigest, memberKind } from "./members.ts";

export { type ExportArchiveContents, readExportArchive } from "./read-archive.ts";

export interface ExportArchiveInput {
  manifest: ExportManifestDraft;
  /** From `sealWithPassphrase`. */
  sealedConfig: Buffer;
  /** A `nix-store --export` file of the current release's closure (`exportClosure`), or null. */
  artifact: string | null;
  /** pg_dump files, each under `addons/<name>.dump`, the member its add-on names. */
  dumps: { member: string; file: string }[];
}

/**
 * Writes the archive to `destFile` (through a temporary file beside it, so a failure leaves
 * nothing) and returns the manifest as written. Refuses contents that a SkyPanel with default
 * limits would refuse to read.
 */
export async function writeExportArchive(
  destFile: string,
  input: ExportArchiveInput,
  overrides: Partial<ExportLimits> = {},
): Promise<ExportManifest> {
  const limits = exportLimits(overrides);
  const files = [...(input.artifact ? [{ member: ARTIFACT_MEMBER, file: input.artifact }] : []), ...input.dumps];
  for (const { member } of input.dumps) {
    if (memberKind(member) !== "dump") throw new RangeError(`"${member}" is not an add-on dump's member name (addons/<name>.dump).`);
  }
  // The manifest is checked before any large file is read, with the sizes it will record.
  const sizes = new Map<string, number>([[CONFIG_MEMBER, input.sealedConfig.length]]);
  for (const { member, file } of files) sizes.set(member, (await stat(file)).size);
  if (sizes.size !== files.length + 1) throw new RangeError("Two add-on dumps have the same member name.");
  for (const [member, bytes] of sizes) checkMemberSize(limits, memberKind(member) ?? "dump", member, bytes);
  checkTotalSize(
    limits,
    [...sizes.values()].reduce((a, b) => a + b, 0),
  );
  const placeholder = Object.fromEntries([...sizes].map(([member, bytes]) => [member, { bytes, sha256: "0".repeat(64) }]));
  parseExportManifest({ ...input.manifest, members: placeholder });

  const partial = `${destFile}.${randomBytes(6).toString("hex")}.partial`;
  const pack = tarStream.pack();
  const mtime = new Date(input.manifest.exportedAt);
  const written = pipeline(
    pack as unknown as NodeJS.ReadableStream,
    createGzip(),
    createWriteStream(partial, { flags: "wx", mode: 0o600 }),
  );
  // Observed here so an early failure (a full disk) is not unhandled while members are added.
  const settled = written.then(
    () => null,
    (err: unknown) => err,
  );
  try {
    const members: Record<string, MemberDigest> = {};
    members[CONFIG_MEMBER] = await addBuffer(pack, CONFIG_MEMBER, input.sealedConfig, mtime);
    for (const { member, file } of files) members[member] = await addFile(pack, member, file, mtime);
    const manifest = parseExportManifest({ ...input.manifest, members });
    await addBuffer(pack, MANIFEST_MEMBER, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), mtime);
    pack.finalize();
    const failure = await settled;
    if (failure) throw failure;
    await rename(partial, destFile);
    return manifest;
  } catch (err) {
    pack.destroy();
    const failure = await settled;
    await rm(partial, { force: true });
    // A failed write (a full disk) is the cause; the pack's own complaints are its consequence.
    throw mostTelling(failure, err);
  }
}

function addBuffer(pack: Pack, name: string, data: Buffer, mtime: Date): Promise<MemberDigest> {
  return new Promise((resolve, reject) => {
    pack.entry({ name, size: data.length, mode: 0o600, mtime }, data, (err) => {
      if (err) reject(err);
      else resolve({ bytes: data.length, sha256: createHash("sha256").update(data).digest("hex") });
    });
  });
}

async function addFile(pack: Pack, name: string, file: string, mtime: Date): Promise<MemberDigest> {
  const { size } = await stat(file);
  const hash = createHash("sha256");
  let settle: (err?: Error | null) => void = () => {};
  const packed = new Promise<void>((resolve, reject) => {
    settle = (err) => (err ? reject(err) : resolve());
  });
  // tar-stream fails the entry if the file's length changes while it is read.
  const entry = pack.entry({ name, size, mode: 0o600, mtime }, (err) => settle(err));
  await Promise.all([pipeline(createReadStream(file), hashingTap(hash), entry as unknown as NodeJS.WritableStream), packed]);
  return { bytes: size, sha256: hash.digest("hex") };
}
