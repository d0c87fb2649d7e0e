// Java's dependency layer: a Maven local repository holding what the project's `package` needs
// (its dependencies, test scope included since -DskipTests still compiles the tests, and the
// plugins of its build with their own dependencies), fetched by the unprivileged user from Maven
// Central or the platform's mirror, checked against each file's .sha1. Keyed by the pom.xml files
// and the wrapper's properties, so a change to the code alone reuses it. The sandboxed build
// (buildpacks/java.nix) runs `mvn -o` on a writable copy of it, with no network.
//
// What is resolved, and why not `dependency:go-offline`: go-offline (maven-dependency-plugin
// 3.8) collects the dependency graph itself and ignores the project's dependencyManagement for
// transitive dependencies, so a Spring Boot app got micrometer-observation 1.14 where the build
// wants the 1.15 its parent manages, and the offline build failed. Instead:
//   - `dependency:resolve` asks Maven itself to resolve the project (the mojo requires test-scope
//     resolution), which is exactly the resolution the build does;
//   - `dependency:resolve-plugins` resolves the build's plugins and their dependencies;
//   - plexus-utils 1.1, which Maven 3.8 adds to every plugin that does not depend on plexus-utils
//     itself (surefire 3.5, for one) and which no plugin's pom names.
// Checked by building the Spring Boot fixture offline from this layer (java-deps.test.ts).
//
// What runs where: only Maven and maven-dependency-plugin, on copies of the pom.xml files alone
// (no source, no .mvn/extensions.xml or .mvn/maven.config), so no plugin execution the pom binds
// (exec-maven-plugin, antrun) runs with the network. A plugin the pom marks <extensions>true</…>
// is still loaded by Maven while it reads the project: code from the repository, run as the
// unprivileged user.
import { existsSync, lstatSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BuildPlan } from "../../detect/plan.ts";
import { ValidationError } from "../../errors.ts";
import { runChecked } from "../../process/run.ts";
import { cacheKey, formatBytes, hashFiles, MAX_LAYER_BYTES, treeBytes } from "../cache.ts";
import type { BuildNetwork } from "../network.ts";
import { asUnprivileged, copyForUnprivileged, unprivilegedDir } from "../workspace.ts";
import { type MavenRepository, mavenRepository, mavenSettings } from "./maven-repository.ts";
import { DEBIAN_MAVEN, type MavenRun, runMaven } from "./maven-run.ts";
import { fetchWrapperMaven, mavenWrapper, WRAPPER_PROPERTIES } from "./maven-wrapper.ts";
import type { DependencyFetcher, FetchContext } from "./types.ts";

/** The most a layer may hold: past it the fetch stops instead of filling the disk further. */
export /** maven-dependency-plugin, pinned: the goals below behave as described for this version. */
const DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1";
const SKIPPED_DIRS = new Set([".git", "target", "node_modules", ".mvn", "src"]);

/** The pom.xml files of the source (the project and its modules), never through a link; relative paths. */
export function pomFiles(sourceDir: string, dir = "", depth = 0): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(join(sourceDir, dir), { withFileTypes: true })) {
    const rel = dir ? join(dir, entry.name) : entry.name;
    if (entry.isFile() && entry.name === "pom.xml") found.push(rel);
    else if (entry.isDirectory() && depth < 6 && !SKIPPED_DIRS.has(entry.name)) found.push(...pomFiles(sourceDir, rel, depth + 1));
  }
  return found.sort();
}

/** The artifactIds the project's own pom.xml files declare (outside parent, dependencies, build…). */
export function moduleArtifactIds(sourceDir: string): Set<string> {
  const ids = new Set<string>();
  for (const f of pomFiles(sourceDir)) {
    const own = readFileSync(join(sourceDir, f), "utf8")
      .replace(/<!--[\s\S]*?-->/g, "")
      .replace(/<(parent|dependencies|dependencyManagement|build|profiles|plugins|reporting)>[\s\S]*?<\/\1>/g, "");
    const id = /<artifactId>\s*([^<\s]+)\s*<\/artifactId>/.exec(own)?.[1];
    if (id) ids.add(id);
  }
  return ids;
}

/**
 * A module that depends on another module of the same build cannot be resolved without building
 * that module, which the fetch never does: said as such rather than as a missing artifact.
 */
function reactorDependency(err: unknown, sourceDir: string): ValidationError | null {
  const missing = err instanceof ValidationError ? err.details.missing : undefined;
  if (typeof missing !== "string" || !moduleArtifactIds(sourceDir).has(missing.split(":")[1] ?? "")) return null;
  return new ValidationError(
    `${missing} is a module of this project, which another module depends on: SkyPanel cannot fetch the dependencies of a multi-module Maven build whose modules depend on each other yet (Maven resolves such a module only by building it, and the fetch runs none of the build). Build the app as a single module.`,
  );
}

