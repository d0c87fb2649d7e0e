// The published shape: `npm pack` of this workspace installs on its own (its dependencies from
// the npm registry) and the installed `skypanel` runs, with tar and ignore loading from there.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));

describe("npm pack -w @skypanel/cli installs with npm install -g into a fresh prefix", { timeout: 180_000 }, () => {
  it("the tarball holds no tests, and the installed skypanel runs --version and packs a directory", () => {
    const work = mkdtempSync(join(tmpdir(), "skypanel-pack-install-"));
    try {
      execFileSync("npm", ["pack", "-w", "@skypanel/cli", "--pack-destination", work], { cwd: ROOT, stdio: "pipe" });
      const tarball = readdirSync(work).find((f) => f.endsWith(".tgz")) ?? "";
      const listing = execFileSync("tar", ["-tzf", join(work, tarball)], { encoding: "utf8" }).split("\n");
      expect(listing).toContain("package/bin/skypanel.js");
      expect(listing).toContain("package/action/action.yml");
      expect(listing.filter((f) => /\.test\.|\/testing\//.test(f))).toEqual([]);

      const prefix = join(work, "prefix");
      execFileSync("npm", ["install", "-g", "--prefix", prefix, join(work, tarball)], { cwd: work, stdio: "pipe" });
      const version = spawnSync(join(prefix, "bin", "skypanel"), ["--version"], { cwd: work, encoding: "utf8" });
      expect(version.status, version.stderr).toBe(0);
      expect(version.stdout).toMatch(/^skypanel\/0\.1\.0 /);
      // tar and ignore resolve from the installed package, not from this checkout.
      const installed = join(prefix, "lib", "node_modules", "@skypanel", "cli");
      const packed = execFileSync(
        process.execPath,
        [
          "--input-type=module",
          "-e",
          `const m = await import(${JSON.stringify(join(installed, "src", "pack.js"))}); const a = await m.packDir(${JSON.stringify(join(installed, "action"))}); console.log(a.entries.join(",")); a.cleanup();`,
        ],
        { cwd: work, encoding: "utf8" },
      );
      expect(packed.trim()).toBe("README.md,action.yml,index.js,inputs.js");
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
