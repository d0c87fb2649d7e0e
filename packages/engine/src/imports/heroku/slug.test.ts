// Heroku slugs made here as real tar.gz files (Heroku is not reachable), turned into source archives.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { extractArchive } from "../../sources/index.ts";
import type { TarEntry } from "../../sources/test-archives.ts";
import { slugToSourceArchive } from "./slug.ts";
import { NODE_SLUG, slugTarGz } from "./test-fixtures.ts";

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "heroku-slug-"));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function slugFile(entries: TarEntry[]): string {
  const file = join(dir, "slug.tgz");
  writeFileSync(file, slugTarGz(entries));
  return file;
}

/** Converts, then unpacks the result the way a build does. */
async function convertAndUnpack(entries: TarEntry[]) {
  const archive = join(dir, "out", "source.tar.gz");
  mkdirSync(join(dir, "out"));
  const result = await slugToSourceArchive(slugFile(entries), archive);
  const tree = join(dir, "tree");
  const extracted = await extractArchive(archive, tree);
  return { result, tree, extracted, out: join(dir, "out") };
}

async function refusal(entries: TarEntry[]): Promise<Error> {
  const out = join(dir, "out");
  mkdirSync(out, { recursive: true });
  const err = await slugToSourceArchive(slugFile(entries), join(out, "source.tar.gz")).then(
    () => null,
    (e: Error) => e,
  );
  if (err === null) throw new Error("expected the slug to be refused");
  // Nothing is left behind: no archive, no temporary folder.
  expect(readdirSync(out)).toEqual([]);
  return err;
}

describe("slugToSourceArchive", () => {
  it("keeps the app/ tree and drops node_modules, .heroku, .profile.d and a non-Go vendor/", async () => {
    const { result, tree, extracted, out } = await convertAndUnpack(NODE_SLUG);
    expect(result.dropped).toEqual([".heroku", ".profile.d", "node_modules", "vendor", "web/node_modules"]);
    expect(result.files).toBe(4);
    expect(extracted.strippedPrefix).toBe("app");
    expect(readdirSync(tree).sort()).toEqual(["Procfile", "bin", "package.json", "server.js", "web"]);
    expect(readdirSync(join(tree, "web"))).toEqual(["index.js"]);
    expect(statSync(join(tree, "server.js")).mode & 0o111).not.toBe(0);
    expect(statSync(join(tree, "package.json")).mode & 0o111).toBe(0);
    expect(readlinkSync(join(tree, "bin", "start"))).toBe("../server.js");
    expect(readdirSync(out)).toEqual(["source.tar.gz"]);
  });

  it("keeps Go's vendor/ (it has modules.txt) and an app whose top level is one folder", async () => {
    const { result, tree } = await convertAndUnpack([
      { name: "./app/cmd/main.go", data: "package main" },
      { name: "./app/vendor/modules.txt", data: "# github.com/x/y v1.0.0" },
      { name: "./app/vendor/github.com/x/y/y.go", data: "package y" },
    ]);
    expect(result.dropped).toEqual([]);
    expect(readFileSync(join(tree, "vendor", "modules.txt"), "utf8")).toMatch(/github.com/);
    expect(readdirSync(tree).sort()).toEqual(["cmd", "vendor"]);
  });

  it("refuses a slug with a ../ entry, leaving nothing behind", async () => {
    const err = await refusal([
      { name: "./app/index.js", data: "1" },
      { name: "./app/../../evil.sh", data: "rm -rf /" },
    ]);
    expect(err.message).toMatch(/^The Heroku slug cannot be used\. .*"\.\."/);
    expect(existsSync(join(dir, "..", "evil.sh"))).toBe(false);
  });

  it("refuses a slug without app/", async () => {
    const err = await refusal([
      { name: "./src/index.js", data: "1" },
      { name: "./Procfile", data: "web: node src/index.js" },
    ]);
    expect(err.message).toMatch(/has no app\/ directory/);
  });

  it("refuses a symlink in app/ that points out of app/", async () => {
    const err = await refusal([
      { name: "./app/index.js", data: "1" },
      { name: "./app/secrets", type: "symlink", linkname: "../tmp/secrets" },
      { name: "./tmp/secrets", data: "x" },
    ]);
    expect(err.message).toMatch(/app\/secrets is a symlink to "\.\.\/tmp\/secrets" and .*leaves app\//);
  });

  it("refuses a slug that holds only build output", async () => {
    const err = await refusal([
      { name: "./app/node_modules/a/index.js", data: "1" },
      { name: "./app/.heroku/python/bin/python", data: "ELF" },
    ]);
    expect(err.message).toMatch(/holds only build output \(\.heroku, node_modules\)/);
  });

  it("refuses a file that is not a slug at all", async () => {
    const out = join(dir, "out");
    mkdirSync(out);
    writeFileSync(join(dir, "not-a-slug"), "hello");
    await expect(slugToSourceArchive(join(dir, "not-a-slug"), join(out, "s.tgz"))).rejects.toThrow(/Heroku slug cannot be used/);
    expect(readdirSync(out)).toEqual([]);
  });
});
