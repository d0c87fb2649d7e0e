import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Build, BuildStage, BuildStageName, Database } from "@skypanel/db";
import { findAppById, findBuildById, updateBuild } from "@skypanel/db/queries";
import { detectBuildPlan, detectWorkspaceMember, refuseWorkspaceRoot } from "../detect/index.ts";
import type { BuildPlan } from "../detect/plan.ts";
import type { EventBus } from "../events/bus.ts";
import { JobInterruptedError } from "../jobs/index.ts";
import type { OutboundPolicy } from "../net/index.ts";
import { BUILDPACKS_DIR, type NixEnv, nixBuild, pathInfo } from "../nix/index.ts";
import { CommandAbortedError } from "../process/run.ts";
import { exportTree, extractArchive, fetchGit } from "../sources/index.ts";
import type { Tracing } from "../tracing/index.ts";
import { cachedLayer, formatBytes, type Layer } from "./cache.ts";
import { dockerDependencies, dockerPlan } from "./deps/docker.ts";
import { goDependencies } from "./deps/go.ts";
import { javaPlan } from "./deps/java.ts";
import { javaDependencies } from "./deps/maven.ts";
import { nodeDependencies } from "./deps/node.ts";
import { chooseNode } from "./deps/node-runtime.ts";
import { phpDependencies, phpPlan } from "./deps/php.ts";
import { pythonDependencies } from "./deps/python.ts";
import { rubyDependencies, rubyPlan } from "./deps/ruby.ts";
import { rustDependencies } from "./deps/rust.ts";
import { staticPlan } from "./deps/static.ts";
import type { DependencyFetcher, RuntimeChooser } from "./deps/types.ts";
import { BuildLog } from "./log.ts";
import { type BuildNetwork, networkEnv } from "./network.ts";
import type { RemoteLayerCache } from "./remote-cache.ts";
import { useRootDirectoryOrWorkspace } from "./root-directory.ts";
import { DEFAULT_SCAN_SETTINGS, type RunningScan, type ScanSettings, scanBuildDependencies } from "./scan/index.ts";
import { StageTracker } from "./stages.ts";
import { packageManagerTools } from "./tools.ts";
import { buildWorkspace, unprivilegedDir } from "./workspace.ts";

export interface PipelineDeps {
  db: Database;
  nix: NixEnv;
  bus: EventBus;
  home: string;
  /** Where unprivileged dependency work happens (work-root.ts): reachable by `nobody`. */
  workRoot: string;
  /** Bare repositories that `git push` writes to. */
  reposDir: string;
  stepTimeoutMs: number;
  /** Let builds fetch file:// and local-path git sources: for tests, never for users. */
  allowLocalGit: boolean;
  /** A shared second tier for dependency layers (S3 API), when configured. */
  remoteCache: RemoteLayerCache | null;
  /** The registries, proxy and TLS trust dependency fetches and git sources use. */
  network: BuildNetwork;
  /** Each build is a trace, each stage a span (kept for the dashboard's waterfall; exported when set). */
  tracing?: Tracing;
  /** Vulnerability scanning of the locked dependencies (default: the public advisory sources; null: off). */
  vulnerabilityScan?: ScanSettings | null;
  /** What git sources may resolve to (default: public addresses only). */
  outbound?: OutboundPolicy;
}

/** The job payload of a build. */
export interface BuildJobPayload {
  buildId: string;
  appName: string;
  /** For archive builds: the uploaded file, moved here by the API. */
  uploadPath?: string;
}

interface Buildpack {
  file: string;
  /**
   * The dependency layer the engine fetches before the sandboxed build (null: none). Runs as the
   * dependencies stage, so it may throw a clear error about dependencies the build cannot get.
   */
  deps(plan: BuildPlan, sourceDir: string, network: BuildNetwork): DependencyFetcher | null;
  /** What the buildpack makes of the detected plan (the commands it really runs), or a clear error. */
  plan?(plan: BuildPlan, sourceDir: string, network: BuildNetwork): BuildPlan;
  /**
   * The runtime the app asks for (Node.js from engines.node…): chosen in the detect stage, so the
   * stored plan says which and why; fetched in the dependencies stage as a cached layer of its own
   * when the platform's own will not do, and handed to the buildpack as `runtime`.
   */
  runtime?: RuntimeChooser;
}

/** The stacks with a buildpack in buildpacks/, and how each gets its dependency layer. */
const BUILDPACKS: Partial<Record<BuildPlan["stack"], Buildpack>> = {
  nodejs: { file: "nodejs.nix", deps: () => nodeDependencies, runtime: chooseNode },
  python: { file: "python.nix", deps: pythonDependencies },
  go: { file: "go.nix", deps: goDependencies },
  rust: { file: "rust.nix", deps: rustDependencies },
  java: { file: "java.nix", deps: javaDependencies, plan: javaPlan },
  php: { file: "php.nix", deps: phpDependencies, plan: phpPlan },
  ruby: { file: "ruby.nix", deps: rubyDependencies, plan: rubyPlan },
  static: { file: "static.nix", deps: () => null, plan: staticPlan },
  docker: { file: "docker.nix", deps: dockerDependencies, plan: dockerPlan },
};

