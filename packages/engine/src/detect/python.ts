// Python: the installing manifest, the version checked against the platform's Python
// (python-version.ts), and the start command found by reading the source (python-start.ts).
import { InvalidSourceFileError } from "./errors.ts";
import type { SourceTree } from "./files.ts";
import { findPythonManifests, type PythonManifest } from "./python-manifests.ts";
import { readPythonProject } from "./python-project.ts";
import { startCommand } from "./python-start.ts";
import { pythonVersion } from "./python-version.ts";
import { reason, type StackDetection, type StackRule } from "./stack.ts";

const MARKERS = ["requirements.txt", "Pipfile", "pyproject.toml"];
// The lockfiles each manifest may come with; the first one present is used.
const LOCKS: Record<PythonManifest["kind"], string[]> = {
  requirements: [],
  pipenv: ["Pipfile.lock"],
  poetry: ["poetry.lock"],
  pep621: ["uv.lock", "pdm.lock"],
};

export const python: StackRule = {
  stack: "python",
  markers: MARKERS,
  async detect(tree, _marker, platform) {
    const [manifest, ...ignored] = await findPythonManifests(tree);
    if (!manifest) throw new InvalidSourceFileError("pyproject.toml", "does not describe a Python app.");
    const project = await readPythonProject(tree);
    const version = await pythonVersion(tree, manifest, project, platform);
    const d: StackDetection = {
      stack: "python",
      framework: null,
      versions: { python: version.version },
      packageManager: manifest.packageManager,
      lockfiles: [manifest.file],
      install: null,
      build: null,
      test: null,
      web: null,
      reasons: [],
      warnings: [],
    };
    if (ignored.length > 0) d.warnings.push(`${manifest.file} installs this app; ${ignored.map((m) => m.file).join(" and ")} ignored.`);
    await installCommand(tree, manifest, d);
    d.reasons.push(reason("version", version.reason));
    await startCommand(tree, manifest, project, d);
    return d;
  },
};

async function installCommand(tree: SourceTree, manifest: PythonManifest, d: StackDetection): Promise<void> {
  let lock: string | null = null;
  for (const candidate of LOCKS[manifest.kind]) if (lock === null && (await tree.isFile(candidate))) lock = candidate;
  const locked = lock !== null;
  if (lock !== null) d.lockfiles.push(lock);
  switch (manifest.kind) {
    case "requirements":
      d.install = "pip install -r requirements.txt";
      d.reasons.push(reason("package manager", "requirements.txt found: pip."));
      break;
    case "pipenv":
      d.install = locked ? "pipenv install --deploy" : "pipenv install --skip-lock";
      d.reasons.push(reason("package manager", "Pipfile found: pipenv."));
      break;
    case "poetry":
      d.install = "poetry install --only main --no-root --no-interaction";
      d.reasons.push(reason("package manager", "pyproject.toml has [tool.poetry]: Poetry."));
      break;
    case "pep621":
      if (lock === "uv.lock") {
        d.packageManager = "uv";
        d.install = "uv sync --locked --no-dev --no-install-project";
        d.reasons.push(reason("package manager", "pyproject.toml has a PEP 621 [project] table and uv.lock: uv's locked versions."));
      } else if (lock === "pdm.lock") {
        d.packageManager = "pdm";
        d.install = "pdm sync --prod --no-self";
        d.reasons.push(reason("package manager", "pyproject.toml has a PEP 621 [project] table and pdm.lock: PDM's locked versions."));
      } else {
        d.install = "pip install .";
        d.reasons.push(reason("package manager", "pyproject.toml has a PEP 621 [project] table: pip installs it."));
        if (manifest.dependencies.size > 0)
          d.warnings.push("pyproject.toml's dependencies are ranges and there is no lockfile: installs are not reproducible.");
      }
      break;
  }
  // PEP 621 ranges without a lockfile got their own warning above.
  const expected = manifest.kind === "pep621" ? undefined : LOCKS[manifest.kind][0];
  if (expected !== undefined && !locked)
    d.warnings.push(`No ${expected}: installs are not reproducible, each build may get different dependency versions. Commit ${expected}.`);
}
