import { describe, expect, it } from "vitest";
import { checkPlatform, composerRange, ownRepositories, requiredPackages } from "./php-composer.ts";
import { lockFromMirror } from "./php-mirror.ts";

const host = { version: "8.2.36", extensions: new Set(["mbstring", "json", "intl"]) };
const app = (require: Record<string, string>, repositories?: unknown) => ({ require, repositories });

describe("composer.json against the platform's PHP 8.2", () => {
  it.each([
    ["^8.1", true],
    [">=8.0 <8.3", true],
    [">=7.4, <8.2", false],
    ["~8.2.0", true],
    ["~8.1", true],
    ["~7.4", false],
    ["8.2.*", true],
    ["^7.4 || ^8.0", true],
    ["^7.4|^8.0", true],
    ["^8.3", false],
    ["8.1.x-dev@dev", false],
  ])("require.php %s allows 8.2.36: %s", (constraint, allowed) => {
    const check = () => checkPlatform(app({ php: constraint }), host);
    if (allowed) expect(check).not.toThrow();
    else expect(check).toThrow(`composer.json requires PHP ${constraint}; this platform builds and runs PHP apps with PHP 8.2.36`);
  });

  it("an unreadable constraint is refused in words", () => {
    expect(composerRange("not a version")).toBeNull();
    expect(() => checkPlatform(app({ php: "not a version" }), host)).toThrow("is not a version constraint");
  });

  it("a missing extension is refused by name, with Debian's package", () => {
    expect(() => checkPlatform(app({ "ext-mbstring": "*", "ext-gmp": "*" }), host)).toThrow(
      "composer.json requires ext-gmp, which this platform's PHP 8.2.36 does not have (Debian's php-gmp is not installed",
    );
  });

  it("only real packages are fetched; repositories of the app's own are named", () => {
    expect(requiredPackages(app({ php: "^8.1", "ext-json": "*", "lib-pcre": "*", "monolog/monolog": "^3" }))).toEqual(["monolog/monolog"]);
    expect(ownRepositories(app({}, [{ type: "vcs", url: "https://github.com/x/y" }, { "packagist.org": false }]))).toEqual([
      "vcs https://github.com/x/y",
    ]);
  });
});

describe("composer.lock against the mirror, hostile", () => {
  // Refused before the engine asks the mirror anything: the lookup URL is never made from them.
  it.each([["//evil.example/x"], ["../../admin"], ["Vendor/Name"], ["vendor/name?x=1"]])(
    "a locked package named %j is refused as not a Composer package name",
    async (name) => {
      await expect(lockFromMirror({ packages: [{ name, version: "1.0.0" }] }, "http://127.0.0.1:9/")).rejects.toThrow(
        /is not a Composer package name/,
      );
    },
  );

  it("a lock with more packages than builds take is refused", async () => {
    const packages = Array.from({ length: 2001 }, (_, i) => ({ name: `v/p${i}`, version: "1.0.0" }));
    await expect(lockFromMirror({ packages }, "http://127.0.0.1:9/")).rejects.toThrow(/locks 2001 packages; builds take at most 2000/);
  });
});