export class BuildFailedError extends Error {}

const STAGE_MARKER = /@@skypanel stage (dependencies|build|tests|artifact)/;
// Printed by a buildpack that drops development dependencies: full and pruned sizes in bytes.
const DEV_DEPS_MARKER = /@@skypanel dev-deps (\d+) (\d+)/;
// Printed by a buildpack that knows why it failed: the build's error, in words for the user.
const ERROR_MARKER = /^@@skypanel error (.+)/;

/** Runs one build from its source to a store path, recording every stage on the build row. */
export async function runBuild(p: PipelineDeps, payload: BuildJobPayload, signal: AbortSignal): Promise<{ storePath: string }> {
  const build = await findBuildById(p.db, payload.buildId);
  if (!build) throw new BuildFailedError(`build ${payload.buildId} no longer exists`);
  const ws = buildWorkspace(p.home, p.workRoot, build.id);
  const started = performance.now();
  const trace = p.tracing?.subject("build", {
    "skypanel.app.id": build.appId,
    "skypanel.app.name": payload.appName,
    "skypanel.build.id": build.id,
    "skypanel.build.number": build.number,
    "skypanel.build.source": build.sourceType,
  });
  const log = new BuildLog(ws.log, (line) =>
    p.bus.publish({ type: "build.log", appId: build.appId, buildId: build.id, line: line.n, text: line.text }),
  );
  const stages = new StageTracker(async (list: BuildStage[], current: BuildStageName | null) => {
    await updateBuild(p.db, build.id, { stages: list });
    p.bus.publish({ type: "build.updated", appId: build.appId, buildId: build.id, status: "running", stage: current });
  }, trace);
  const say = (line: string) => log.write(line);

  await updateBuild(p.db, build.id, { status: "running", startedAt: new Date(), toolchainId: p.nix.toolchain.id, error: null });
  p.bus.publish({ type: "build.updated", appId: build.appId, buildId: build.id, status: "running", stage: null });
  if (log.lines > 0) say("-----> the control plane restarted during this build; starting it again");
  let scan: RunningScan | null = null;

  try {
    rmSync(ws.source, { recursive: true, force: true });
    const rootDirectory = (await findAppById(p.db, build.appId))?.rootDirectory ?? null;
    // Set when the root directory is a member of a Node workspace: the whole workspace is the source.
    let workspace: Awaited<ReturnType<typeof useRootDirectoryOrWorkspace>> = null;
    await stages.run("fetch", async () => {
      const fetched = await fetchSource(p, build, payload, ws.source, say, signal);
      if (rootDirectory) {
        say(`-----> root directory ${rootDirectory}`);
        workspace = await useRootDirectoryOrWorkspace(ws.source, rootDirectory);
        if (workspace) say(`       a member of the ${workspace.workspace.tool} workspace there: building in the whole workspace`);
      }
      return fetched;
    });

    // What a step that runs npm as the unprivileged user needs (the runtime choice, the fetches).
    const npmCache = join(p.workRoot, "cache", "npm");
    const npmWork = () => {
      unprivilegedDir(npmCache);
      return { workDir: ws.deps, path: p.nix.toolchain.PATH, npmCache, log: say, signal, timeoutMs: p.stepTimeoutMs };
    };
    const { plan, pack, runtime } = await stages.run("detect", async () => {
      const member = workspace as Awaited<ReturnType<typeof useRootDirectoryOrWorkspace>>;
      const detected = member
        ? await detectWorkspaceMember(ws.source, member.workspace, member.member, p.nix.platform)
        : await detectBuildPlan(ws.source, p.nix.platform).catch(async (err) => {
            // A workspace root that cannot start: the error names the members to choose from.
            if (!rootDirectory) await refuseWorkspaceRoot(ws.source);
            throw err;
          });
      if (rootDirectory)
        detected.reasons.unshift({ topic: "root directory", reason: `built from ${rootDirectory}, the app's root directory setting` });
      const pack = BUILDPACKS[detected.stack];
      const shaped = pack?.plan ? pack.plan(detected, ws.source, p.network) : detected;
      const { plan: found, layer: runtime } = pack?.runtime
        ? // A workspace member's Node is the one its own package.json asks for, as its detection read.
          await pack.runtime(shaped, shaped.workspace ? join(ws.source, shaped.workspace.member) : ws.source, npmWork())
        : { plan: shaped, layer: null };
      for (const r of found.reasons) say(`       ${r.topic}: ${r.reason}`);
      for (const w of found.warnings) say(` !     ${w}`);
      await updateBuild(p.db, build.id, { plan: found });
      return { plan: found, pack, runtime, detail: `${found.stack}${found.framework ? ` (${found.framework})` : ""}` };
    });
    if (!pack) throw new BuildFailedError(`The ${plan.stack} buildpack is not available on this platform yet.`);
    // Lockfiles are read now, while the source is as the user sent it; the lookups run beside the
    // build and are collected before it succeeds. An outage makes the scan "not checked", never a failure.
    scan = scanBuildDependencies(
      p.db,
      build.id,
      plan,
      ws.source,
      p.vulnerabilityScan === undefined ? DEFAULT_SCAN_SETTINGS : p.vulnerabilityScan,
    );

    const tools = await packageManagerTools(p.nix);
    let runtimeLayer: Layer | null = null;
    const deps = await stages.run("dependencies", async (): Promise<(Layer & { detail: string }) | { detail: string }> => {
      if (runtime) {
        runtimeLayer = await cachedLayer(p.db, p.nix, {
          key: runtime.key,
          what: `${runtime.what} layer`,
          stack: plan.stack,
          appId: build.appId,
          log: say,
          remote: p.remoteCache,
          make: () => runtime.fetch({ ...npmWork(), cacheRoot: join(p.workRoot, "cache"), tools, network: p.network }),
        });
      }
      const fetcher = pack.deps(plan, ws.source, p.network);
      if (!fetcher) return { detail: "nothing to fetch" };
      const key = fetcher.key(plan, ws.source, p.nix.toolchain.id);
      await updateBuild(p.db, build.id, { cacheKey: key });
      unprivilegedDir(npmCache);
      const layer = await cachedLayer(p.db, p.nix, {
        key,
        stack: plan.stack,
        appId: build.appId,
        log: say,
        remote: p.remoteCache,
        make: () =>
          fetcher.fetch(plan, ws.source, {
            workDir: ws.deps,
            path: p.nix.toolchain.PATH,
            npmCache,
            cacheRoot: join(p.workRoot, "cache"),
            tools,
            network: p.network,
            log: say,
            signal,
            timeoutMs: p.stepTimeoutMs,
          }),
      });
      await updateBuild(p.db, build.id, { cacheHit: layer.hit });
      const detail = { local: "cache hit", remote: "remote cache hit", fetched: `cache miss, fetched ${formatBytes(layer.sizeBytes)}` }[
        layer.source
      ];
      return { ...layer, detail };
    });

    // One nix-build covers the rest; the buildpack's stage markers move the progress along.
    let devDeps: { before: number; after: number } | null = null;
    let sawMarker = false;
    let packError: string | null = null;
    await stages.start("build");
    const storePath = await nixBuild(p.nix, {
      file: join(BUILDPACKS_DIR, pack.file),
      rootName: `build-${build.id}`,
      args: { toolchain: `import ${JSON.stringify(p.nix.toolchain.file)} { }` },
      argstrs: {
        src: ws.source,
        deps: "storePath" in deps ? deps.storePath : "",
        planJson: JSON.stringify(plan),
        tools: tools.storePath,
        ...(runtimeLayer ? { runtime: (runtimeLayer as Layer).storePath } : {}),
      },
      signal,
      timeoutMs: p.stepTimeoutMs,
      onLine: (line) => {
        const failure = ERROR_MARKER.exec(line);
        if (failure) packError ??= failure[1] as string;
        const sizes = DEV_DEPS_MARKER.exec(line);
        if (sizes) devDeps = { before: Number(sizes[1]), after: Number(sizes[2]) };
        const marker = STAGE_MARKER.exec(line);
        if (failure) return say(` !     ${failure[1]}`);
        if (!marker && !sizes) return say(line);
        if (marker) {
          sawMarker = true;
          void moveTo(stages, marker[1] as BuildStageName);
        }
      },
    }).catch((err) => {
      throw packError && !signal.aborted ? new BuildFailedError(packError) : err;
    });
    // Nix sizes the closure while the stages are recorded (a caught copy: a failed write comes first).
    const sizing = pathInfo(p.nix, storePath);
    sizing.catch(() => {});
    if (!sawMarker) say("-----> nothing changed since an earlier build of this source; reusing its result");
    if (stages.current) await stages.finish(stages.current, "succeeded");
    if (plan.test === null) await stages.skip("tests", "no test command configured");

    await stages.run("artifact", async () => {
      const info = await sizing;
      await updateBuild(p.db, build.id, { storePath, closureBytes: info.closureSize });
      say(`-----> artifact ${storePath} (closure ${formatBytes(info.closureSize)})`);
      return { detail: `closure ${formatBytes(info.closureSize)}` };
    });

    await stages.run("optimise", async () => {
      const sizes = devDeps as { before: number; after: number } | null;
      if (!sizes) return { detail: "no development dependencies to drop" };
      say(`-----> development dependencies dropped: ${formatBytes(sizes.before)} → ${formatBytes(sizes.after)}`);
      return { detail: `dev dependencies dropped: ${formatBytes(sizes.before)} → ${formatBytes(sizes.after)}` };
    });

    await scan.finish(say).catch((err) => say(` !     the vulnerability scan could not be stored: ${(err as Error).message}`));
    const durationMs = Math.round(performance.now() - started);
    say(`-----> build succeeded in ${(durationMs / 1000).toFixed(1)} s`);
    await updateBuild(p.db, build.id, { status: "succeeded", finishedAt: new Date(), durationMs });
    p.bus.publish({ type: "build.updated", appId: build.appId, buildId: build.id, status: "succeeded", stage: null });
    trace?.end("succeeded");
    return { storePath };
  } catch (err) {
    if (signal.reason instanceof JobInterruptedError) {
      say("-----> interrupted: the control plane is stopping; this build runs again at the next start");
      await updateBuild(p.db, build.id, { status: "queued" });
      trace?.end("interrupted", err);
      throw err;
    }
    const cancelled = signal.aborted && !(signal.reason instanceof Error && /timed out/.test(signal.reason.message));
    const message = describeFailure(err, signal);
    say(cancelled ? "-----> build cancelled" : `-----> build failed: ${message}`);
    trace?.end(cancelled ? "cancelled" : "failed", cancelled ? "cancelled" : message);
    await stages.abandon(cancelled ? "cancelled" : "failed");
    await updateBuild(p.db, build.id, {
      status: cancelled ? "cancelled" : "failed",
      finishedAt: new Date(),
      durationMs: Math.round(performance.now() - started),
      error: cancelled ? "cancelled" : message,
    });
    p.bus.publish({
      type: "build.updated",
      appId: build.appId,
      buildId: build.id,
      status: cancelled ? "cancelled" : "failed",
      stage: null,
    });
    throw err;
  } finally {
    scan?.cancel();
    ws.clean();
    if (payload.uploadPath) rmSync(payload.uploadPath, { force: true });
  }
}

