// The backup archive: a plain tar (its big parts are compressed already) of manifest.json first,
// then each part. Reading refuses, before anything is restored, an archive whose manifest is
// missing or invalid, that holds anything the manifest does not list, or whose parts differ from
// the manifest's sizes and SHA-256.
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import tarStream, { type Pack } from "tar-stream";
import { hashingTap, sha256File } from "../storage/sha256.ts";
import { DamagedBackupError } from "./errors.ts";
import { type BackupManifest, type BackupManifestDraft, backupManifestSchema, MANIFEST_MEMBER, MEMBER_NAME } from "./manifest.ts";

/** Writes the archive (through a temporary file beside it); returns the manifest as written. */
export async function writeBackupArchive(
  destFile: string,
  draft: BackupManifestDraft,
  parts: Map<string, string>,
): Promise<BackupManifest> {
  const members: BackupManifest["members"] = {};
  for (const [member, file] of parts) {
    if (!MEMBER_NAME.test(member)) throw new RangeError(`"${member}" is not a platform backup member.`);
    members[member] = { bytes: (await stat(file)).size, sha256: await sha256File(file) };
  }
  const manifest = backupManifestSchema.parse({ ...draft, members });
  const partial = `${destFile}.partial`;
  await mkdir(dirname(destFile), { recursive: true });
  const pack = tarStream.pack();
  const written = pipeline(pack as unknown as NodeJS.ReadableStream, createWriteStream(partial, { mode: 0o600 })).then(
    () => null,
    (err: unknown) => err,
  );
  try {
    const mtime = new Date(manifest.createdAt);
    const json = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
    await new Promise<void>((resolve, reject) =>
      pack.entry({ name: MANIFEST_MEMBER, size: json.length, mode: 0o600, mtime }, json, (err) => (err ? reject(err) : resolve())),
    );
    for (const [member, file] of parts) await addFile(pack, member, file, members[member]?.bytes ?? 0, mtime);
    pack.finalize();
    const failure = await written;
    if (failure) throw failure;
    await rename(partial, destFile);
    return manifest;
  } catch (err) {
    pack.destroy();
    await written;
    await rm(partial, { force: true });
    throw err;
  }
}

async function addFile(pack: Pack, name: string, file: string, size: number, mtime: Date) {
  let settle: (err?: Error | null) => void = () => {};
  const packed = new Promise<void>((resolve, reject) => {
    settle = (err) => (err ? reject(err) : resolve());
  });
  const entry = pack.entry({ name, size, mode: 0o600, mtime }, (err) => settle(err));
  await Promise.all([pipeline(createReadStream(file), entry as unknown as NodeJS.WritableStream), packed]);
}

/**
 * Extracts `file` into `stagingDir` (made fresh) and checks every part against the manifest.
 * On any refusal the staging folder is removed and a DamagedBackupError says why.
 */
export async function readBackupArchive(
  file: string,
  stagingDir: string,
): Promise<{ manifest: BackupManifest; files: Map<string, string> }> {
  await rm(stagingDir, { recursive: true, force: true });
  await mkdir(join(stagingDir, "addons"), { recursive: true, mode: 0o700 });
  try {
    return await extract(file, stagingDir);
  } catch (err) {
    await rm(stagingDir, { recursive: true, force: true });
    if (err instanceof DamagedBackupError) throw err;
    if (err instanceof Error && "syscall" in err) throw err;
    throw new DamagedBackupError(`it is truncated or not a tar archive (${err instanceof Error ? err.message : String(err)})`);
  }
}

async function extract(file: string, stagingDir: string) {
  const extract = tarStream.extract();
  const piped = pipeline(createReadStream(file), extract as unknown as NodeJS.WritableStream).then(
    () => null,
    (err: unknown) => err,
  );
  let manifest: BackupManifest | null = null;
  const files = new Map<string, string>();
  try {
    for await (const entry of extract) {
      const { name, type, size } = entry.header;
      if (!manifest) {
        if (name !== MANIFEST_MEMBER || type !== "file" || (size ?? 0) > 64 * 1024 * 1024)
          throw new DamagedBackupError(`it does not start with ${MANIFEST_MEMBER}`);
        manifest = parseManifest(await readAll(entry));
        continue;
      }
      const want = manifest.members[name];
      if (!want || type !== "file" || files.has(name))
        throw new DamagedBackupError(`it holds ${JSON.stringify(name.slice(0, 200))}, which its manifest does not list`);
      if (size !== want.bytes) throw new DamagedBackupError(`${name} is ${size} bytes long, and its manifest says ${want.bytes}`);
      // The name matched MEMBER_NAME in the manifest: it cannot leave the staging folder.
      const dest = join(stagingDir, name);
      const hash = createHash("sha256");
      await pipeline(entry, hashingTap(hash), createWriteStream(dest, { flags: "wx", mode: 0o600 }));
      if (hash.digest("hex") !== want.sha256) throw new DamagedBackupError(`${name}'s checksum does not match its manifest`);
      files.set(name, dest);
    }
  } catch (err) {
    extract.destroy();
    const failure = await piped;
    throw err instanceof DamagedBackupError ? err : (failure ?? err);
  }
  const failure = await piped;
  if (failure) throw failure;
  if (!manifest) throw new DamagedBackupError("it is empty");
  for (const name of Object.keys(manifest.members))
    if (!files.has(name)) throw new DamagedBackupError(`${name}, which its manifest lists, is missing`);
  return { manifest, files };
}

async function readAll(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function parseManifest(data: Buffer): BackupManifest {
  let json: unknown;
  try {
    json = JSON.parse(data.toString("utf8"));
  } catch {
    throw new DamagedBackupError(`${MANIFEST_MEMBER} is not valid JSON`);
  }
  const parsed = backupManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DamagedBackupError(`${MANIFEST_MEMBER} is not a platform backup's manifest (${issue?.path.join(".")}: ${issue?.message})`);
  }
  return parsed.data;
}
