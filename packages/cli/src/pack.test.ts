import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { archiveEntries, listFiles, packDir } from "./pack.js";

function tree(files: Record<string, string>) {
  const root = mkdtempSync(join(tmpdir(), "skypanel-pack-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe("the deploy packer", () => {
  it("leaves out what .gitignore (at any depth) and .slugignore say, and always .git; the tarball holds exactly the rest", async () => {
    const root = tree({
      ".git/HEAD": "ref: refs/heads/main\n",
      ".git/config": "[core]\n",
      ".gitignore": "node_modules/\n*.log\n/dist\n!keep.log\n",
      ".slugignore": "docs/\n*.psd\n",
      "package.json": "{}",
      "server.js": "// app",
      "debug.log": "noise",
      "keep.log": "kept by !keep.log",
      "node_modules/express/index.js": "",
      "dist/bundle.js": "",
      "src/dist/kept.js": "/dist is anchored to the root",
      "docs/guide.md": "",
      "art/logo.psd": "",
      "lib/.gitignore": "generated/\n",
      "lib/generated/x.js": "",
      "lib/index.js": "",
      "vendor/.git/HEAD": "a nested repository's metadata",
      "vendor/tool.js": "",
    });
    mkdirSync(join(root, "empty"));
    symlinkSync("server.js", join(root, "link.js"));
    const expected = [
      ".gitignore",
      ".slugignore",
      "art",
      "empty",
      "keep.log",
      "lib",
      "lib/.gitignore",
      "lib/index.js",
      "link.js",
      "package.json",
      "server.js",
      "src",
      "src/dist",
      "src/dist/kept.js",
      "vendor",
      "vendor/tool.js",
    ];
    expect(await listFiles(root)).toEqual(expected);

    const archive = await packDir(root);
    try {
      expect(archive.bytes).toBeGreaterThan(0);
      expect((await archiveEntries(archive.file)).sort()).toEqual(expected);
    } finally {
      archive.cleanup();
    }
  });

  it("refuses a directory where everything is ignored", async () => {
    const root = tree({ ".slugignore": "*\n" });
    await expect(packDir(root)).rejects.toThrow(/Nothing to deploy/);
  });
});
