// Java builds against real Nix, real Maven Central and PGlite, deployed in nspawn behind Caddy:
// a Spring Boot app from a local repository fetched as a dependency layer and built offline, a
// rebuild that reuses that layer, a committed Maven wrapper whose Maven comes from Maven Central,
// and the refusals (a wrapper elsewhere, Gradle, a dependency that does not exist, modules that
// depend on each other).
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Build } from "@skypanel/db";
import { describe, expect, it } from "vitest";
import { GRADLE_REFUSED } from "./deps/java.ts";
import { type BuiltApp, buildsOnOneEngine, copyFixture, freshCopy, wrongAnswers } from "./testing.ts";

type Plan = { processes: Record<string, string>; build: string; reasons: { topic: string; reason: string }[] };

const MAVEN_399 = "https://repo.maven.apache.org/maven2/org/apache/maven/apache-maven/3.9.9/apache-maven-3.9.9-bin.zip";
const MAVEN_399_SHA256 = "4ec3f26fb1a692473aea0235c300bd20f0f9fe741947c82c1234cefd76ac3a3c";

/** A fixture copy with a Maven wrapper whose properties download Maven from `url`. */
function withWrapper(name: string, url: string, sha256?: string): string {
  const dir = freshCopy(name);
  writeFileSync(join(dir, "mvnw"), "#!/bin/sh\necho 'the wrapper script: SkyPanel never runs it' >&2\nexit 1\n", { mode: 0o755 });
  const props = [`distributionUrl=${url.replace(":", "\\:")}`, ...(sha256 ? [`distributionSha256Sum=${sha256}`] : [])];
  const wrapperDir = join(dir, ".mvn", "wrapper");
  mkdirSync(wrapperDir, { recursive: true });
  writeFileSync(join(wrapperDir, "maven-wrapper.properties"), `wrapperVersion=3.3.2\n${props.join("\n")}\n`);
  return dir;
}

