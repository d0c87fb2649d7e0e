// Java: Maven (pom.xml) or Gradle (build.gradle / build.gradle.kts), the wrapper script when
// committed, the JDK version, and `java -jar` on the jar the build makes.
import type { SourceTree } from "./files.ts";
import { shellQuote } from "./shell.ts";
import { reason, type StackDetection, type StackRule } from "./stack.ts";
import { checkVersion, DEFAULT_VERSIONS } from "./versions.ts";

const GRADLE_FILES = ["build.gradle", "build.gradle.kts"];
const GRADLE_LOCKFILES = ["settings.gradle", "settings.gradle.kts", "gradle.lockfile", "gradle/wrapper/gradle-wrapper.properties"];

export const java: StackRule = {
  stack: "java",
  markers: ["pom.xml", ...GRADLE_FILES],
  async detect(tree, marker) {
    const d: StackDetection = {
      stack: "java",
      framework: null,
      versions: {},
      packageManager: marker === "pom.xml" ? "maven" : "gradle",
      lockfiles: [marker],
      install: null,
      build: null,
      test: null,
      web: null,
      reasons: [],
      warnings: [],
    };
    const build = (await tree.readText(marker)) ?? "";
    if (marker === "pom.xml") {
      const gradleToo = [];
      for (const file of GRADLE_FILES) if (await tree.has(file)) gradleToo.push(file);
      if (gradleToo.length > 0)
        d.warnings.push(`pom.xml and ${gradleToo.join(" and ")} found: Maven builds this app, Gradle's files are ignored.`);
      await maven(tree, build, d);
    } else await gradle(tree, marker, build, d);

    const version = await javaVersion(tree, marker, build);
    d.versions.java = version.version;
    d.reasons.push(reason("version", `Java ${version.version} from ${version.from}.`));

    if (d.web !== null) {
      // Spring Boot takes its port from server.port; other apps read $PORT themselves.
      if (/spring-boot|org\.springframework\.boot/.test(build)) {
        d.web = d.web.replace("java -jar", "java -Dserver.port=$PORT -jar");
        d.reasons.push(reason("framework", "Spring Boot: started with -Dserver.port=$PORT."));
      }
      d.reasons.push(reason("start", `${d.web}: the jar the build makes.`));
    }
    return d;
  },
};

async function maven(tree: SourceTree, pom: string, d: StackDetection): Promise<void> {
  const wrapper = await tree.isFile("mvnw");
  const mvn = wrapper ? "./mvnw" : "mvn";
  d.build = `${mvn} -B -DskipTests package`;
  d.reasons.push(reason("package manager", `pom.xml found: Maven${wrapper ? ", through the committed ./mvnw" : ""}.`));
  const xml = pom.replace(/<!--[\s\S]*?-->/g, "");
  const finalName = /<build>[\s\S]*?<finalName>([^<$]+)<\/finalName>/.exec(xml)?.[1]?.trim();
  // The project's own coordinates: the first artifactId/version outside parent, dependencies, build and profiles.
  const own = xml.replace(/<(parent|dependencies|dependencyManagement|build|profiles|plugins|reporting)>[\s\S]*?<\/\1>/g, "");
  const artifact = /<artifactId>([^<]+)<\/artifactId>/.exec(own)?.[1]?.trim();
  const version = /<version>([^<]+)<\/version>/.exec(own)?.[1]?.trim();
  if (/<packaging>\s*war\s*<\/packaging>/.test(own))
    d.warnings.push("pom.xml packages a war; SkyPanel runs jars. Add a Procfile web line that starts your server.");
  const jar = finalName ?? (artifact && version && !`${artifact}${version}`.includes("$") ? `${artifact}-${version}` : null);
  d.web = jar ? `java -jar ${shellQuote(`target/${jar}.jar`)}` : "java -jar target/*.jar";
  if (!jar)
    d.warnings.push(
      "The jar's name depends on Maven properties; starting target/*.jar. Add a Procfile web line if target/ holds more than one jar.",
    );
}

async function gradle(tree: SourceTree, marker: string, build: string, d: StackDetection): Promise<void> {
  const wrapper = await tree.isFile("gradlew");
  const cmd = wrapper ? "./gradlew" : "gradle";
  d.build = `${cmd} build -x test`;
  d.reasons.push(reason("package manager", `${marker} found: Gradle${wrapper ? ", through the committed ./gradlew" : ""}.`));
  if (!wrapper)
    d.warnings.push("No gradlew: the build uses the platform's Gradle, whose version may differ from yours. Commit the Gradle wrapper.");
  for (const file of GRADLE_LOCKFILES) if (await tree.has(file)) d.lockfiles.push(file);

  let settings = "";
  for (const file of ["settings.gradle.kts", "settings.gradle"]) settings ||= (await tree.readText(file)) ?? "";
  const name = /rootProject\.name\s*=\s*["']([^"'$]+)["']/.exec(settings)?.[1];
  const version = /^\s*version\s*=\s*["']([^"'$]+)["']/m.exec(build)?.[1];
  if (name) {
    d.web = `java -jar ${shellQuote(`build/libs/${name}${version && version !== "unspecified" ? `-${version}` : ""}.jar`)}`;
  } else {
    d.web = "java -jar build/libs/*.jar";
    d.warnings.push(
      "settings.gradle names no rootProject.name, so the jar's name is unknown; starting build/libs/*.jar. Add a Procfile web line.",
    );
  }
}

async function javaVersion(tree: SourceTree, marker: string, build: string): Promise<{ version: string; from: string }> {
  const props = await tree.readText("system.properties", 4096);
  const runtime = /^\s*java\.runtime\.version\s*=\s*(\S+)/m.exec(props ?? "")?.[1];
  if (runtime) return { version: checkVersion("system.properties", runtime, "Java"), from: "java.runtime.version in system.properties" };
  const declared =
    marker === "pom.xml"
      ? /<(java\.version|maven\.compiler\.release|maven\.compiler\.source)>\s*([^<\s]+)\s*</.exec(build)
      : /(JavaLanguageVersion\.of)\(\s*(\d+)\s*\)|(sourceCompatibility)\s*=\s*(?:JavaVersion\.VERSION_)?["']?([\d_.]+)/.exec(build);
  const value = declared ? (declared[2] ?? declared[4]) : undefined;
  if (declared && value) {
    return {
      version: checkVersion(marker, value.replace(/^1_/, "1.").replaceAll("_", "."), "Java"),
      from: `${declared[1] ?? declared[3]} in ${marker}`,
    };
  }
  return { version: DEFAULT_VERSIONS.java, from: "the platform default (no system.properties or Java version in the build file)" };
}
