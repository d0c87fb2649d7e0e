// The Maven wrapper (`mvnw` with .mvn/wrapper/maven-wrapper.properties): the build runs the
// Maven distribution the properties name instead of Debian's, but never ./mvnw itself (it would
// download with no checks from wherever it is told). The distribution must come from Maven
// Central or the platform's mirror; it is downloaded with the dependency layer, checked against
// the repository's .sha1 and the properties' distributionSha256Sum, and unpacked into the layer.
import { createHash } from "node:crypto";
import { existsSync, lstatSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ValidationError } from "../../errors.ts";
import { runChecked } from "../../process/run.ts";
import { formatBytes } from "../cache.ts";
import { asUnprivileged, unprivilegedDir } from "../workspace.ts";
import { MAVEN_CENTRAL, type MavenRepository } from "./maven-repository.ts";
import { JDK_HOME } from "./maven-run.ts";
import type { FetchContext } from "./types.ts";

export const WRAPPER_PROPERTIES = ".mvn/wrapper/maven-wrapper.properties";
const MAX_DISTRIBUTION_BYTES = 64 * 1024 * 1024;
const DISTRIBUTION = /^org\/apache\/maven\/apache-maven\/([0-9][0-9A-Za-z.-]*)\/apache-maven-\1-bin\.(zip|tar\.gz)$/;

export interface MavenWrapper {
  version: string;
  /** The path inside a Maven repository: org/apache/maven/apache-maven/<v>/apache-maven-<v>-bin.zip. */
  path: string;
  sha256: string | null;
}

/** A .properties file's keys and values (`\:` and other escapes undone; no line continuations). */
export function parseProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith("!")) continue;
    const m = /^((?:\\.|[^=:\s\\])+)\s*[=:\s]\s*(.*)$/.exec(line);
    if (!m) continue;
    const undoEscapes = (s: string) => s.replace(/\\(.)/g, (_, c: string) => ({ t: "\t", n: "\n", r: "\r" })[c] ?? c);
    out[undoEscapes(m[1] as string)] = undoEscapes(m[2] as string);
  }
  return out;
}

/**
 * The distribution the committed wrapper asks for; null when there is no wrapper. A URL on any
 * other host than Maven Central or the platform's mirror, or anything but an Apache Maven binary
 * distribution, is refused with what to change.
 */
export function mavenWrapper(sourceDir: string, repo: MavenRepository): MavenWrapper | null {
  const file = join(sourceDir, WRAPPER_PROPERTIES);
  if (!existsSync(file) || !lstatSync(file).isFile()) return null;
  const props = parseProperties(readFileSync(file, "utf8"));
  const url = props.distributionUrl?.trim();
  if (!url)
    throw new ValidationError(`${WRAPPER_PROPERTIES} names no distributionUrl. Run 'mvn wrapper:wrapper' and commit .mvn/wrapper/.`);
  const bases = [...new Set([MAVEN_CENTRAL, repo.url])];
  const base = bases.find((b) => url.startsWith(`${b}/`));
  const path = base === undefined ? null : url.slice(base.length + 1);
  const m = path === null ? null : DISTRIBUTION.exec(path);
  if (!m || path === null) {
    const allowed = bases.map((b) => `${b}/org/apache/maven/apache-maven/<version>/apache-maven-<version>-bin.zip`).join(" or ");
    throw new ValidationError(
      `${WRAPPER_PROPERTIES} downloads Maven from ${url}; builds fetch Maven only from ${bases.length > 1 ? "Maven Central or the platform's Maven repository" : "Maven Central"}. Set distributionUrl to ${allowed}.`,
    );
  }
  const sha256 = props.distributionSha256Sum?.trim().toLowerCase() || null;
  if (sha256 !== null && !/^[0-9a-f]{64}$/.test(sha256))
    throw new ValidationError(`${WRAPPER_PROPERTIES}: distributionSha256Sum is not a SHA-256 (64 hex digits).`);
  return { version: m[1] as string, path, sha256 };
}

async function download(url: string, repo: MavenRepository, ctx: FetchContext, maxBytes: number): Promise<Buffer> {
  const headers: Record<string, string> =
    repo.username !== null ? { authorization: `Basic ${Buffer.from(`${repo.username}:${repo.password ?? ""}`).toString("base64")}` } : {};
  const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(ctx.timeoutMs)]);
  const res = await fetch(url, { headers, signal, redirect: "follow" }).catch((err: Error) => {
    throw new ValidationError(`${repo.name} could not be reached for ${url.slice(repo.url.length + 1)}: ${err.message}`);
  });
  if (!res.ok) throw new ValidationError(`${repo.name} answered ${res.status} for ${url.slice(repo.url.length + 1)}.`);
  const body = Buffer.from(await res.arrayBuffer());
  if (body.length > maxBytes) throw new ValidationError(`${url} is ${formatBytes(body.length)}, more than a Maven distribution should be.`);
  return body;
}

/**
 * Downloads and checks the distribution, then unpacks it as the unprivileged user into `dir`
 * (in the layer); the path of its bin/mvn.
 */
export async function fetchWrapperMaven(w: MavenWrapper, repo: MavenRepository, dir: string, ctx: FetchContext): Promise<string> {
  const url = `${repo.url}/${w.path}`;
  ctx.log(`-----> Maven ${w.version} (the committed wrapper's), from ${repo.name}`);
  const [archive, sha1] = await Promise.all([download(url, repo, ctx, MAX_DISTRIBUTION_BYTES), download(`${url}.sha1`, repo, ctx, 1024)]);
  const got1 = createHash("sha1").update(archive).digest("hex");
  const want1 = sha1.toString("utf8").trim().split(/\s+/)[0]?.toLowerCase();
  if (got1 !== want1)
    throw new ValidationError(`Maven ${w.version} as ${repo.name} serves it does not match its .sha1 (expected ${want1}, got ${got1}).`);
  const got256 = createHash("sha256").update(archive).digest("hex");
  if (w.sha256 !== null && got256 !== w.sha256) {
    throw new ValidationError(
      `Maven ${w.version} from ${repo.name} does not match distributionSha256Sum in ${WRAPPER_PROPERTIES} (it says ${w.sha256}, the download is ${got256}).`,
    );
  }
  unprivilegedDir(dir);
  // Beside the layer, not in it: only the unpacked distribution goes into the store.
  const file = join(ctx.workDir, w.path.endsWith(".zip") ? "maven.zip" : "maven.tar.gz");
  writeFileSync(file, archive, { mode: 0o644, flag: "wx" });
  // jar(1) from the JDK: a zip unpacker every machine that builds Java has.
  const [command, args] = w.path.endsWith(".zip") ? [join(JDK_HOME, "bin", "jar"), ["xf", file]] : ["tar", ["-xzf", file]];
  await runChecked(...asUnprivileged(command, args), {
    cwd: dir,
    env: { PATH: ctx.path, HOME: dir },
    signal: ctx.signal,
    timeoutMs: ctx.timeoutMs,
  });
  const home = readdirSync(dir).find((d) => d === `apache-maven-${w.version}`);
  const mvn = home && join(dir, home, "bin", "mvn");
  if (!mvn || !lstatSync(mvn).isFile())
    throw new ValidationError(`Maven ${w.version}'s archive holds no apache-maven-${w.version}/bin/mvn.`);
  return mvn;
}
