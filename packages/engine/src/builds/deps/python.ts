// Python's dependency layer: a wheelhouse that `pip download` fills from the package index (PyPI,
// or the mirror PIP_INDEX_URL names), keyed by the requirements pip is given (requirements.txt
// and its includes, or a lockfile's pins and hashes), and the pinned list of what it got. The
// sandboxed build (buildpacks/python.nix) installs that list from the wheelhouse with no network.
//
// What runs where: pip resolves and downloads here, as the unprivileged user with none of the
// platform's environment. It prefers wheels (--prefer-binary), which run nothing; for a package
// with no usable wheel it keeps the source distribution, and pip then runs that sdist's build
// backend (setup.py, in an isolated environment it fetches) to read its metadata: still the
// unprivileged user, still no platform environment, but with the network. The sdist is built into
// a wheel only later, in the sandbox, from the build requirements fetched with it. pip's download
// cache (<cacheRoot>/pip) is shared by builds and owned by that same user, so such a backend could
// write into it: lockfile and --hash requirements are checked on every download whatever the
// cache holds; plain ranges trust it as they trust the index.
import { createHash } from "node:crypto";
import {
  chmodSync,
  chownSync,
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import type { BuildPlan } from "../../detect/plan.ts";
import { ValidationError } from "../../errors.ts";
import { BUILDPACKS_DIR } from "../../nix/index.ts";
import { cacheKey, formatBytes, MAX_LAYER_BYTES } from "../cache.ts";
import { unprivilegedDir } from "../workspace.ts";
import { type PipRun, packageIndex, runPython } from "./python-pip.ts";
import { type PipInput, pipInput } from "./python-requirements.ts";
import type { DependencyFetcher, FetchContext } from "./types.ts";

const BUILD_REQUIRES = join(BUILDPACKS_DIR, "support", "python-build-requires.py");

interface Downloaded {
  file: string;
  name: string;
  version: string;
  bytes: number;
}

/** sha256 of a file the unprivileged user wrote: never through a link, never a device. */
function sha256(path: string): string {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    if (!fstatSync(fd).isFile()) throw new ValidationError(`The dependency download left ${path}, which is not a file.`);
    const hash = createHash("sha256");
    const buffer = Buffer.alloc(1024 * 1024);
    for (let n = readSync(fd, buffer); n > 0; n = readSync(fd, buffer)) hash.update(buffer.subarray(0, n));
    return hash.digest("hex");
  } finally {
    closeSync(fd);
  }
}

/** The files pip saved, with their package and version (from the file name) and size. */
function wheelhouse(dir: string): Downloaded[] {
  return readdirSync(dir).map((file) => {
    const info = lstatSync(join(dir, file));
    if (!info.isFile()) throw new ValidationError(`The dependency download left ${file}, which is not a file.`);
    // name-version-….whl, or name-version.tar.gz / .zip (older sdists may have - in the name).
    const stem = file.replace(/\.(whl|tar\.gz|tar\.bz2|tar\.xz|zip|tgz)$/, "");
    const cut = stem.lastIndexOf("-");
    const [name, version] = file.endsWith(".whl") ? stem.split("-") : [stem.slice(0, cut), stem.slice(cut + 1)];
    if (!name || !version || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) || !/^[A-Za-z0-9][A-Za-z0-9.!+_]*$/.test(version)) {
      throw new ValidationError(`The dependency download saved ${file}, which SkyPanel cannot tell the package and version of.`);
    }
    return { file, name, version, bytes: info.size };
  });
}

function checkSize(files: { bytes: number }[]) {
  const total = files.reduce((sum, f) => sum + f.bytes, 0);
  if (total > MAX_LAYER_BYTES) {
    throw new ValidationError(
      `The Python dependencies come to ${formatBytes(total)}, more than the ${formatBytes(MAX_LAYER_BYTES)} a build may fetch.`,
    );
  }
}