async function moveTo(stages: StageTracker, next: BuildStageName) {
  const current = stages.current;
  if (current === next) return;
  // The dependency stage already closed before nix-build; its marker inside nix only adds log.
  if (next === "dependencies") return;
  if (current) await stages.finish(current, "succeeded");
  await stages.start(next);
}

async function fetchSource(
  p: PipelineDeps,
  build: Build,
  payload: BuildJobPayload,
  dest: string,
  say: (l: string) => void,
  signal: AbortSignal,
): Promise<{ detail: string }> {
  const source = build.source;
  if (source.type === "git") {
    say(`-----> fetching ${source.url}${source.ref ? ` at ${source.ref}` : ""}`);
    const { commitSha } = await fetchGit({ url: source.url, ref: source.ref ?? undefined }, dest, {
      timeoutMs: p.stepTimeoutMs,
      signal,
      onLog: say,
      allowLocal: p.allowLocalGit,
      networkEnv: networkEnv(p.network),
      ...(p.outbound ? { outbound: p.outbound } : {}),
    });
    await updateBuild(p.db, build.id, { commitSha });
    return { detail: `${source.ref ?? "default branch"} @ ${commitSha.slice(0, 10)}` };
  }
  if (source.type === "archive") {
    if (!payload.uploadPath || !existsSync(payload.uploadPath))
      throw new BuildFailedError("The uploaded archive is gone; upload it again.");
    say(`-----> unpacking ${source.filename} (${formatBytes(source.bytes)})`);
    const result = await extractArchive(payload.uploadPath, dest);
    if (result.strippedPrefix) say(`       (top-level folder ${result.strippedPrefix} removed)`);
    return { detail: `${result.files} files, ${formatBytes(result.bytes)}` };
  }
  if (source.type === "push") {
    say(`-----> using pushed ${source.ref} @ ${source.sha.slice(0, 10)}`);
    await exportTree(join(p.reposDir, `${payload.appName}.git`), source.sha, dest);
    await updateBuild(p.db, build.id, { commitSha: source.sha });
    return { detail: `${source.ref} @ ${source.sha.slice(0, 10)}` };
  }
  throw new BuildFailedError("This build has no source.");
}

function describeFailure(err: unknown, signal: AbortSignal): string {
  if (err instanceof CommandAbortedError && err.reason === "timeout") return "a step took too long and was stopped";
  if (signal.aborted && signal.reason instanceof Error) return signal.reason.message;
  return (err as Error)?.message?.slice(0, 4000) ?? String(err);
}
