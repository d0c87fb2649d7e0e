// PHP builds against real Nix, PGlite, nspawn and Caddy, with Debian's php-cli and composer. The
// packages come from a mock of Packagist (packagist.org is not reachable here): a static Composer
// repository this test writes and serves on loopback, handed to the engine as the operator would,
// by SKYPANEL_COMPOSER_REPOSITORY_URL in the environment the test engine's config reads.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GREETING, type MockPackagist, shasumOf, startMockPackagist, TAMPERED } from "./composer-mirror-testing.ts";
import { buildsOnOneEngine, freshCopy, runAndGet, wrongAnswers } from "./testing.ts";

type Plan = { processes: Record<string, string>; versions: Record<string, string>; reasons: { topic: string; reason: string }[] };

const SETTING = "SKYPANEL_COMPOSER_REPOSITORY_URL";
const saved = process.env[SETTING];
const restore = () => {
  if (saved === undefined) delete process.env[SETTING];
  else process.env[SETTING] = saved;
};

describe("PHP packages from a Composer repository mirror (a mock of Packagist: a static Composer repository on loopback; real Nix, nspawn and Caddy)", {
  timeout: 600_000,
}, () => {
  let mirror: MockPackagist;
  beforeAll(async () => {
    mirror = await startMockPackagist();
    process.env[SETTING] = mirror.url;
  });
  const builds = buildsOnOneEngine("phpmirror", "elephant@example.com", { runtime: true });
  // The engine read the setting when it was made.
  beforeAll(restore);
  afterAll(() => mirror?.close());
  let first: ReturnType<typeof builds.build<Plan>> | null = null;
  const firstBuild = () => {
    first ??= builds.build<Plan>(freshCopy("php-composer-mirror"));
    return first;
  };

  it("php-composer-mirror: the locked package fetched from the mirror only, autoloaded, answers 200 through Caddy", async () => {
    const b = await firstBuild();
    expect(b.build.status, b.log).toBe("succeeded");
    console.log(`php-composer-mirror cold build: ${((b.build.durationMs ?? 0) / 1000).toFixed(1)} s`);
    expect(b.plan.processes.web).toBe("php -S 0.0.0.0:$PORT -t public");
    expect(b.plan.versions.php).toMatch(/^8\.2\.\d+$/);
    expect(b.log).toContain(
      "composer install --no-scripts --no-plugins --no-autoloader --no-dev --prefer-dist (from the Composer repository 127.0.0.1",
    );
    expect(b.log).toContain("composer dump-autoload --optimize --no-dev (offline)");
    // composer.lock points at GitHub, as one made against packagist.org does: the mirror's copy was used.
    expect(mirror.requests).toContain("/p2/skypanel-test/greeting.json");
    expect(b.build.cacheHit).toBe(false);
    expect(wrongAnswers(await builds.throughCaddy(b, { count: 20 }), "Hello, SKYPANEL, from skypanel-test/greeting 1.0.0")).toEqual([]);
  });

  it("a change to the source alone reuses the dependency layer", async () => {
    const b = await firstBuild();
    const dir = freshCopy("php-composer-mirror");
    writeFileSync(join(dir, "public", "about.php"), "<?php echo 'about';\n");
    const again = await builds.build<Plan>(dir, b.app);
    expect(again.build.status, again.log).toBe("succeeded");
    expect(again.build.cacheHit).toBe(true);
    expect(again.build.cacheKey).toBe(b.build.cacheKey);
  });

  it("an archive that does not match composer.lock's shasum is refused, naming the package", async () => {
    const dir = freshCopy("php-composer-mirror");
    const json = JSON.parse(readFileSync(join(dir, "composer.json"), "utf8"));
    json.require[TAMPERED.name] = "^2.1";
    writeFileSync(join(dir, "composer.json"), JSON.stringify(json, null, 4));
    const lock = JSON.parse(readFileSync(join(dir, "composer.lock"), "utf8"));
    lock.packages.push({
      name: TAMPERED.name,
      version: TAMPERED.version,
      dist: {
        type: "zip",
        url: `https://api.github.com/repos/${TAMPERED.name}/zipball/${TAMPERED.reference}`,
        reference: TAMPERED.reference,
        shasum: shasumOf(TAMPERED),
      },
      type: "library",
      autoload: { "psr-4": { [TAMPERED.namespace]: "src/" } },
    });
    writeFileSync(join(dir, "composer.lock"), JSON.stringify(lock, null, 4));
    const b = await builds.build<Plan>(dir);
    expect(b.build.status, b.log).toBe("failed");
    expect(b.build.error).toContain(`${TAMPERED.name}'s archive from the Composer repository does not match composer.lock's shasum`);
    expect(b.build.stages.find((s) => s.name === "dependencies")?.status).toBe("failed");
  });
});

describe("PHP builds without a Composer repository mirror (real Nix, PGlite)", { timeout: 300_000 }, () => {
  beforeAll(() => {
    delete process.env[SETTING];
  });
  const builds = buildsOnOneEngine("phpnomirror", "nomirror@example.com");
  beforeAll(restore);

  it("an app that requires a package is refused in the dependencies stage, naming the setting", async () => {
    const b = await builds.build<Plan>(freshCopy("php-composer-mirror"));
    expect(b.build.status, b.log).toBe("failed");
    expect(b.build.error).toBe(
      `composer.json requires ${GREETING.name}: packagist.org is not reachable from this platform's builds; set ${SETTING} to a mirror of it (a Composer repository: Satis, Private Packagist, Artifactory…) so PHP apps can fetch their packages.`,
    );
    expect(b.build.stages.find((s) => s.name === "dependencies")?.status).toBe("failed");
  });

  it("php-composer: an app with no package requirements builds and answers with PHP's built-in server", async () => {
    const b = await builds.build<Plan>(freshCopy("php-composer"));
    expect(b.build.status, b.log).toBe("succeeded");
    expect(b.log).toContain("composer dump-autoload --optimize --no-dev (offline)");
    const res = await runAndGet(b.store, b.plan.processes.web as string);
    expect(res).toEqual({ status: 200, body: "hello from php-composer\n" });
  });
});
