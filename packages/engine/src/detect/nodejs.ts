// Node.js: package manager from the lockfile, version from engines.node / .nvmrc /
// .node-version, install/build/test from the lockfile and scripts, and a start command.
import { ValidationError } from "../errors.ts";
import { SourceTree } from "./files.ts";
import { typescriptBuild } from "./node-typescript.ts";
import { type NodeRequest, nodeRequest } from "./node-version.ts";
import { type PackageJson, readPackageJson } from "./package-json.ts";
import type { Framework } from "./plan.ts";
import { shellQuote } from "./shell.ts";
import { staticServerCommand } from "./site-dir.ts";
import { reason, type StackDetection, type StackRule } from "./stack.ts";
import { type ViteApp, viteSinglePageApp } from "./vite.ts";

type NodePackageManager = "npm" | "yarn" | "pnpm";

const LOCKFILES: { file: string; pm: NodePackageManager }[] = [
  { file: "package-lock.json", pm: "npm" },
  { file: "npm-shrinkwrap.json", pm: "npm" },
  { file: "yarn.lock", pm: "yarn" },
  { file: "pnpm-lock.yaml", pm: "pnpm" },
];
const ENTRY_FILES = ["server.js", "index.js", "app.js"];
const NPM_DEFAULT_TEST = 'echo "Error: no test specified" && exit 1';

export const nodejs: StackRule = {
  stack: "nodejs",
  markers: ["package.json"],
  async detect(tree) {
    const pkg = await readPackageJson(tree);
    const d: StackDetection = {
      stack: "nodejs",
      framework: framework(pkg),
      versions: {},
      packageManager: "npm",
      lockfiles: [],
      install: null,
      build: null,
      test: null,
      web: null,
      reasons: [],
      warnings: [],
    };
    const pm = await packageManager(tree, pkg, d);
    d.packageManager = pm;
    await nodeVersion(tree, pkg, d);

    if (pkg.scripts.build !== undefined) {
      d.build = `${pm} run build`;
      d.reasons.push(reason("build", `package.json has a build script: ${pm} run build.`));
    }
    if (pkg.scripts.test !== undefined && pkg.scripts.test !== NPM_DEFAULT_TEST) d.test = `${pm} test`;

    const vite = d.framework === null ? await viteSinglePageApp(tree, pkg) : null;
    if (vite !== null && "spa" in vite) d.framework = "vite";
    if (vite !== null && "notSpa" in vite) d.reasons.push(reason("framework", `${vite.notSpa}.`));
    if (d.framework)
      d.reasons.push(reason("framework", `${FRAMEWORK_NAMES[d.framework]}: ${FRAMEWORK_PACKAGES[d.framework]} is a dependency.`));
    if (vite !== null && "spa" in vite) serveSinglePageApp(vite.spa, d);
    else await startCommand(tree, pkg, pm, d);
    await typescriptBuild(tree, pkg, d);
    return d;
  },
};

const FRAMEWORK_PACKAGES: Partial<Record<Framework, string>> = {
  nestjs: "@nestjs/core",
  nextjs: "next",
  express: "express",
  vite: "vite",
};
const FRAMEWORK_NAMES: Partial<Record<Framework, string>> = { nestjs: "NestJS", nextjs: "Next.js", express: "Express", vite: "Vite" };

function framework(pkg: PackageJson): Framework | null {
  // NestJS first: it runs on Express, and the Nest start rule is the one that matters.
  for (const f of ["nestjs", "nextjs", "express"] as const) {
    if ((FRAMEWORK_PACKAGES[f] as string) in pkg.dependencies) return f;
  }
  return null;
}

async function packageManager(tree: SourceTree, pkg: PackageJson, d: StackDetection): Promise<NodePackageManager> {
  const found: typeof LOCKFILES = [];
  for (const l of LOCKFILES) if (await tree.has(l.file)) found.push(l);
  const named = /^(npm|yarn|pnpm)@(\d[\w.+-]*)$/.exec(pkg.packageManager ?? "");
  const kinds = [...new Set(found.map((l) => l.pm))];
  let pm: NodePackageManager;
  if (kinds.length === 0) {
    pm = "npm";
    d.reasons.push(reason("package manager", "No lockfile (package-lock.json, yarn.lock or pnpm-lock.yaml): npm."));
    d.warnings.push(
      "No lockfile: installs are not reproducible, each build may get different dependency versions. Commit package-lock.json.",
    );
  } else if (kinds.length === 1) {
    pm = kinds[0] as NodePackageManager;
    d.reasons.push(reason("package manager", `${found.map((l) => l.file).join(" and ")} found: ${pm}.`));
  } else if (named && kinds.includes(named[1] as NodePackageManager)) {
    pm = named[1] as NodePackageManager;
    const ignored = found.filter((l) => l.pm !== pm).map((l) => l.file);
    d.reasons.push(reason("package manager", `Several lockfiles; package.json's packageManager names ${pm}.`));
    d.warnings.push(`${ignored.join(" and ")} ignored: packageManager says ${pm}. Delete the lockfiles you do not use.`);
  } else {
    throw new ValidationError(
      `Found ${found.map((l) => l.file).join(" and ")}: SkyPanel cannot tell whether npm, yarn or pnpm installs this app. ` +
        'Delete the lockfiles you do not use, or name one in package.json, e.g. "packageManager": "pnpm@9.15.0".',
    );
  }
  d.lockfiles = ["package.json", ...found.filter((l) => l.pm === pm).map((l) => l.file)];
  if (named && named[1] === pm && pm !== "npm") d.versions[pm] = named[2] as string;
  else if (named && named[1] !== pm)
    d.warnings.push(`package.json's packageManager says ${named[1]}, but the lockfile is ${pm}'s; using ${pm}.`);

  const frozen = found.some((l) => l.pm === pm);
  if (pm === "npm") d.install = frozen ? "npm ci" : "npm install";
  else if (pm === "pnpm") d.install = "pnpm install --frozen-lockfile";
  else {
    await refuseYarnBerry(tree, named?.[1] === "yarn" ? (named[2] as string) : null);
    d.install = "yarn install --frozen-lockfile";
  }
  return pm;
}

