import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CustomCaddyMissingError, chooseCaddy, customCaddyHash, customCaddyPath } from "./custom-caddy.ts";
import { tempHome } from "./testing.ts";

const REPO = new URL("../../../../", import.meta.url).pathname;

describe("which Caddy the platform runs (SKYPANEL_CADDY)", () => {
  const dir = tempHome();
  afterAll(() => dir.remove());

  it("require.sh builds the custom Caddy where the platform looks for it", () => {
    const fromShell = execFileSync("bash", ["-c", "source scripts/lib/require.sh && custom_caddy_path"], {
      cwd: REPO,
      encoding: "utf8",
    }).trim();
    expect(fromShell).toBe(customCaddyPath());
  });

  it("the cache key follows the build's files: another go.sum is another binary", () => {
    const source = join(dir.home, "src");
    mkdirSync(join(source, "traffic"), { recursive: true });
    writeFileSync(join(source, "go.mod"), "module x\n");
    writeFileSync(join(source, "go.sum"), "a\n");
    writeFileSync(join(source, "traffic", "waf.go"), "package traffic\n");
    writeFileSync(join(source, "README.md"), "not a build file\n");
    const before = customCaddyHash(source);
    writeFileSync(join(source, "README.md"), "still not one\n");
    expect(customCaddyHash(source)).toBe(before);
    writeFileSync(join(source, "go.sum"), "b\n");
    expect(customCaddyHash(source)).not.toBe(before);
  });

  it("custom takes the built binary or refuses to start naming the fix; auto falls back to Debian's; debian is Debian's", () => {
    const missing = join(dir.home, "none", "caddy");
    expect(() => chooseCaddy("custom", missing)).toThrow(CustomCaddyMissingError);
    expect(() => chooseCaddy("custom", missing)).toThrow(/run scripts\/up\.sh \(it builds it\), or set SKYPANEL_CADDY=debian/);
    expect(chooseCaddy("auto", missing)).toMatchObject({ build: "debian", binary: "caddy" });
    const built = join(dir.home, "caddy");
    writeFileSync(built, "#!/bin/sh\n");
    chmodSync(built, 0o755);
    expect(chooseCaddy("auto", built)).toEqual({ build: "custom", binary: built, reason: "built on this machine" });
    expect(chooseCaddy("custom", built)).toMatchObject({ build: "custom", binary: built });
    expect(chooseCaddy("debian", built)).toMatchObject({ build: "debian", binary: "caddy" });
  });
});
