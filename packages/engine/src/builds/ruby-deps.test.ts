import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GemMirror, startGemMirror } from "./ruby-mirror.testing.ts";
import { buildsOnOneEngine, copyFixture, removeDir, wrongAnswers } from "./testing.ts";

const GREETING = "hello from a RubyGems mirror";
const TIMEOUT = 300_000;

describe("builds: a Ruby app's gems from the platform's RubyGems mirror (a mock of RubyGems: a static gem index on loopback)", () => {
  let mirror: GemMirror | null = null;
  let previous: string | undefined;
  // Before the engine is made: the test engine reads its build network from the environment.
  beforeAll(async () => {
    mirror = await startGemMirror(["rack-2.2.22", "webrick-1.8.1"]);
    previous = process.env.SKYPANEL_RUBYGEMS_URL;
    process.env.SKYPANEL_RUBYGEMS_URL = mirror.url;
  }, TIMEOUT);
  afterAll(async () => {
    if (previous === undefined) delete process.env.SKYPANEL_RUBYGEMS_URL;
    else process.env.SKYPANEL_RUBYGEMS_URL = previous;
    await mirror?.close();
  });
  const b = buildsOnOneEngine("rubymirror", "ruby-mirror@example.com", { runtime: true });

  it(
    "fetches Gemfile.lock's gems from the mirror, installs them offline, and the app answers through Caddy",
    async () => {
      const dir = copyFixture("ruby-rack-mirror");
      try {
        const built = await b.build(dir);
        expect(built.build.error, built.log).toBeNull();
        expect(built.build.status).toBe("succeeded");
        expect(built.log).toContain("Gemfile.lock's gems from the RubyGems mirror http://127.0.0.1:");
        expect(built.log).toMatch(/not checked against any published checksum.*rack-2\.2\.22/);
        expect(built.log).toContain("Installing skypanel_native 0.1.0 with native extensions");
        expect(built.build.cacheHit).toBe(false);
        expect(wrongAnswers(await b.throughCaddy(built, { count: 20 }), `${GREETING} (COMPILED)`)).toEqual([]);

        // A change to the source alone: the same layer, and the new code answers.
        writeFileSync(join(dir, "greeting.rb"), 'GREETING = "hello again from a RubyGems mirror"\n');
        const again = await b.build(dir, built.app);
        expect(again.build.error, again.log).toBeNull();
        expect(again.build.cacheHit).toBe(true);
        expect(again.build.cacheKey).toBe(built.build.cacheKey);
        expect(wrongAnswers(await b.throughCaddy(again, { count: 10 }), "hello again")).toEqual([]);
      } finally {
        removeDir(dir);
      }
    },
    TIMEOUT * 2,
  );

  it(
    "checks each gem against the SHA-256 of the mirror's compact index when it serves one, and refuses one that does not match",
    async () => {
      const dir = copyFixture("ruby-rack-mirror");
      const m = mirror as GemMirror;
      try {
        // A Gemfile of its own: a new dependency layer, fetched again.
        writeFileSync(join(dir, "Gemfile"), `${readFileSync(join(dir, "Gemfile"), "utf8")}# checked\n`);
        m.compactIndex = "right";
        const checked = await b.build(dir);
        expect(checked.build.error, checked.log).toBeNull();
        expect(checked.log).toContain("3 checked against the SHA-256 in the mirror's compact index");
        expect(checked.log).not.toContain("not checked against any published checksum");

        writeFileSync(join(dir, "Gemfile"), `${readFileSync(join(dir, "Gemfile"), "utf8")}# tampered\n`);
        m.compactIndex = "wrong";
        const tampered = await b.build(dir);
        expect(tampered.build.status).toBe("failed");
        expect(tampered.build.error).toMatch(/^rack-2\.2\.22 from http:\/\/127\.0\.0\.1:\d+ does not match the SHA-256/);
        expect(tampered.build.stages.find((s) => s.name === "dependencies")?.status).toBe("failed");
      } finally {
        m.compactIndex = "none";
        removeDir(dir);
      }
    },
    TIMEOUT,
  );

  it(
    "fails in the dependencies stage naming a gem the mirror does not have",
    async () => {
      const dir = copyFixture("ruby-rack-mirror");
      try {
        writeFileSync(join(dir, "Gemfile"), 'source "https://rubygems.org"\ngem "rack", "~> 2.2"\ngem "skypanel-nowhere", "0.4.2"\n');
        writeFileSync(
          join(dir, "Gemfile.lock"),
          "GEM\n  remote: https://rubygems.org/\n  specs:\n    rack (2.2.22)\n    skypanel-nowhere (0.4.2)\n\nPLATFORMS\n  ruby\n\nDEPENDENCIES\n  rack (~> 2.2)\n  skypanel-nowhere (= 0.4.2)\n\nBUNDLED WITH\n   2.3.15\n",
        );
        const built = await b.build(dir);
        expect(built.build.status).toBe("failed");
        expect(built.build.error).toMatch(/does not have skypanel-nowhere/);
        expect(built.build.stages.find((s) => s.name === "dependencies")?.status).toBe("failed");
      } finally {
        removeDir(dir);
      }
    },
    TIMEOUT,
  );
});

describe("builds: a Ruby app on a platform with no RubyGems mirror", () => {
  let previous: string | undefined;
  beforeAll(() => {
    previous = process.env.SKYPANEL_RUBYGEMS_URL;
    delete process.env.SKYPANEL_RUBYGEMS_URL;
  });
  afterAll(() => {
    if (previous !== undefined) process.env.SKYPANEL_RUBYGEMS_URL = previous;
  });
  const b = buildsOnOneEngine("rubynomirror", "ruby-no-mirror@example.com");

  it(
    "refuses an app with gems in the dependencies stage, naming the setting; builds one without gems",
    async () => {
      const dir = copyFixture("ruby-rack-mirror");
      try {
        const refused = await b.build(dir);
        expect(refused.build.status).toBe("failed");
        expect(refused.build.error).toMatch(/rubygems\.org is not reachable from this platform's builds/);
        expect(refused.build.error).toMatch(/SKYPANEL_RUBYGEMS_URL/);
        expect(refused.build.stages.find((s) => s.name === "dependencies")?.status).toBe("failed");

        writeFileSync(join(dir, "Gemfile"), 'source "https://rubygems.org"\n');
        removeDir(join(dir, "Gemfile.lock"));
        const plain = await b.build(dir);
        expect(plain.build.error, plain.log).toBeNull();
        expect(plain.build.status).toBe("succeeded");
      } finally {
        removeDir(dir);
      }
    },
    TIMEOUT,
  );
});
