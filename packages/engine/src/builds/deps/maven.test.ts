// The Maven layer's checks that need no network: what a Maven wrapper may download, the mirror
// setting, Maven's failures in words, a project's own modules, and the Java versions the platform
// refuses. Fetching and building are in builds/java-deps.test.ts.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_BUILD_NETWORK } from "../network.ts";
import { javaMajor } from "./java.ts";
import { moduleArtifactIds } from "./maven.ts";
import { mavenRepository, mavenSettings } from "./maven-repository.ts";
import { mavenFailure } from "./maven-run.ts";
import { mavenWrapper, parseProperties } from "./maven-wrapper.ts";

const CENTRAL = mavenRepository(DEFAULT_BUILD_NETWORK);
const mirror = (url: string) => mavenRepository({ ...DEFAULT_BUILD_NETWORK, mavenRepositoryUrl: url });
const DIST = "org/apache/maven/apache-maven/3.9.9/apache-maven-3.9.9-bin.zip";

function sourceWithWrapper(properties: string): string {
  const dir = mkdtempSync(join(tmpdir(), "skypanel-mvnw-"));
  mkdirSync(join(dir, ".mvn", "wrapper"), { recursive: true });
  writeFileSync(join(dir, ".mvn", "wrapper", "maven-wrapper.properties"), properties);
  return dir;
}

describe("maven-wrapper.properties", () => {
  it("reads escaped values as Maven's wrapper writes them", () => {
    expect(parseProperties("# made by mvn wrapper:wrapper\nwrapperVersion=3.3.2\ndistributionUrl=https\\://host/a.zip\n")).toEqual({
      wrapperVersion: "3.3.2",
      distributionUrl: "https://host/a.zip",
    });
  });

  it("takes a Maven binary distribution on Maven Central, with its SHA-256", () => {
    const dir = sourceWithWrapper(
      `distributionUrl=https\\://repo.maven.apache.org/maven2/${DIST}\ndistributionSha256Sum=${"a".repeat(64)}\n`,
    );
    expect(mavenWrapper(dir, CENTRAL)).toEqual({ version: "3.9.9", path: DIST, sha256: "a".repeat(64) });
  });

  it("refuses another host, and anything on Maven Central that is not Apache Maven's distribution", () => {
    for (const url of [
      "https://maven.example.com/dist/apache-maven-3.9.9-bin.zip",
      "http://repo.maven.apache.org/maven2/org/apache/maven/apache-maven/3.9.9/apache-maven-3.9.9-bin.zip",
      "https://repo.maven.apache.org/maven2/com/example/evil/1.0/evil-1.0-bin.zip",
      "https://repo.maven.apache.org/maven2/org/apache/maven/apache-maven/3.9.9/../../../../../com/x/apache-maven-3.9.9-bin.zip",
    ]) {
      expect(() => mavenWrapper(sourceWithWrapper(`distributionUrl=${url}\n`), CENTRAL), url).toThrow(
        /builds fetch Maven only from Maven Central/,
      );
    }
  });

  it("takes the platform's mirror as well as Maven Central when one is set", () => {
    const repo = mirror("https://mirror.example/maven2/");
    const dir = sourceWithWrapper(`distributionUrl=https://mirror.example/maven2/${DIST}\n`);
    expect(mavenWrapper(dir, repo)?.path).toBe(DIST);
    expect(() => mavenWrapper(dir, CENTRAL)).toThrow(/only from Maven Central\./);
  });
});

describe("the Maven repository setting", () => {
  it("keeps a mirror's login out of its URL and name, and escapes it into settings.xml", () => {
    const repo = mirror("https://ci:p%3Cw@mirror.example/maven2/");
    expect(repo).toMatchObject({ url: "https://mirror.example/maven2", username: "ci", password: "p<w" });
    expect(repo.name).not.toMatch(/p<w|ci/);
    const xml = mavenSettings(repo, "/work/repo");
    expect(xml).toContain("<password>p&lt;w</password>");
    expect(xml).toContain("<mirrorOf>*</mirrorOf><url>https://mirror.example/maven2</url>");
  });
});

describe("Maven's failures in words", () => {
  it("names a dependency Maven Central does not have", () => {
    const lines = [
      "[ERROR] Failed to execute goal on project demo: Could not resolve dependencies for project dev.x:demo:jar:1.0: Could not find artifact dev.x:nope:jar:1.0.0 in skypanel (https://repo.maven.apache.org/maven2) -> [Help 1]",
    ];
    const err = mavenFailure(lines, "Maven Central");
    expect(err.message).toBe(
      "pom.xml depends on dev.x:nope:1.0.0, which Maven Central does not have. Check its groupId, artifactId and version.",
    );
    expect(err.details).toEqual({ missing: "dev.x:nope:1.0.0" });
  });

  it("knows a multi-module project's own modules, so a module missing from the repository is told apart", () => {
    const dir = mkdtempSync(join(tmpdir(), "skypanel-reactor-"));
    const module = (id: string) =>
      `<project><parent><artifactId>shop</artifactId></parent><artifactId>${id}</artifactId><dependencies><dependency><artifactId>other</artifactId></dependency></dependencies></project>`;
    writeFileSync(join(dir, "pom.xml"), "<project><artifactId>shop</artifactId><modules><module>api</module></modules></project>");
    mkdirSync(join(dir, "api"));
    writeFileSync(join(dir, "api", "pom.xml"), module("shop-api"));
    mkdirSync(join(dir, "src", "test"), { recursive: true });
    writeFileSync(join(dir, "src", "test", "pom.xml"), module("a-test-resource"));
    expect([...moduleArtifactIds(dir)].sort()).toEqual(["shop", "shop-api"]);
  });
});

describe("Java versions", () => {
  it("reads the major version of 1.8, 17 and 21.0.2", () => {
    expect([javaMajor("1.8"), javaMajor("17"), javaMajor("21.0.2"), javaMajor(">=17")]).toEqual([8, 17, 21, null]);
  });
});