/** A fresh directory only root may write (the unprivileged user may read it). */
function platformDir(path: string) {
  rmSync(path, { recursive: true, force: true });
  mkdirSync(path, { recursive: true, mode: 0o755 });
  chownSync(path, 0, 0);
  chmodSync(path, 0o755);
}

/**
 * The layer: <layer>/wheels (everything pip downloaded, and the build requirements of any sdist
 * among them) and <layer>/requirements.txt (each downloaded package pinned to its file's hash).
 * The work directory stays root's, so nothing the unprivileged user runs can swap the layer
 * directory root writes the pins into.
 */
async function fetchLayer(input: PipInput, ctx: FetchContext): Promise<string> {
  platformDir(ctx.workDir);
  const home = join(ctx.workDir, "home");
  const tmp = join(ctx.workDir, "tmp");
  const cache = join(ctx.cacheRoot, "pip");
  for (const dir of [home, tmp, cache]) unprivilegedDir(dir);
  const requirements = join(ctx.workDir, "requirements");
  platformDir(requirements);
  for (const [file, text] of Object.entries(input.files)) {
    mkdirSync(dirname(join(requirements, file)), { recursive: true, mode: 0o755 });
    writeFileSync(join(requirements, file), text, { mode: 0o644 });
  }
  const layer = join(ctx.workDir, "layer");
  platformDir(layer);
  const wheels = join(layer, "wheels");
  unprivilegedDir(wheels);

  const run: PipRun = { cwd: requirements, home, tmp, cache, deadline: Date.now() + ctx.timeoutMs, from: input.from };
  const download = ["-m", "pip", "download", "--dest", wheels];
  ctx.log(`-----> pip download: ${input.from}'s requirements from ${packageIndex(ctx.network).name}, wheels preferred`);
  await runPython(ctx, run, [...download, "--prefer-binary", "-r", input.main]);
  const got = wheelhouse(wheels);
  checkSize(got);

  const sdists = got.filter((f) => !f.file.endsWith(".whl"));
  if (sdists.length > 0) {
    ctx.log(`-----> source distributions, built in the sandbox: ${sdists.map((f) => f.file).join(", ")}; fetching what builds them`);
    const listed = await runPython(ctx, { ...run, input: readFileSync(BUILD_REQUIRES, "utf8"), quiet: true }, ["-", wheels]);
    const buildRequirements = listed.stdout.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("-"));
    writeFileSync(join(requirements, "build-requirements.txt"), `${buildRequirements.join("\n")}\n`, { mode: 0o644 });
    await runPython(ctx, { ...run, from: `the build requirements of ${sdists.map((f) => f.name).join(", ")}` }, [
      ...download,
      "--only-binary=:all:",
      "-r",
      "build-requirements.txt",
    ]);
    checkSize(wheelhouse(wheels));
  }

  const pins = got
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((f) => `${f.name}==${f.version} --hash=sha256:${sha256(join(wheels, f.file))}`)
    .join("\n");
  writeFileSync(join(layer, "requirements.txt"), `${pins}\n`, { flag: "wx", mode: 0o644 });
  ctx.log(`-----> ${got.length} packages downloaded (${formatBytes(got.reduce((s, f) => s + f.bytes, 0))})`);
  return layer;
}

function pythonLayer(input: PipInput): DependencyFetcher {
  return {
    key(_plan, _sourceDir, toolchainId) {
      const files = Object.fromEntries(
        Object.entries(input.files).map(([f, text]) => [f, createHash("sha256").update(text).digest("hex")]),
      );
      return cacheKey({ v: 1, stack: "python", toolchainId, arch: process.arch, main: input.main, files });
    },
    fetch: (_plan, _sourceDir, ctx) => fetchLayer(input, ctx),
  };
}

/** Python's dependency step: the layer, or nothing when the app declares no requirement. */
export function pythonDependencies(plan: BuildPlan, sourceDir: string): DependencyFetcher | null {
  const input = pipInput(plan, sourceDir);
  return input && pythonLayer(input);
}
