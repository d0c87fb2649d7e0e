// What the Java buildpack makes of a detected plan: Maven builds run offline with JDK 17 (the
// wrapper's Maven when one is committed, never ./mvnw itself); Gradle builds are refused, and a
// Java newer than the platform's is refused before anything is fetched.
import type { BuildPlan } from "../../detect/plan.ts";
import { ValidationError } from "../../errors.ts";
import type { BuildNetwork } from "../network.ts";
import { mavenRepository } from "./maven-repository.ts";
import { mavenWrapper, WRAPPER_PROPERTIES } from "./maven-wrapper.ts";

/** The Java the platform builds and runs with (maven-run.ts's JDK_HOME). */
export const PLATFORM_JAVA = 17;

/** The command buildpacks/java.nix runs, as the plan shows it. */
export const MAVEN_BUILD = "mvn -o -B -DskipTests package";

export const GRADLE_REFUSED =
  "Gradle builds are not available on this platform: Gradle itself is downloaded from services.gradle.org (it is not on Maven Central), which this platform's builds cannot reach, and Debian's gradle package (4.4) is too old for today's Gradle builds. Build the app with Maven (a pom.xml, with or without mvnw) instead; Gradle apps would build once the platform can fetch Gradle distributions (services.gradle.org or a mirror of it) and has a Gradle fetch step.";

/** The major version of a Java version as detection read it ("1.8" is 8); null when it is not a plain version. */
export function javaMajor(version: string): number | null {
  const m = /^(?:1\.)?(\d+)(?:[.+_-]|$)/.exec(version.trim());
  return m ? Number(m[1]) : null;
}

export function javaPlan(plan: BuildPlan, sourceDir: string, network: BuildNetwork): BuildPlan {
  if (plan.packageManager === "gradle") throw new ValidationError(GRADLE_REFUSED);
  const wanted = plan.versions.java;
  const major = wanted === undefined ? null : javaMajor(wanted);
  if (major !== null && major > PLATFORM_JAVA) {
    throw new ValidationError(
      `The app asks for Java ${wanted}; this platform builds and runs Java apps with JDK ${PLATFORM_JAVA}. Set the Java version (java.version or maven.compiler.release in pom.xml, java.runtime.version in system.properties) to ${PLATFORM_JAVA} or lower.`,
    );
  }
  const wrapper = mavenWrapper(sourceDir, mavenRepository(network));
  const reasons = [
    ...plan.reasons,
    {
      topic: "build",
      reason: wrapper
        ? `${MAVEN_BUILD} with Maven ${wrapper.version}, which ${WRAPPER_PROPERTIES} names (fetched with the dependencies; ./mvnw itself is not run), on JDK ${PLATFORM_JAVA}, offline from the dependency layer.`
        : `${MAVEN_BUILD} with the platform's Maven on JDK ${PLATFORM_JAVA}, offline from the dependency layer.`,
    },
  ];
  return { ...plan, build: MAVEN_BUILD, reasons };
}
