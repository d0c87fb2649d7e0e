// Running Maven for the Java dependency layer: as the unprivileged user, with none of the
// platform's environment, JDK 17 chosen by JAVA_HOME, and its failures in words for the user.
import { ValidationError } from "../../errors.ts";
import { CommandFailedError, runChecked } from "../../process/run.ts";
import { asUnprivileged } from "../workspace.ts";
import type { MavenRepository } from "./maven-repository.ts";
import type { FetchContext } from "./types.ts";

/** The JDK builds and apps use: Debian's 17, named outright (the machine may have others). */
export const JDK_HOME = `/usr/lib/jvm/java-17-openjdk-${process.arch === "arm64" ? "arm64" : "amd64"}`;
/** Debian's Maven, used when the app commits no wrapper. */
export const DEBIAN_MAVEN = "/usr/share/maven/bin/mvn";

export interface MavenRun {
  cwd: string;
  home: string;
  /** The mvn script: Debian's, or the wrapper's distribution unpacked into the layer. */
  mvn: string;
  settings: string;
  localRepository: string;
  repo: MavenRepository;
  /** When the step must be over. */
  deadline: number;
}

function mavenEnv(ctx: FetchContext, r: MavenRun): NodeJS.ProcessEnv {
  return {
    PATH: `${JDK_HOME}/bin:${ctx.path}`,
    HOME: r.home,
    JAVA_HOME: JDK_HOME,
    LANG: "C.UTF-8",
    // No /etc/mavenrc or ~/.mavenrc, no MAVEN_OPTS of the machine's.
    MAVEN_SKIP_RC: "1",
    MAVEN_OPTS: `-Djava.io.tmpdir=${r.home} -Duser.home=${r.home}`,
  };
}

/**
 * Runs Maven (`sh <mvn> <args>`: an unpacked distribution keeps no exec bits) in `cwd` as the
 * unprivileged user, batch mode, strict checksums (a .sha1 that does not match stops it), with
 * the settings that send every download to one repository.
 */
export async function runMaven(ctx: FetchContext, r: MavenRun, args: string[]): Promise<string[]> {
  const lines: string[] = [];
  const common = ["-B", "-C", "-ntp", "-s", r.settings, "-gs", r.settings, `-Dmaven.repo.local=${r.localRepository}`];
  try {
    await runChecked(...asUnprivileged("sh", [r.mvn, ...common, ...args]), {
      cwd: r.cwd,
      env: mavenEnv(ctx, r),
      onLine: (line) => {
        lines.push(line);
        if (lines.length > 2000) lines.shift();
        if (/^\[(ERROR|WARNING)\]|BUILD|Total time/.test(line)) ctx.log(`       ${line}`);
      },
      signal: ctx.signal,
      timeoutMs: Math.max(1000, r.deadline - Date.now()),
    });
  } catch (err) {
    if (err instanceof CommandFailedError) throw mavenFailure(lines, r.repo.name);
    throw err;
  }
  return lines;
}

/** What a failed Maven resolution means, naming the artifact when Maven does. */
export function mavenFailure(lines: string[], repoName: string): ValidationError {
  // Batch mode (-B) prints no colours.
  const text = lines.join("\n");
  const checksum = /Checksum validation failed, expected '?([0-9a-f]+)'?.*? but is (?:actually )?'?([0-9a-f]+)'?/.exec(text);
  const artifact = (m: RegExpExecArray | null) => m?.[1]?.replace(/^([^:]+:[^:]+):(?:jar|pom|maven-plugin):/, "$1:");
  if (checksum) {
    const which = artifact(/Could not (?:transfer|resolve) artifact (\S+)/.exec(text));
    return new ValidationError(
      `${which ?? "An artifact"} as ${repoName} serves it does not match its published checksum (expected ${checksum[1]}, got ${checksum[2]}), so Maven refused it. Try again; if it persists, the repository or the network in between is serving a damaged file.`,
    );
  }
  if (
    /Connect(ion)? to .* (failed|refused|timed out)|UnknownHostException|Unknown host|transfer failed for|Network is unreachable/.test(text)
  ) {
    return new ValidationError(
      `${repoName} could not be reached, so the Java dependencies cannot be fetched. Try again; if it persists, the platform's network or the repository is down.`,
    );
  }
  const parent =
    /Non-resolvable parent POM for [^:]+:[^:]+:[^:]+: (?:The following artifacts could not be resolved: )?(?:Could not find artifact |Failure to find )?(\S+)/.exec(
      text,
    );
  if (parent) {
    return new ValidationError(
      `pom.xml's parent ${artifact(parent)} cannot be found in ${repoName}. Check its groupId, artifactId and version (or its relativePath).`,
    );
  }
  const missing = /(?:Could not find artifact|Failure to find) (\S+)/.exec(text);
  if (missing) {
    const plugin = /Plugin (\S+) or one of its dependencies could not be resolved/.exec(text)?.[1];
    return new ValidationError(
      plugin
        ? `The Maven plugin ${plugin} cannot be resolved: ${repoName} has no ${artifact(missing)}. Check the plugin's version in pom.xml.`
        : `pom.xml depends on ${artifact(missing)}, which ${repoName} does not have. Check its groupId, artifactId and version.`,
      { missing: artifact(missing) },
    );
  }
  const problem =
    /\[ERROR\]\s+(?:The project .*?has \d+ errors?|Failed to execute goal.*?:|Some problems were encountered.*?:)\s*(.*)/.exec(text);
  const last = lines
    .filter((l) => l.startsWith("[ERROR]") && l.trim() !== "[ERROR]")
    .slice(0, 3)
    .map((l) => l.slice(8));
  return new ValidationError(
    `Maven could not resolve the project's dependencies and plugins: ${(problem?.[1] || last.join(" ")).slice(0, 600) || "see the log"}`,
  );
}
