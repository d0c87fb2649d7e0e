// The docker stack on SkyPanel's own toolchains: a Dockerfile FROM node, python or golang is
// built by buildpacks/docker.nix without a Docker engine. This file decides, before the build,
// what of the Dockerfile can be honoured (the base images, the dependency installs the engine
// fetches for it) and names what cannot.
import { existsSync } from "node:fs";
import { join } from "node:path";
import {
  type DockerStage,
  dockerStages,
  expandVariables,
  type ImageToolchain,
  imageToolchain,
  SUPPORTED_IMAGES,
} from "../../detect/index.ts";
import type { BuildPlan, PackageManager } from "../../detect/plan.ts";
import { ValidationError } from "../../errors.ts";
import { namedModules, unvendoredModules } from "./go.ts";
import { nodeDependencies } from "./node.ts";
import type { DependencyFetcher } from "./types.ts";

type NodeManager = "npm" | "yarn" | "pnpm";
// Dependency installs a RUN line may hold; the build's shell maps each to the fetched layer.
const NODE_INSTALLS: [NodeManager, RegExp][] = [
  ["npm", /(?:^|[\s;&|(])npm\s+(?:ci|install|i|clean-install)(?=$|[\s;&|)])/m],
  ["pnpm", /(?:^|[\s;&|(])pnpm\s+(?:install|i)(?=$|[\s;&|)])/m],
  ["yarn", /(?:^|[\s;&|(])yarn(?:\s+install)?(?:\s+--?[\w-]+(?:=\S+)?)*\s*(?:$|;|&&|\|\||\))/m],
];
const LOCKFILES: Record<NodeManager, string> = { npm: "package-lock.json", yarn: "yarn.lock", pnpm: "pnpm-lock.yaml" };
// A WORKDIR of "/" ships the whole image; these first path segments are the machine's, not the app's.
const SYSTEM_DIRS = new Set(["bin", "sbin", "usr", "lib", "lib64", "etc", "opt", "tmp", "dev", "proc", "sys", "var", "nix", "run"]);

/** The toolchain a FROM image stands for, or a clear error naming it. */
function toolchainOf(image: string): ImageToolchain {
  const toolchain = imageToolchain(image);
  if (toolchain === null) {
    throw new ValidationError(
      `The Dockerfile builds FROM ${image}, which SkyPanel cannot build: there is no Docker engine or image registry here, so a Dockerfile runs on the platform's own toolchains and its images must be ${SUPPORTED_IMAGES} (or a stage of the same Dockerfile).`,
    );
  }
  return toolchain;
}

/** The final stage's WORKDIR, where the app ends up (expanded with its ENV and ARG values). */
function finalWorkdir(stages: DockerStage[]): string {
  const chain: DockerStage[] = [];
  for (let s: DockerStage | undefined = stages.at(-1); s; s = s.parent === null ? undefined : stages[s.parent]) chain.unshift(s);
  const vars: Record<string, string> = {};
  let dir = "/";
  for (const i of chain.flatMap((s) => s.instructions)) {
    if (i.op === "ARG") vars[i.name] = i.default === null ? (vars[i.name] ?? "") : expandVariables(i.default, vars);
    if (i.op === "ENV") for (const [k, v] of Object.entries(i.vars)) vars[k] = expandVariables(v, vars);
    if (i.op === "WORKDIR") {
      const path = expandVariables(i.path, vars);
      dir = path.startsWith("/") ? path : `${dir.replace(/\/$/, "")}/${path}`;
    }
  }
  return dir.replace(/\/+$/, "") || "/";
}