describe("Java with Maven (real Nix, real Maven Central, PGlite, nspawn behind Caddy)", { timeout: 600_000 }, () => {
  const builds = buildsOnOneEngine("java", "duke@example.com", { runtime: true });
  const build = (dir: string, existing?: string) => builds.build<Plan>(dir, existing);
  const stage = (b: { build: Build }, name: string) => b.build.stages.find((s) => s.name === name);

  async function served(b: BuiltApp<Plan>, text: string) {
    expect(b.build.status, b.log).toBe("succeeded");
    expect(wrongAnswers(await builds.throughCaddy(b, { count: 20 }), text)).toEqual([]);
  }

  // The first Spring Boot build; the rebuild waits for it and builds the same app again.
  let boot: Promise<BuiltApp<Plan>> | null = null;
  const firstBoot = () => {
    boot ??= build(freshCopy("java-spring-boot"));
    return boot;
  };

  it.concurrent("java-spring-boot: its dependencies and plugins come from Maven Central, the offline build's fat jar answers / with 200", async () => {
    const b = await firstBoot();
    await served(b, "hello from java-spring-boot");
    expect(b.plan.processes.web).toBe("java -Dserver.port=$PORT -jar target/java-spring-boot-0.0.1.jar");
    expect(b.plan.build).toBe("mvn -o -B -DskipTests package");
    expect(b.log).toMatch(/Maven: the project's dependencies and build plugins from Maven Central, checked against their \.sha1/);
    expect(b.log).toMatch(/Maven 3\.8\.7 \(the platform's Maven\) on openjdk version "17\./);
    expect(b.build.cacheHit).toBe(false);
    // The artifact is the jar and the runtime's environment, not the source or target/classes.
    expect(readdirSync(join(b.store, "app")).sort()).toEqual([".skypanel", "target"]);
    expect(readdirSync(join(b.store, "app", "target"))).toEqual(["java-spring-boot-0.0.1.jar"]);
    expect(readFileSync(join(b.store, "app", ".skypanel", "env"), "utf8")).toMatch(
      /^PATH=\/usr\/lib\/jvm\/java-17-openjdk-\w+\/bin:\$PATH$/m,
    );
  });

  it.concurrent("a source-only change rebuilds on the same dependency layer (cache hit)", async () => {
    const first = await firstBoot();
    expect(first.build.status, first.log).toBe("succeeded");
    const dir = freshCopy("java-spring-boot");
    const controller = join(dir, "src/main/java/dev/skypanel/fixture/Application.java");
    writeFileSync(controller, readFileSync(controller, "utf8").replace("hello from java-spring-boot", "hello again from java-spring-boot"));
    const b = await build(dir, first.app);
    expect(b.build.cacheHit, b.log).toBe(true);
    expect(b.build.cacheKey).toBe(first.build.cacheKey);
    expect(b.log).toMatch(/dependency layer: cache hit/);
    expect(b.log).toMatch(/Compiling 1 source file with javac \[debug parameters release 17\]/);
    await served(b, "hello again from java-spring-boot");
  });

  it.concurrent("a committed wrapper's Maven 3.9.9 comes from Maven Central, checked, and builds java-maven", async () => {
    const b = await build(withWrapper("java-maven", MAVEN_399, MAVEN_399_SHA256));
    expect(b.log).toMatch(/Maven 3\.9\.9 \(the committed wrapper's\), from Maven Central/);
    expect(b.log).toMatch(/Maven 3\.9\.9 \(the wrapper's Maven\) on openjdk version "17\./);
    await served(b, "hello from java-maven");
  });

  it.concurrent("a wrapper that downloads Maven from another host is refused, saying where Maven may come from", async () => {
    const b = await build(withWrapper("java-spring-boot", "https://maven.example.com/dist/apache-maven-3.9.9-bin.zip"));
    expect(b.build.status).toBe("failed");
    expect(stage(b, "detect")?.status).toBe("failed");
    expect(b.build.error).toBe(
      ".mvn/wrapper/maven-wrapper.properties downloads Maven from https://maven.example.com/dist/apache-maven-3.9.9-bin.zip; builds fetch Maven only from Maven Central. Set distributionUrl to https://repo.maven.apache.org/maven2/org/apache/maven/apache-maven/<version>/apache-maven-<version>-bin.zip.",
    );
  });

  it.concurrent("a Gradle app is refused, saying why and what would make it work", async () => {
    const b = await build(copyFixture("java-gradle"));
    expect(b.build.status).toBe("failed");
    expect(stage(b, "detect")?.status).toBe("failed");
    expect(b.build.error).toBe(GRADLE_REFUSED);
    expect(b.build.error).toMatch(/services\.gradle\.org/);
  });

  it.concurrent("a dependency that does not exist fails the dependency stage, naming it", async () => {
    const dir = copyFixture("java-spring-boot");
    const pom = join(dir, "pom.xml");
    writeFileSync(
      pom,
      readFileSync(pom, "utf8").replace(
        "<dependencies>",
        "<dependencies>\n    <dependency><groupId>dev.skypanel.nonexistent</groupId><artifactId>no-such-library</artifactId><version>1.0.0</version></dependency>",
      ),
    );
    const b = await build(dir);
    expect(b.build.status).toBe("failed");
    expect(stage(b, "dependencies")?.status).toBe("failed");
    expect(b.build.error).toBe(
      "pom.xml depends on dev.skypanel.nonexistent:no-such-library:1.0.0, which Maven Central does not have. Check its groupId, artifactId and version.",
    );
  });

  it.concurrent("a multi-module build whose modules depend on each other is refused, naming the module", async () => {
    const dir = freshCopy("java-maven");
    const pom = (body: string) =>
      `<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>${body}</project>\n`;
    const parent = "<parent><groupId>dev.skypanel.fixture</groupId><artifactId>shop</artifactId><version>1.0.0</version></parent>";
    writeFileSync(
      join(dir, "pom.xml"),
      pom(
        "<groupId>dev.skypanel.fixture</groupId><artifactId>shop</artifactId><version>1.0.0</version><packaging>pom</packaging><modules><module>core</module><module>web</module></modules>",
      ),
    );
    for (const [module, deps] of [
      ["core", ""],
      [
        "web",
        "<dependencies><dependency><groupId>dev.skypanel.fixture</groupId><artifactId>core</artifactId><version>1.0.0</version></dependency></dependencies>",
      ],
    ]) {
      mkdirSync(join(dir, module as string));
      writeFileSync(join(dir, module as string, "pom.xml"), pom(`${parent}<artifactId>${module}</artifactId>${deps}`));
    }
    const b = await build(dir);
    expect(b.build.status).toBe("failed");
    expect(stage(b, "dependencies")?.status).toBe("failed");
    expect(b.build.error).toMatch(
      /^dev\.skypanel\.fixture:core:1\.0\.0 is a module of this project, which another module depends on: SkyPanel cannot fetch the dependencies of a multi-module Maven build/,
    );
  });
});
