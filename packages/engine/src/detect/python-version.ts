// The Python version an app asks for, and whether the platform's Python satisfies it. Builds
// have one Python (the toolchain's python3), so a version it does not satisfy is refused here,
// naming what is available, rather than left to fail (or half-work) in the build.
//
// Where the version comes from, first found wins (Heroku's files first, then the manifests):
// runtime.txt, .python-version, Pipfile [requires], pyproject.toml's requires-python. When
// requires-python is there too it must hold as well: pip would refuse to install the app.
import { InvalidSourceFileError } from "./errors.ts";
import type { SourceTree } from "./files.ts";
import { parseRelease, satisfiesPlain, satisfiesSpecifier } from "./pep440.ts";
import type { PythonManifest } from "./python-manifests.ts";
import type { PythonProject } from "./python-project.ts";
import { preview } from "./shell.ts";
import { DEFAULT_VERSIONS, firstLine, type PlatformToolchains } from "./versions.ts";

export interface PythonVersion {
  /** As the app asked ("3.11", ">=3.10,<3.13"), or the platform default: the plan's versions.python. */
  version: string;
  /** The plan reason: which version, from where, and why it is the one used. */
  reason: string;
}

interface Asked {
  version: string;
  file: string;
  from: string;
  /** What in the file holds it, for errors that already name the file ("requires-python "). */
  key: string;
  kind: "plain" | "specifier";
}

export async function pythonVersion(
  tree: SourceTree,
  manifest: PythonManifest,
  project: PythonProject | null,
  platform: PlatformToolchains,
): Promise<PythonVersion> {
  const have = parseRelease(platform.python);
  if (have === null) throw new Error(`the platform's Python version ${platform.python} is not a release number`);
  const requires: Asked | null =
    project?.requiresPython != null
      ? {
          version: project.requiresPython,
          file: "pyproject.toml",
          from: "requires-python in pyproject.toml",
          key: "requires-python ",
          kind: "specifier",
        }
      : null;
  const asked = (await fileVersion(tree, manifest)) ?? requires;
  const builds = `this platform builds with Python ${platform.python}`;
  for (const a of [asked, requires]) if (a !== null) check(a, have, builds);
  if (asked === null) {
    return {
      version: DEFAULT_VERSIONS.python,
      reason: `Python ${DEFAULT_VERSIONS.python} from the platform default (no runtime.txt, .python-version, Pipfile [requires] or requires-python): ${builds}.`,
    };
  }
  const also = requires !== null && asked !== requires ? `, and requires-python ${requires.version} in pyproject.toml` : "";
  return { version: asked.version, reason: `Python ${asked.version} from ${asked.from}: ${builds}, which satisfies it${also}.` };
}

/** Refuses a version the platform's Python does not satisfy, or one that cannot be read. */
function check(asked: Asked, have: number[], builds: string): void {
  const wanted = asked.kind === "plain" ? parseRelease(asked.version) : null;
  const ok = wanted !== null ? satisfiesPlain(wanted, have) : asked.kind === "specifier" ? satisfiesSpecifier(asked.version, have) : null;
  if (ok === null) {
    const expected = asked.kind === "plain" ? 'a version like "3.11"' : 'a specifier like ">=3.10,<3.13"';
    throw new InvalidSourceFileError(
      asked.file,
      `${asked.key}${preview(asked.version, 40)} is not something SkyPanel can read as Python ${expected}.`,
    );
  }
  if (!ok) {
    const series = `${have[0]}.${have[1]}`;
    throw new InvalidSourceFileError(
      asked.file,
      `${asked.key}asks for Python ${asked.version}; ${builds} only. Ask for ${series} (or a ${series}.x no newer than ${have.join(".")}) to build here.`,
    );
  }
}

/** runtime.txt, .python-version or Pipfile [requires]: a plain version, or null when none says one. */
async function fileVersion(tree: SourceTree, manifest: PythonManifest): Promise<Asked | null> {
  const runtime = await tree.readText("runtime.txt", 4096);
  if (runtime !== null) {
    const line = firstLine(runtime);
    const m = /^python-(\d+\.\d+(?:\.\d+)?)$/.exec(line);
    if (!m) throw new InvalidSourceFileError("runtime.txt", `should read like "python-3.11.2", not ${preview(line, 40)}.`);
    return { version: m[1] as string, file: "runtime.txt", from: "runtime.txt", key: "", kind: "plain" };
  }
  const pyenv = await tree.readText(".python-version", 4096);
  if (pyenv !== null) {
    const line = firstLine(pyenv);
    if (!/^\d+(\.\d+){0,2}$/.test(line)) {
      throw new InvalidSourceFileError(".python-version", `should hold a CPython version like "3.11", not ${preview(line, 40)}.`);
    }
    return { version: line, file: ".python-version", from: ".python-version", key: "", kind: "plain" };
  }
  if (manifest.pythonVersion !== null) {
    const version = manifest.pythonVersion.trim();
    if (parseRelease(version) === null)
      throw new InvalidSourceFileError("Pipfile", `[requires] python_version should be like "3.11", not ${preview(version, 40)}.`);
    return { version, file: "Pipfile", from: "Pipfile's [requires]", key: "[requires] ", kind: "plain" };
  }
  return null;
}
