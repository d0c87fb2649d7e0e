import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import tarStream, { type Header } from "tar-stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ValidationError } from "../errors.ts";
import { readExportArchive, writeExportArchive } from "./archive.ts";
import { DamagedExportError, ExportTooLargeError, ForeignMemberError, InvalidManifestError, NotAnExportError } from "./errors.ts";
import type { ExportLimits } from "./limits.ts";
import { openWithPassphrase, sealWithPassphrase } from "./seal.ts";
import { sampleDraft } from "./test-manifest.ts";

interface HandEntry {
  name: string;
  data?: Buffer | string;
  type?: Header["type"];
  linkname?: string;
}

/** Writes whatever it is told, as a tar.gz, `trailer` after the tar: for archives the writer would never make. */
async function handMade(file: string, entries: HandEntry[], trailer = Buffer.alloc(0)) {
  const pack = tarStream.pack();
  const tar = (async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of pack) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  })();
  for (const e of entries) {
    await new Promise<void>((resolve, reject) =>
      pack.entry({ name: e.name, type: e.type ?? "file", linkname: e.linkname }, e.data ?? "", (err) => (err ? reject(err) : resolve())),
    );
  }
  pack.finalize();
  writeFileSync(file, gzipSync(Buffer.concat([await tar, trailer])));
}

const digest = (data: Buffer | string) => ({ bytes: Buffer.byteLength(data), sha256: createHash("sha256").update(data).digest("hex") });