/** The files the layer depends on: the pom.xml files and the wrapper's properties. */
function layerInputs(sourceDir: string): string[] {
  const wrapper = join(sourceDir, WRAPPER_PROPERTIES);
  return [...pomFiles(sourceDir), ...(existsSync(wrapper) && lstatSync(wrapper).isFile() ? [WRAPPER_PROPERTIES] : [])];
}

/** Copies the pom.xml files where the unprivileged user may read them (and Maven write beside them). */
function copyPoms(sourceDir: string, project: string) {
  copyForUnprivileged(sourceDir, project, pomFiles(sourceDir));
}

/** The bytes under a directory the unprivileged user filled, links not followed. */
/** Removes, as the unprivileged user, what only the download needed: where each file came from, failed-download markers. */
async function pruneRepository(ctx: FetchContext, repository: string) {
  const names = ["-name", "_remote.repositories", "-o", "-name", "*.lastUpdated", "-o", "-name", "resolver-status.properties"];
  await runChecked(...asUnprivileged("find", [repository, "(", ...names, ")", "-delete"]), {
    env: { PATH: ctx.path },
    signal: ctx.signal,
    timeoutMs: 60_000,
  });
}

/**
 * The layer: <layer>/repository, a local repository, and <layer>/maven/apache-maven-<v>/ when
 * the app commits a wrapper. The offline build reads each artifact as locally installed: the
 * files recording the repository it came from are removed (Maven would otherwise want that
 * repository's id in the build's settings too).
 */
async function fetchLayer(sourceDir: string, repo: MavenRepository, ctx: FetchContext): Promise<string> {
  const deadline = Date.now() + ctx.timeoutMs;
  unprivilegedDir(ctx.workDir);
  const project = join(ctx.workDir, "project");
  copyPoms(sourceDir, project);
  const home = join(ctx.workDir, "home");
  unprivilegedDir(home);
  const layer = join(ctx.workDir, "layer");
  unprivilegedDir(layer);
  const repository = join(layer, "repository");
  unprivilegedDir(repository);
  const settings = join(ctx.workDir, "settings.xml");
  writeFileSync(settings, mavenSettings(repo, repository), { mode: 0o644, flag: "wx" });

  const wrapper = mavenWrapper(sourceDir, repo);
  const mvn = wrapper ? await fetchWrapperMaven(wrapper, repo, join(layer, "maven"), ctx) : DEBIAN_MAVEN;
  const run: MavenRun = { cwd: project, home, mvn, settings, localRepository: repository, repo, deadline };
  ctx.log(`-----> Maven: the project's dependencies and build plugins from ${repo.name}, checked against their .sha1`);
  await runMaven(ctx, run, [
    `${DEPENDENCY_PLUGIN}:resolve`,
    `${DEPENDENCY_PLUGIN}:resolve-plugins`,
    `${DEPENDENCY_PLUGIN}:get`,
    "-Dartifact=org.codehaus.plexus:plexus-utils:1.1",
  ]).catch((err) => {
    throw reactorDependency(err, sourceDir) ?? err;
  });
  await pruneRepository(ctx, repository);
  const bytes = treeBytes(layer);
  if (bytes > MAX_LAYER_BYTES) {
    throw new ValidationError(
      `The Java dependencies come to ${formatBytes(bytes)}, more than the ${formatBytes(MAX_LAYER_BYTES)} a build may fetch.`,
    );
  }
  ctx.log(`-----> local repository ready (${formatBytes(bytes)})`);
  return layer;
}

const mavenLayer = (repo: MavenRepository): DependencyFetcher => ({
  key(_plan, sourceDir, toolchainId) {
    const files = hashFiles(layerInputs(sourceDir), (f) => readFileSync(join(sourceDir, f)));
    return cacheKey({ v: 1, stack: "java", toolchainId, arch: process.arch, files });
  },
  fetch: (_plan, sourceDir, ctx) => fetchLayer(sourceDir, repo, ctx),
});

/** Java's dependency step: the Maven layer (Gradle apps never get here: javaPlan refuses them). */
export function javaDependencies(plan: BuildPlan, sourceDir: string, network: BuildNetwork): DependencyFetcher | null {
  if (plan.packageManager !== "maven") return null;
  const repo = mavenRepository(network);
  // Checked here too, before anything is fetched: a wrapper pointing elsewhere is refused.
  mavenWrapper(sourceDir, repo);
  return existsSync(join(sourceDir, "pom.xml")) ? mavenLayer(repo) : null;
}