/** A start command whose words name the app's files by their image path, made relative to the app. */
function relativeToApp(command: string, workdir: string): string {
  if (workdir === "/") {
    return command.replace(/(^|[\s'"=])\/([^\s'"/]+)/g, (whole, before: string, first: string) =>
      SYSTEM_DIRS.has(first) ? whole : `${before}./${first}`,
    );
  }
  const escaped = workdir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return command.replace(new RegExp(`(^|[\\s'"=])${escaped}(?=/|$|[\\s'"])/?`, "g"), "$1./");
}

function nodeInstalls(stages: DockerStage[]): { pm: NodeManager; command: string }[] {
  const found: { pm: NodeManager; command: string }[] = [];
  for (const i of stages.flatMap((s) => s.instructions)) {
    if (i.op !== "RUN") continue;
    for (const [pm, pattern] of NODE_INSTALLS) if (pattern.test(i.command)) found.push({ pm, command: i.command });
  }
  return found;
}

/**
 * The docker buildpack's plan: every base image checked, the dependency install it will map to
 * the fetched layer recorded (packageManager, install, lockfiles), and a start command that
 * names the app's files relative to the app directory (the final WORKDIR).
 */
export function dockerPlan(plan: BuildPlan, sourceDir: string): BuildPlan {
  const instructions = plan.dockerfile?.instructions;
  if (!instructions) throw new ValidationError("The docker stack needs a parsed Dockerfile in the plan.");
  const stages = dockerStages(instructions);
  for (const s of stages) if (s.parent === null) toolchainOf(s.image);

  const next: BuildPlan = { ...plan, reasons: [...plan.reasons], warnings: [...plan.warnings] };
  const installs = nodeInstalls(stages);
  const managers = [...new Set(installs.map((i) => i.pm))];
  if (managers.length > 1) {
    throw new ValidationError(
      `The Dockerfile installs Node dependencies with ${managers.join(" and ")}; SkyPanel fetches one dependency layer per build, so use one package manager.`,
    );
  }
  const pm = managers[0];
  if (pm !== undefined) {
    if (!existsSync(join(sourceDir, "package.json"))) {
      throw new ValidationError(
        `The Dockerfile runs ${pm} install, but there is no package.json at the top of the source: SkyPanel fetches the dependencies of that package.json before the build.`,
      );
    }
    next.packageManager = pm satisfies PackageManager;
    next.install = installs[0]?.command ?? null;
    next.lockfiles = [...plan.lockfiles, "package.json", ...(existsSync(join(sourceDir, LOCKFILES[pm])) ? [LOCKFILES[pm]] : [])];
    next.reasons.push({
      topic: "dependencies",
      reason: `RUN ${next.install}: SkyPanel fetches package.json's dependencies with ${pm} before the build (no install scripts), then the build puts them in place and runs their install scripts offline.`,
    });
  }

  const workdir = finalWorkdir(stages);
  const fromProcfile = plan.reasons.some((r) => r.topic === "start" && r.reason.startsWith("web from the Procfile"));
  const web = plan.processes.web;
  if (web !== undefined && !fromProcfile) {
    const relative = relativeToApp(web, workdir);
    if (relative !== web) {
      next.processes = { ...plan.processes, web: relative };
      next.reasons.push({
        topic: "start",
        reason: `${relative}: the app's files are named relative to the app directory (WORKDIR ${workdir}).`,
      });
    }
  }
  return next;
}

/**
 * The Node dependency layer for a Dockerfile that installs with npm, yarn or pnpm; else none.
 * A golang image runs its RUN lines offline with no module layer, so go.mod's requirements
 * must be vendored; the Go buildpack (without the Dockerfile) fetches them instead.
 */
export function dockerDependencies(plan: BuildPlan, sourceDir: string): DependencyFetcher | null {
  const stages = dockerStages(plan.dockerfile?.instructions ?? []);
  const golang = stages.find((s) => s.parent === null && toolchainOf(s.image) === "go");
  const missing = golang ? unvendoredModules(sourceDir) : [];
  if (golang && missing.length > 0) {
    throw new ValidationError(
      `The Dockerfile builds FROM ${golang.image}, and go.mod requires ${namedModules(missing)}, which a Dockerfile's RUN lines cannot download here (they run offline). Run 'go mod vendor' and commit vendor/, or remove the Dockerfile: the Go buildpack downloads modules through the Go module proxy.`,
    );
  }
  return ["npm", "yarn", "pnpm"].includes(plan.packageManager) ? nodeDependencies : null;
}