/**
 * Yarn 2+ ("Berry": packageManager yarn@2+, a Berry lockfile, .yarnrc.yml, Plug'n'Play) cannot
 * be installed by the platform's bundled Yarn 1, which would fail on its lockfile in a way
 * nobody could read; detection says so first, with the ways out.
 */
async function refuseYarnBerry(tree: SourceTree, namedVersion: string | null): Promise<void> {
  const signs: string[] = [];
  const major = namedVersion === null ? null : Number(namedVersion.split(".")[0]);
  if (major !== null && major >= 2) signs.push(`package.json's packageManager says yarn@${namedVersion}`);
  // A Berry lockfile is YAML with a __metadata entry; Yarn 1's says "yarn lockfile v1".
  const lock = (await tree.readText("yarn.lock")) ?? "";
  if (/^__metadata:/m.test(lock)) signs.push("yarn.lock is a Yarn 2+ lockfile (__metadata)");
  const v1 = /^# yarn lockfile v1/m.test(lock);
  if (major === null && !v1 && (await tree.has(".yarnrc.yml"))) signs.push(".yarnrc.yml (Yarn 2+'s settings) is in the source");
  for (const pnp of [".pnp.cjs", ".pnp.js"]) if (await tree.has(pnp)) signs.push(`${pnp} (Plug'n'Play) is in the source`);
  if (signs.length === 0) return;
  throw new ValidationError(
    `This app uses Yarn 2 or later ("Berry"): ${signs.join("; ")}. SkyPanel installs Yarn projects with its bundled Yarn 1 (1.22), ` +
      "which cannot read a Berry lockfile or install Plug'n'Play. To build here, either switch to npm (delete yarn.lock and .yarnrc.yml, " +
      'run npm install and commit package-lock.json) or pnpm (pnpm import, commit pnpm-lock.yaml), or use Yarn 1 ("packageManager": "yarn@1.22.22" ' +
      "and a lockfile written by Yarn 1). Building with Berry itself needs a Yarn 4 release bundled with the platform (the npm package @yarnpkg/cli-dist).",
  );
}

/** The Node.js version the source asks for (engines.node, .nvmrc, .node-version). */
async function readNodeRequest(tree: SourceTree, pkg: PackageJson): Promise<NodeRequest> {
  const read = async (file: string) => ((await tree.has(file)) ? ((await tree.readText(file, 4096)) ?? "") : null);
  return nodeRequest({ enginesNode: pkg.engineNode, nvmrc: await read(".nvmrc"), nodeVersion: await read(".node-version") });
}

/** The same request, read again by the build when it chooses the Node it runs (builds/deps/node-runtime.ts). */
export async function nodeRequestIn(sourceDir: string): Promise<NodeRequest> {
  const tree = await SourceTree.open(sourceDir);
  return readNodeRequest(tree, await readPackageJson(tree));
}

async function nodeVersion(tree: SourceTree, pkg: PackageJson, d: StackDetection): Promise<void> {
  const request = await readNodeRequest(tree, pkg);
  d.versions.node = request.version;
  d.reasons.push(reason("version", `Node.js ${request.version} from ${request.from}.`));
}

/** A Vite single-page app: the build's output, served by SkyPanel's static server in SPA mode. */
function serveSinglePageApp(app: ViteApp, d: StackDetection): void {
  d.web = staticServerCommand(app.outDir, true);
  const what = app.library === null ? "a single-page app" : `a ${app.library} single-page app`;
  d.reasons.push(
    reason(
      "start",
      `${d.web}: vite found and a build script, no start script: ${what}, served from ${app.outDir}/ (${app.outDirFrom}) ` +
        "with SPA fallback (a path that is no file gets index.html) and long-lived caching of hashed assets.",
    ),
  );
  d.warnings.push(...app.warnings);
}

async function startCommand(tree: SourceTree, pkg: PackageJson, pm: NodePackageManager, d: StackDetection): Promise<void> {
  const start = (command: string, why: string) => {
    d.web = command;
    d.reasons.push(reason("start", `${command}: ${why}.`));
  };
  if (d.framework === "nestjs")
    return start("node dist/main", "NestJS's own start script runs the Nest CLI, a development tool; the compiled app is dist/main.js");
  if (pkg.scripts.start !== undefined) return start(`${pm} start`, "package.json has a start script");
  if (d.framework === "nextjs") return start("next start -p $PORT", "Next.js app without a start script");
  if (pkg.main !== null) {
    if (d.build !== null || (await tree.isFile(pkg.main)))
      return start(`node ${shellQuote(pkg.main)}`, "no start script; package.json's main");
    d.warnings.push(`package.json's main is ${pkg.main}, which does not exist and no build script makes it.`);
  }
  for (const file of ENTRY_FILES) {
    if (await tree.isFile(file)) return start(`node ${file}`, `no start script or main; ${file} exists`);
  }
  d.noWeb = `package.json has no start script and no main, and there is no ${ENTRY_FILES.join(", ")}`;
}
