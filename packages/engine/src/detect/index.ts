// Stack detection: reads an app's source (never runs it) and decides the build plan.
//
// Precedence, when several stacks match: the first of STACK_RULES wins.
//   1. Dockerfile: it says exactly how to build; whatever else is there, the author chose it.
//      Unless it builds FROM an image the platform cannot honour (heroku/heroku:24-build…) and
//      another stack's manifest is beside it: then that stack builds, with a warning naming the
//      image (such Dockerfiles usually run a buildpack on the same source).
//   2. Ruby, Python, PHP, Java, Go, Rust: a server language's own manifest.
//   3. Node.js: a package.json next to another language's manifest is usually that app's asset
//      toolchain (Rails, Django and Laravel all ship one), so it yields to them.
//   4. A lone main.go: Go without go.mod.
//   5. Static: only when nothing else matched.
// The plan's reasons say which rule won; its warnings name what was found and not used.
import { ValidationError } from "../errors.ts";
import { appJsonHints } from "./app-json.ts";
import { docker } from "./docker.ts";
import { SUPPORTED_IMAGES, unsupportedImages } from "./docker-images.ts";
import { UnknownStackError } from "./errors.ts";
import { SourceTree } from "./files.ts";
import { go, goWithoutModule } from "./go.ts";
import { java } from "./java.ts";
import { nodejs } from "./nodejs.ts";
import { php } from "./php.ts";
import type { BuildPlan } from "./plan.ts";
import { parseProcfile } from "./procfile.ts";
import { python } from "./python.ts";
import { ruby } from "./ruby.ts";
import { rust } from "./rust.ts";
import { reason, type StackDetection, type StackRule } from "./stack.ts";
import { staticSite } from "./static.ts";
import { HOST_TOOLCHAINS, type PlatformToolchains } from "./versions.ts";

export {
  type DockerStage,
  dockerStages,
  expandVariables,
  type ImageToolchain,
  imageToolchain,
  SUPPORTED_IMAGES,
  unsupportedImages,
} from "./docker-images.ts";
export { parseDockerfile } from "./dockerfile.ts";
export { InvalidSourceFileError, UnknownStackError } from "./errors.ts";
export { MAX_FILE_BYTES } from "./files.ts";
export { type NodeChoice, type NodeRequest, newestMatching, platformNode } from "./node-version.ts";
export { type NodeWorkspace, workspaceContaining } from "./node-workspace.ts";
export { nodeRequestIn } from "./nodejs.ts";
export type { BuildPlan, DockerInstruction, Framework, PackageManager, Stack } from "./plan.ts";
export { FRAMEWORKS, STACKS } from "./plan.ts";
export { MAX_PROCESS_TYPES, PROCESS_TYPE_RULE, parseProcfile } from "./procfile.ts";
export { STATIC_SERVER } from "./site-dir.ts";
export { DEFAULT_VERSIONS, HOST_TOOLCHAINS, type PlatformToolchains } from "./versions.ts";
export { detectWorkspaceMember, refuseWorkspaceRoot } from "./workspace-plan.ts";

/** The port an app is told to listen on when its source names none (Heroku's habit). */
export const DEFAULT_PORT = 5000;

export const STACK_RULES: readonly StackRule[] = [docker, ruby, python, php, java, go, rust, nodejs, goWithoutModule, staticSite];

const STACK_NAMES: Record<string, string> = {
  docker: "Dockerfile",
  ruby: "Ruby",
  python: "Python",
  php: "PHP",
  java: "Java",
  go: "Go",
  rust: "Rust",
  nodejs: "Node.js",
  static: "static site",
};

interface Match {
  rule: StackRule;
  marker: string;
}