describe("export archive", () => {
  let work: string;
  let n = 0;
  const fresh = (name = "out") => join(work, `${name}-${++n}`);
  const config = randomBytes(300);
  const dump = randomBytes(50_000);
  const artifact = randomBytes(200_000);
  let artifactFile: string;
  let dumpFile: string;

  /** A manifest whose members match `members` exactly; `tweak` changes it afterwards. */
  const manifestFor = (members: Record<string, Buffer | string>, tweak: (m: Record<string, unknown>) => void = () => {}) => {
    const m: Record<string, unknown> = {
      ...sampleDraft(),
      members: Object.fromEntries(Object.entries(members).map(([k, v]) => [k, digest(v)])),
    };
    tweak(m);
    return JSON.stringify(m);
  };
  const goodMembers = () => ({ "config.sealed": config, "artifact.closure": artifact, "addons/db.dump": dump });
  const goodEntries = (): HandEntry[] => [
    ...Object.entries(goodMembers()).map(([name, data]) => ({ name, data })),
    { name: "manifest.json", data: manifestFor(goodMembers()) },
  ];

  /** Reads `archive` expecting a refusal matching `expected`, and checks nothing was left. */
  async function expectRefused(archive: string, expected: RegExp, type: new (...a: never[]) => Error, limits?: Partial<ExportLimits>) {
    const dest = fresh("dest");
    mkdirSync(dest);
    const err = await readExportArchive(archive, dest, limits).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(type);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toMatch(expected);
    expect(readdirSync(dest)).toEqual([]);
  }

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "skypanel-export-"));
    artifactFile = join(work, "closure.export");
    dumpFile = join(work, "db.dump");
    writeFileSync(artifactFile, artifact);
    writeFileSync(dumpFile, dump);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("round-trips the manifest, the sealed config, the artifact and a dump", async () => {
    const archive = fresh("export.tar.gz");
    const sealedConfig = await sealWithPassphrase(Buffer.from('{"SECRET_KEY":"x"}'), "a long enough passphrase");
    const written = await writeExportArchive(archive, {
      manifest: sampleDraft(),
      sealedConfig,
      artifact: artifactFile,
      dumps: [{ member: "addons/db.dump", file: dumpFile }],
    });
    expect(written.members["artifact.closure"]).toEqual(digest(artifact));
    expect(readdirSync(work).filter((f) => f.includes("partial"))).toEqual([]);

    const dest = fresh("dest");
    const read = await readExportArchive(archive, dest);
    expect(read.manifest).toEqual(written);
    expect(read.manifest.app.name).toBe("todo-app");
    expect(await openWithPassphrase(read.sealedConfig, "a long enough passphrase")).toEqual(Buffer.from('{"SECRET_KEY":"x"}'));
    expect(read.artifactFile).toBe(join(dest, "artifact.closure"));
    expect(readFileSync(read.artifactFile ?? "")).toEqual(artifact);
    expect([...read.dumps.keys()]).toEqual(["addons/db.dump"]);
    expect(readFileSync(read.dumps.get("addons/db.dump") ?? "")).toEqual(dump);
  });

  it("round-trips an app with no build and no add-on data", async () => {
    const archive = fresh("export.tar.gz");
    const draft = sampleDraft({ current: null, addons: [{ type: "redis", plan: "hobby", as: ["REDIS_URL"], dump: null }] });
    await writeExportArchive(archive, { manifest: draft, sealedConfig: config, artifact: null, dumps: [] });
    const read = await readExportArchive(archive, fresh("dest"));
    expect(read.artifactFile).toBeNull();
    expect(read.dumps.size).toBe(0);
    expect(read.sealedConfig).toEqual(config);
    expect(Object.keys(read.manifest.members)).toEqual(["config.sealed"]);
  });

  it("writes nothing when the manifest is invalid or a member is over its cap", async () => {
    const archive = fresh("export.tar.gz");
    const bad = sampleDraft({ app: { name: "Not_A_Name", description: null } });
    await expect(writeExportArchive(archive, { manifest: bad, sealedConfig: config, artifact: null, dumps: [] })).rejects.toBeInstanceOf(
      InvalidManifestError,
    );
    const input = {
      manifest: sampleDraft(),
      sealedConfig: config,
      artifact: artifactFile,
      dumps: [{ member: "addons/db.dump", file: dumpFile }],
    };
    const limits = {
      manifestBytes: 1 << 20,
      configBytes: 1 << 20,
      artifactBytes: 1000,
      dumpBytes: 1 << 20,
      entries: 64,
      totalBytes: 1 << 30,
    };
    await expect(writeExportArchive(archive, input, limits)).rejects.toThrow(
      /^artifact\.closure is 195\.31 KiB, more than the 1000 bytes this platform accepts for it\.$/,
    );
    // Fails while writing, after the temporary file was made: a directory where a dump should be.
    const midway = { ...input, dumps: [{ member: "addons/db.dump", file: work }] };
    await expect(writeExportArchive(archive, midway)).rejects.toThrow(/EISDIR/);
    expect(existsSync(archive)).toBe(false);
    expect(readdirSync(work).filter((f) => f.includes("partial"))).toEqual([]);
  });

  it("refuses a file that is not a gzip", async () => {
    const archive = fresh("plain.tar");
    writeFileSync(archive, "just text, not an export");
    await expectRefused(archive, /^This file is not a SkyPanel export: it is not a \.tar\.gz file\.$/, NotAnExportError);
  });

  it("refuses a truncated archive", async () => {
    const archive = fresh("export.tar.gz");
    await writeExportArchive(archive, {
      manifest: sampleDraft(),
      sealedConfig: config,
      artifact: artifactFile,
      dumps: [{ member: "addons/db.dump", file: dumpFile }],
    });
    truncateSync(archive, Math.floor(readFileSync(archive).length / 2));
    await expectRefused(archive, /^The archive is damaged: it is truncated or corrupt \(unexpected end of file\)\.$/, DamagedExportError);
  });

  it("refuses a gzip with no tar inside", async () => {
    const archive = fresh("junk.gz");
    writeFileSync(archive, gzipSync(randomBytes(4096)));
    await expectRefused(archive, /^The archive is damaged: it is truncated or corrupt/, DamagedExportError);
  });

  it("refuses a member whose path leaves the archive (../x)", async () => {
    const archive = fresh("evil.tar.gz");
    await handMade(archive, [{ name: "../x", data: "owned" }, ...goodEntries()]);
    await expectRefused(
      archive,
      /The archive holds "\.\.\/x", which is not part of a SkyPanel export\. Nothing from it was kept\./,
      ForeignMemberError,
    );
    expect(existsSync(join(work, "x"))).toBe(false);
  });

  it("refuses a member no export has, even after good ones were written", async () => {
    const archive = fresh("extra.tar.gz");
    await handMade(archive, [...goodEntries(), { name: "addons/../../etc/passwd.dump", data: "x" }]);
    await expectRefused(
      archive,
      /holds "addons\/\.\.\/\.\.\/etc\/passwd\.dump", which is not part of a SkyPanel export/,
      ForeignMemberError,
    );
    const notes = fresh("notes.tar.gz");
    await handMade(notes, [...goodEntries(), { name: "notes.txt", data: "hello" }]);
    await expectRefused(notes, /holds "notes\.txt"/, ForeignMemberError);
  });

  it("refuses links and directories under a member's name", async () => {
    const archive = fresh("link.tar.gz");
    await handMade(archive, [{ name: "artifact.closure", type: "symlink", linkname: "/etc/shadow" }, ...goodEntries().slice(0, 1)]);
    await expectRefused(archive, /holds "artifact\.closure", a symlink where an export has a plain file/, ForeignMemberError);
    const dir = fresh("dir.tar.gz");
    await handMade(dir, [{ name: "addons/db.dump", type: "directory" }]);
    await expectRefused(dir, /a directory where an export has a plain file/, ForeignMemberError);
  });

  it("refuses a member that appears twice", async () => {
    const archive = fresh("twice.tar.gz");
    await handMade(archive, [{ name: "config.sealed", data: config }, ...goodEntries()]);
    await expectRefused(archive, /^The archive is damaged: it holds config\.sealed twice\.$/, DamagedExportError);
  });

  it("refuses a member whose bytes do not match the manifest's checksum", async () => {
    const archive = fresh("changed.tar.gz");
    const changed = Buffer.from(dump);
    changed[1000] = (changed[1000] ?? 0) ^ 0xff;
    const entries = goodEntries().map((e) => (e.name === "addons/db.dump" ? { ...e, data: changed } : e));
    await handMade(archive, entries);
    await expectRefused(archive, /^The archive is damaged: addons\/db\.dump's checksum does not match its manifest\.$/, DamagedExportError);
  });

  it("refuses a member of another length than the manifest's, a missing one and an unlisted one", async () => {
    const short = fresh("short.tar.gz");
    await handMade(
      short,
      goodEntries().map((e) => (e.name === "config.sealed" ? { ...e, data: config.subarray(1) } : e)),
    );
    await expectRefused(short, /config\.sealed is 299 bytes long, and its manifest says 300/, DamagedExportError);
    const missing = fresh("missing.tar.gz");
    await handMade(
      missing,
      goodEntries().filter((e) => e.name !== "artifact.closure"),
    );
    await expectRefused(missing, /artifact\.closure, which its manifest lists, is missing/, DamagedExportError);
    const unlisted = fresh("unlisted.tar.gz");
    const listed: Record<string, Buffer> = goodMembers();
    delete listed["artifact.closure"];
    await handMade(unlisted, [
      ...Object.entries(goodMembers()).map(([name, data]) => ({ name, data })),
      { name: "manifest.json", data: manifestFor(listed) },
    ]);
    await expectRefused(unlisted, /it holds artifact\.closure, which its manifest does not list/, DamagedExportError);
  });

  it("refuses an archive without a manifest, with a manifest that is not JSON, or one that breaks a rule", async () => {
    const none = fresh("none.tar.gz");
    await handMade(
      none,
      goodEntries().filter((e) => e.name !== "manifest.json"),
    );
    await expectRefused(none, /not a SkyPanel export: it has no manifest\.json/, NotAnExportError);
    const garbled = fresh("garbled.tar.gz");
    await handMade(
      garbled,
      goodEntries().map((e) => (e.name === "manifest.json" ? { ...e, data: "{ not json" } : e)),
    );
    await expectRefused(garbled, /manifest\.json is not valid JSON/, DamagedExportError);
    const badName = fresh("bad-name.tar.gz");
    const manifest = manifestFor(goodMembers(), (m) => {
      m.app = { name: "../../etc", description: null };
    });
    await handMade(
      badName,
      goodEntries().map((e) => (e.name === "manifest.json" ? { ...e, data: manifest } : e)),
    );
    await expectRefused(badName, /manifest\.json is not valid: app\.name: not a valid app name/, InvalidManifestError);
  });

  it("refuses a member over its cap before writing it, and too many members", async () => {
    const archive = fresh("big.tar.gz");
    await handMade(archive, goodEntries());
    await expectRefused(
      archive,
      /^addons\/db\.dump is 48\.83 KiB, more than the 1000 bytes this platform accepts for it\.$/,
      ExportTooLargeError,
      { dumpBytes: 1000 },
    );
    await expectRefused(archive, /more than 3 members/, ExportTooLargeError, { entries: 3 });
    await expectRefused(archive, /holds more than 100 KiB in all/, ExportTooLargeError, { totalBytes: 100 * 1024 });
  });

  it("stops decompressing junk behind the last member", async () => {
    const archive = fresh("bomb.tar.gz");
    await handMade(archive, goodEntries(), Buffer.alloc(64 * 1024 * 1024));
    await expectRefused(archive, /expands to far more than its members/, ExportTooLargeError);
  });

  it("reads only into an empty directory", async () => {
    const archive = fresh("export.tar.gz");
    await handMade(archive, goodEntries());
    const dest = fresh("dest");
    await readExportArchive(archive, dest);
    await expect(readExportArchive(archive, dest)).rejects.toThrow(/is not empty/);
    expect(readdirSync(dest).sort()).toEqual(["addons", "artifact.closure"]);
  });
});
