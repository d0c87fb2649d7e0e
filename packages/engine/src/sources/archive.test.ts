import { execFileSync } from "node:child_process";
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { deflateRawSync, gzipSync } from "node:zlib";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import {
  CorruptArchiveError,
  DestinationNotEmptyError,
  extractArchive,
  NotAnArchiveError,
  SourceTooLargeError,
  UnsafeArchiveEntryError,
} from "./index.ts";
import { type TarEntry, tar, tarHeader, zip } from "./test-archives.ts";

const MiB = 1024 * 1024;
const root = await mkdtemp(join(tmpdir(), "skypanel-archive-test-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// Each test extracts into site/app; the would-be targets of "../evil" are site/evil and evil.
let work: string;
let site: string;
let dest: string;
let n = 0;
beforeEach(() => {
  work = join(root, `t${++n}`);
  site = join(work, "site");
  dest = join(site, "app");
  mkdirSync(site, { recursive: true });
});

/** The archive goes in a file whose name says nothing about its format. */
function upload(data: Buffer): string {
  const path = join(work, "upload.bin");
  writeFileSync(path, data);
  return path;
}

const tgz = (entries: TarEntry[]) => upload(gzipSync(tar(entries)));

async function expectRefused(archive: string, error: new (...args: never[]) => Error, message: RegExp, limits = {}) {
  const err = await extractArchive(archive, dest, limits).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(error);
  expect((err as Error).message).toMatch(message);
  // Nothing left: no destination, no staging directory, nothing written beside them.
  expect(existsSync(dest)).toBe(false);
  expect(readdirSync(site)).toEqual([]);
  expect(readdirSync(work).sort()).toEqual(["site", "upload.bin"]);
  return err as Error;
}

describe("extractArchive: good archives", () => {
  it("extracts a .tar.gz, strips its single top-level directory, keeps +x but drops setuid, keeps safe links", async () => {
    const archive = tgz([
      { name: "repo-main/", type: "directory" },
      { name: "repo-main/package.json", data: '{"name":"x"}' },
      { name: "repo-main/bin/start", data: "#!/bin/sh\necho hi\n", mode: 0o4755 },
      { name: "repo-main/README.md", data: "# hi\n", mode: 0o2666 },
      { name: "repo-main/docs/readme-link", type: "symlink", linkname: "../README.md" },
      { name: "repo-main/current", type: "symlink", linkname: "docs" },
      { name: "repo-main/copy.md", type: "hardlink", linkname: "repo-main/README.md" },
    ]);
    const result = await extractArchive(archive, dest);
    expect(result).toEqual({ files: 4, bytes: 12 + 18 + 5, strippedPrefix: "repo-main" });
    expect(readdirSync(dest).sort()).toEqual(["README.md", "bin", "copy.md", "current", "docs", "package.json"]);
    expect(statSync(join(dest, "bin/start")).mode & 0o7777).toBe(0o755);
    expect(statSync(join(dest, "README.md")).mode & 0o7777).toBe(0o644);
    expect(readlinkSync(join(dest, "docs/readme-link"))).toBe("../README.md");
    expect(readFileSync(join(dest, "current/readme-link"), "utf8")).toBe("# hi\n");
    expect(statSync(join(dest, "copy.md")).ino).toBe(statSync(join(dest, "README.md")).ino);
    expect(readdirSync(site)).toEqual(["app"]);
  });

  it("extracts a plain .tar (named .zip: the bytes decide) without stripping when there are two top-level entries", async () => {
    const path = join(work, "upload.zip");
    writeFileSync(
      path,
      tar([
        { name: "a.txt", data: "a" },
        { name: "src/b.txt", data: "bb" },
      ]),
    );
    const result = await extractArchive(path, dest);
    expect(result).toEqual({ files: 2, bytes: 3, strippedPrefix: null });
    expect(readFileSync(join(dest, "src/b.txt"), "utf8")).toBe("bb");
  });

  it("extracts a .zip with directories, an executable, deflated and stored files and a safe symlink", async () => {
    const archive = upload(
      zip([
        { name: "app-1.0/", unixMode: 0o040755 },
        { name: "app-1.0/run.sh", data: "#!/bin/sh\n", unixMode: 0o104755, deflate: true },
        { name: "app-1.0/lib/data.txt", data: "x".repeat(10_000), deflate: true },
        { name: "app-1.0/plain.txt", data: "stored" },
        { name: "app-1.0/lib/link", data: "../plain.txt", unixMode: 0o120777 },
      ]),
    );
    const result = await extractArchive(archive, dest);
    expect(result).toEqual({ files: 3, bytes: 10 + 10_000 + 6, strippedPrefix: "app-1.0" });
    expect(statSync(join(dest, "run.sh")).mode & 0o7777).toBe(0o755);
    expect(statSync(join(dest, "plain.txt")).mode & 0o7777).toBe(0o644);
    expect(readFileSync(join(dest, "lib/link"), "utf8")).toBe("stored");
  });

  it("extracts archives made by GNU tar (long names) and git archive (pax global header) into an existing empty directory", async () => {
    const src = join(work, "src");
    const long = `${"deep/".repeat(30)}file.txt`;
    mkdirSync(join(src, "proj", long, ".."), { recursive: true });
    writeFileSync(join(src, "proj", long), "long");
    execFileSync("tar", ["-czf", join(work, "upload.bin"), "-C", src, "proj"]);
    mkdirSync(dest);
    const result = await extractArchive(join(work, "upload.bin"), dest);
    expect(result.strippedPrefix).toBe("proj");
    expect(readFileSync(join(dest, long), "utf8")).toBe("long");

    execFileSync("git", ["init", "-q", src], { env: gitEnv });
    execFileSync("git", ["-C", src, "add", "."], { env: gitEnv });
    execFileSync("git", ["-C", src, "commit", "-qm", "x"], { env: gitEnv });
    const gitDest = join(site, "from-git");
    execFileSync("git", ["-C", src, "archive", "--format=tar.gz", "--prefix=repo-main/", "-o", join(work, "git.tgz"), "HEAD"], {
      env: gitEnv,
    });
    expect((await extractArchive(join(work, "git.tgz"), gitDest)).strippedPrefix).toBe("repo-main");
    expect(readFileSync(join(gitDest, "proj", long), "utf8")).toBe("long");
  });
});

const gitEnv = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_AUTHOR_NAME: "t",
  GIT_AUTHOR_EMAIL: "t@t",
  GIT_COMMITTER_NAME: "t",
  GIT_COMMITTER_EMAIL: "t@t",
};

describe("extractArchive: paths that leave the tree", () => {
  it("refuses ../ paths, naming the entry", async () => {
    const err = await expectRefused(
      tgz([
        { name: "ok.txt", data: "ok" },
        { name: "../evil", data: "pwned" },
      ]),
      UnsafeArchiveEntryError,
      /"\.\.\/evil".*"\.\."/,
    );
    expect((err as UnsafeArchiveEntryError).entry).toBe("../evil");
  });

  it("refuses .. hidden in the middle of a path", async () => {
    await expectRefused(tgz([{ name: "repo/../../evil", data: "pwned" }]), UnsafeArchiveEntryError, /"repo\/\.\.\/\.\.\/evil"/);
  });

  it("refuses absolute paths", async () => {
    const target = join(root, `absolute-${process.pid}`);
    await expectRefused(tgz([{ name: target, data: "pwned" }]), UnsafeArchiveEntryError, /absolute path/);
    expect(existsSync(target)).toBe(false);
  });

  it("refuses NUL bytes, backslashes, drive letters and control characters in names", async () => {
    await expectRefused(tgz([{ name: `${"a".repeat(101)}\0.txt`, data: "x" }]), UnsafeArchiveEntryError, /NUL byte/);
    await expectRefused(tgz([{ name: "..\\evil", data: "x" }]), UnsafeArchiveEntryError, /backslash/);
    await expectRefused(tgz([{ name: "C:/evil", data: "x" }]), UnsafeArchiveEntryError, /drive letter/);
    await expectRefused(tgz([{ name: "a\nb", data: "x" }]), UnsafeArchiveEntryError, /control characters/);
  });

  it("refuses names over 4096 bytes", async () => {
    await expectRefused(tgz([{ name: `${"a/".repeat(2100)}f`, data: "x" }]), UnsafeArchiveEntryError, /longer than 4096 bytes/);
  });

  it("refuses a symlink to /etc/passwd", async () => {
    await expectRefused(tgz([{ name: "passwd", type: "symlink", linkname: "/etc/passwd" }]), UnsafeArchiveEntryError, /"passwd".*absolute/);
  });

  it("refuses a symlink leaving the tree, and a file written through it", async () => {
    await expectRefused(tgz([{ name: "up", type: "symlink", linkname: "../.." }]), UnsafeArchiveEntryError, /leaves the tree/);
    await expectRefused(
      tgz([
        { name: "escape", type: "symlink", linkname: ".." },
        { name: "escape/evil", data: "pwned" },
      ]),
      UnsafeArchiveEntryError,
      /"escape\/evil".*symlink/,
    );
  });

  it("refuses symlink chains that each look harmless but leave the tree together", async () => {
    // The kernel resolves d/l as ../s/.. → s is the root → the root's parent.
    await expectRefused(
      tgz([
        { name: "s", type: "symlink", linkname: "." },
        { name: "d/l", type: "symlink", linkname: "../s/.." },
      ]),
      UnsafeArchiveEntryError,
      /"d\/l".*leads through "s"|"d\/l".*leaves the tree/,
    );
    await expectRefused(
      tgz([
        { name: "x/up", type: "symlink", linkname: ".." },
        { name: "esc", type: "symlink", linkname: "x/up/.." },
      ]),
      UnsafeArchiveEntryError,
      /"esc"/,
    );
    await expectRefused(
      tgz([
        { name: "a", type: "symlink", linkname: "b" },
        { name: "b", type: "symlink", linkname: "a" },
      ]),
      UnsafeArchiveEntryError,
      /loop/,
    );
  });

  it("judges links after stripping the top-level directory", async () => {
    // Inside the archive "repo/l" → "../other" stays in, but "other" is outside once "repo/" is the root.
    await expectRefused(
      tgz([
        { name: "repo/a.txt", data: "a" },
        { name: "repo/l", type: "symlink", linkname: "../other" },
      ]),
      UnsafeArchiveEntryError,
      /"repo\/l".*leaves the tree/,
    );
  });

  it("refuses hard links to outside, to absolute paths and to files not extracted before", async () => {
    await expectRefused(tgz([{ name: "hl", type: "hardlink", linkname: "../../etc/passwd" }]), UnsafeArchiveEntryError, /"hl".*"\.\."/);
    await expectRefused(tgz([{ name: "hl", type: "hardlink", linkname: "/etc/passwd" }]), UnsafeArchiveEntryError, /"hl".*absolute/);
    await expectRefused(
      tgz([
        { name: "hl", type: "hardlink", linkname: "later.txt" },
        { name: "later.txt", data: "x" },
      ]),
      UnsafeArchiveEntryError,
      /not a file extracted earlier/,
    );
  });

  it("refuses FIFOs and devices", async () => {
    await expectRefused(
      tgz([
        { name: "ok", data: "x" },
        { name: "pipe", type: "fifo" },
      ]),
      UnsafeArchiveEntryError,
      /"pipe".*FIFO/,
    );
    await expectRefused(tgz([{ name: "null", type: "chardev" }]), UnsafeArchiveEntryError, /"null".*character device/);
  });

  it("refuses an entry that changes the type of a path", async () => {
    await expectRefused(
      tgz([
        { name: "x", data: "file" },
        { name: "x/", type: "directory" },
      ]),
      UnsafeArchiveEntryError,
      /already has a file/,
    );
  });
});

describe("extractArchive: size limits and bombs", () => {
  it("stops a 2 GiB gzip bomb (about 2 MiB on disk) early, without holding it in memory", async () => {
    const path = join(work, "upload.bin");
    const zeros = gzipSync(Buffer.alloc(MiB), { level: 9 });
    const fileSize = 64 * MiB;
    async function* bomb() {
      for (let f = 0; f < 32; f++) {
        yield gzipSync(tarHeader({ name: `bomb/part-${f}`, size: fileSize }));
        for (let i = 0; i < fileSize / MiB; i++) yield zeros;
      }
    }
    await pipeline(Readable.from(bomb()), createWriteStream(path));
    expect(statSync(path).size).toBeLessThan(3 * MiB);
    const started = Date.now();
    await expectRefused(path, SourceTooLargeError, /more than 200 times its compressed size/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("stops at the total size limit", async () => {
    const big = Buffer.alloc(600 * 1024, "a");
    const err = await expectRefused(
      upload(
        tar([
          { name: "a", data: big },
          { name: "b", data: big },
        ]),
      ),
      SourceTooLargeError,
      /more than 1 MiB/,
      { maxTotalBytes: MiB },
    );
    expect((err as SourceTooLargeError).limit).toBe("maxTotalBytes");
  });

  it("refuses a file over the per-file limit from its header, before reading its data", async () => {
    // Only the header: the 100 MiB + 1 of data are not even there.
    const archive = upload(tarHeader({ name: "huge.bin", size: 100 * MiB + 1 }));
    await expectRefused(archive, SourceTooLargeError, /"huge\.bin" is larger than 100 MiB/);
  });

  it("refuses a file over a lowered per-file limit", async () => {
    await expectRefused(tgz([{ name: "f", data: Buffer.alloc(2000) }]), SourceTooLargeError, /"f" is larger than 1000 bytes/, {
      maxFileBytes: 1000,
    });
  });

  it("refuses too many entries", async () => {
    const entries = Array.from({ length: 101 }, (_, i) => ({ name: `f${i}`, data: "" }));
    await expectRefused(tgz(entries), SourceTooLargeError, /more than 100 entries/, { maxEntries: 100 });
  });

  it("refuses a zip announcing more than 50,000 entries before extracting any", async () => {
    const entries = Array.from({ length: 50_001 }, (_, i) => ({ name: `f${i}` }));
    await expectRefused(upload(zip(entries)), SourceTooLargeError, /more than 50,000 entries/);
  });

  it("stops a zip bomb", async () => {
    const plain = Buffer.alloc(50 * MiB);
    const deflated = deflateRawSync(plain, { level: 9 });
    const { crc32 } = await import("node:zlib");
    const archive = upload(zip([{ name: "bomb.bin", raw: { deflated, size: plain.length, crc: crc32(plain) } }]));
    await expectRefused(archive, SourceTooLargeError, /more than 200 times/);
  });

  it("refuses a zip entry that holds more than its header says", async () => {
    await expectRefused(
      upload(zip([{ name: "liar.txt", data: "x".repeat(5000), deflate: true, declaredSize: 10 }])),
      CorruptArchiveError,
      /damaged/,
    );
  });
});

describe("extractArchive: zip names", () => {
  it("refuses zip entries with .., absolute paths or backslashes", async () => {
    await expectRefused(
      upload(
        zip([
          { name: "ok.txt", data: "ok" },
          { name: "../evil", data: "x" },
        ]),
      ),
      UnsafeArchiveEntryError,
      /"\.\.\/evil"/,
    );
    await expectRefused(upload(zip([{ name: "/tmp/evil", data: "x" }])), UnsafeArchiveEntryError, /absolute path/);
    await expectRefused(upload(zip([{ name: "..\\..\\evil", data: "x" }])), UnsafeArchiveEntryError, /backslash/);
  });

  it("refuses zip symlinks out of the tree and special files", async () => {
    await expectRefused(upload(zip([{ name: "l", data: "/etc/passwd", unixMode: 0o120777 }])), UnsafeArchiveEntryError, /absolute/);
    await expectRefused(upload(zip([{ name: "p", unixMode: 0o010644 }])), UnsafeArchiveEntryError, /"p".*FIFO/);
  });
});

describe("extractArchive: not an archive, or a broken one", () => {
  it("refuses files that are not archives", async () => {
    await expectRefused(upload(Buffer.from("just some text\n")), NotAnArchiveError, /not a \.tar\.gz, \.tar or \.zip archive/);
    await expectRefused(upload(Buffer.alloc(0)), NotAnArchiveError, /empty/);
    await expectRefused(upload(Buffer.from("BZh91AY&SY")), NotAnArchiveError, /not a \.tar\.gz/);
    await expectRefused(upload(gzipSync("a gzipped text file, not a tar\n".repeat(50))), NotAnArchiveError, /gzip file without a tar/);
  });

  it("refuses truncated and corrupt archives", async () => {
    const whole = gzipSync(tar([{ name: "a.txt", data: "a".repeat(100_000) }]), { level: 0 });
    await expectRefused(upload(whole.subarray(0, whole.length / 2)), CorruptArchiveError, /damaged or truncated/);
    const plain = tar([{ name: "a.txt", data: "hello" }]);
    await expectRefused(upload(plain.subarray(0, 700)), CorruptArchiveError, /damaged or truncated/);
    const badSum = Buffer.from(plain);
    badSum[0] = "b".charCodeAt(0);
    await expectRefused(upload(badSum), CorruptArchiveError, /damaged or truncated/);
    const z = zip([{ name: "a.txt", data: "hello", deflate: true }]);
    await expectRefused(upload(z.subarray(0, z.length - 30)), CorruptArchiveError, /damaged or truncated/);
    const flipped = Buffer.from(zip([{ name: "a.txt", data: "hello" }]));
    flipped.writeUInt8(flipped.readUInt8(35) ^ 0xff, 35); // a byte of the stored data: the checksum no longer matches
    await expectRefused(upload(flipped), CorruptArchiveError, /"a\.txt" does not match its checksum/);
  });
});

describe("extractArchive: destination", () => {
  it("refuses a destination that already holds files and leaves them alone", async () => {
    mkdirSync(dest);
    writeFileSync(join(dest, "keep.txt"), "mine");
    await expect(extractArchive(tgz([{ name: "a", data: "a" }]), dest)).rejects.toBeInstanceOf(DestinationNotEmptyError);
    expect(readdirSync(dest)).toEqual(["keep.txt"]);
    expect(readdirSync(site)).toEqual(["app"]);
  });
});