/** `platform`: the toolchain versions builds run with, which requested versions are checked against. */
export async function detectBuildPlan(sourceDir: string, platform: PlatformToolchains = HOST_TOOLCHAINS): Promise<BuildPlan> {
  const tree = await SourceTree.open(sourceDir);
  const matches: Match[] = [];
  for (const rule of STACK_RULES) {
    if (rule === staticSite && matches.length > 0) break;
    if (matches.some((m) => m.rule.stack === rule.stack)) continue;
    for (const marker of rule.markers) {
      if (await tree.has(marker)) {
        matches.push({ rule, marker });
        break;
      }
    }
  }
  const procfileText = await tree.readText("Procfile");
  if (!matches[0])
    throw new UnknownStackError(
      STACK_RULES.flatMap((r) => r.markers),
      procfileText !== null,
    );

  const reasons: BuildPlan["reasons"] = [];
  const warnings: string[] = [];
  const hints = await appJsonHints(
    tree,
    matches.map((m) => m.rule.stack),
  );
  // app.json's buildpacks choose among the stacks the source has: that one goes first.
  const hinted = matches.findIndex((m) => m.rule.stack === hints.preferred);
  if (hinted > 0) matches.unshift(...matches.splice(hinted, 1));
  reasons.push(...hints.reasons);
  warnings.push(...hints.warnings);
  let found = await matches[0].rule.detect(tree, matches[0].marker, platform);
  const fallback = await setDockerfileAside(tree, found, matches, platform);
  if (fallback) {
    matches.shift();
    found = fallback.found;
    reasons.push(reason("stack", fallback.why));
    warnings.push(fallback.warning);
  }
  const [chosen, ...others] = matches as [Match, ...Match[]];
  reasons.push(reason("stack", `${chosen.marker} found: ${STACK_NAMES[found.stack]}.`));
  if (others.length > 0) {
    const also = others.map((o) => `${o.marker} (${STACK_NAMES[o.rule.stack]})`).join(", ");
    reasons.push(
      reason(
        "precedence",
        hinted > 0
          ? `Also found ${also}. ${STACK_NAMES[found.stack]} wins: app.json's buildpacks name it.`
          : `Also found ${also}. ${STACK_NAMES[found.stack]} wins: a Dockerfile comes first, then a server language's manifest, then package.json, then a static site.`,
      ),
    );
    warnings.push(`${also} ignored: this app builds as ${STACK_NAMES[found.stack]}. Remove the file if that is not what you meant.`);
  }
  reasons.push(...found.reasons);
  warnings.push(...found.warnings);

  const { processes, release } = processTypes(found, procfileText, reasons, warnings);
  const port = found.port ?? DEFAULT_PORT;
  if (found.port === undefined) reasons.push(reason("port", `port ${DEFAULT_PORT}, the default; the app must listen on $PORT.`));

  const plan: BuildPlan = {
    stack: found.stack,
    framework: found.framework,
    versions: found.versions,
    packageManager: found.packageManager,
    lockfiles: found.lockfiles,
    install: found.install,
    build: found.build,
    test: found.test,
    processes,
    release,
    port,
    reasons,
    warnings,
  };
  if (found.dockerfile) plan.dockerfile = found.dockerfile;
  return plan;
}

/**
 * The next stack's detection when the Dockerfile that won builds FROM images the platform
 * cannot honour and another stack's manifest is beside it; null otherwise.
 */
async function setDockerfileAside(
  tree: SourceTree,
  found: StackDetection,
  matches: Match[],
  platform: PlatformToolchains,
): Promise<{ found: StackDetection; why: string; warning: string } | null> {
  const [dockerfile, native] = matches;
  const images = found.dockerfile ? unsupportedImages(found.dockerfile.instructions) : [];
  if (!dockerfile || !native || images.length === 0) return null;
  const next = await native.rule.detect(tree, native.marker, platform);
  const from = images.join(" and ");
  return {
    found: next,
    why: `${dockerfile.marker} set aside: it builds FROM ${from}, which SkyPanel cannot build (no Docker engine or image registry here; its images must be ${SUPPORTED_IMAGES}), and ${native.marker} is beside it.`,
    warning: `The ${dockerfile.marker} was not used: it builds FROM ${from}, which SkyPanel cannot build. This app builds as ${STACK_NAMES[next.stack]} from ${native.marker} instead; base the ${dockerfile.marker} on ${SUPPORTED_IMAGES} to use it, or remove it.`,
  };
}

/** The stack's default web, overridden and extended by the Procfile; `release` is set apart. */
function processTypes(
  found: StackDetection,
  procfileText: string | null,
  reasons: BuildPlan["reasons"],
  warnings: string[],
): { processes: Record<string, string>; release: string | null } {
  const entries = procfileText === null ? {} : parseProcfile(procfileText);
  const { release = null, ...declared } = entries;
  const web = declared.web ?? found.web;
  // The stack's worker is its guess at the app's one entry; a Procfile that declares any process says instead.
  const worker = found.worker !== undefined && Object.keys(declared).length === 0 ? found.worker : null;
  if (worker !== null) {
    warnings.push(
      `${worker} runs as a worker process, with no route: ${found.noWeb ?? "it is not a web server"}. If it serves HTTP on $PORT, add a Procfile with "web: ${worker}".`,
    );
  }
  // Built with fromEntries so that a process type named like an Object property stays an entry.
  const processes: Record<string, string> = Object.fromEntries([
    ...(web === undefined || web === null ? [] : [["web", web] as const]),
    ...(worker === null ? [] : [["worker", worker] as const]),
    ...Object.entries(declared).filter(([name]) => name !== "web"),
  ]);

  if (declared.web !== undefined) {
    const instead = found.web !== null && found.web !== declared.web ? ` (instead of the default ${found.web})` : "";
    reasons.push(reason("start", `web from the Procfile: ${declared.web}${instead}.`));
  }
  const extra = Object.keys(declared).filter((n) => n !== "web");
  if (extra.length > 0) reasons.push(reason("processes", `Also from the Procfile: ${extra.join(", ")}.`));
  if (release !== null) reasons.push(reason("release", `release from the Procfile: ${release} runs once before each release goes live.`));

  if (processes.web === undefined && Object.keys(processes).length > 0) {
    reasons.push(
      reason(
        "start",
        `No web process (${found.noWeb ?? "none declared"}): the app gets no route, only ${Object.keys(processes).join(", ")}.`,
      ),
    );
  }
  if (Object.keys(processes).length === 0) {
    throw new ValidationError(
      `Could not find how to start this app: ${found.noWeb ?? "the stack has no default start command"}. ` +
        'Add a Procfile with a line like "web: <command that listens on $PORT>".',
    );
  }
  return { processes, release };
}
