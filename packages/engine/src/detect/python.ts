// Python: the installing manifest, the version (runtime.txt, .python-version, Pipfile
// [requires]), and Django / FastAPI / Flask start commands found by reading the source.
import { InvalidSourceFileError } from "./errors.ts";
import type { SourceTree } from "./files.ts";
import { findPythonManifests, type PythonManifest } from "./python-manifests.ts";
import { findAppModule, findDjangoProject } from "./python-modules.ts";
import { shellQuote } from "./shell.ts";
import { reason, type StackDetection, type StackRule } from "./stack.ts";
import { checkVersion, DEFAULT_VERSIONS, firstLine } from "./versions.ts";

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
  async detect(tree) {
    const [manifest, ...ignored] = await findPythonManifests(tree);
    if (!manifest) throw new InvalidSourceFileError("pyproject.toml", "does not describe a Python app.");
    const version = await pythonVersion(tree, manifest);
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
    d.reasons.push(reason("version", `Python ${version.version} from ${version.from}.`));
    await webCommand(tree, manifest, d);
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
        d.install = "uv sync --locked --no-dev --no-install-project";
        d.reasons.push(reason("package manager", "pyproject.toml has a PEP 621 [project] table and uv.lock: uv's locked versions."));
      } else if (lock === "pdm.lock") {
        d.install = "pdm sync --prod --no-self";
        d.reasons.push(reason("package manager", "pyproject.toml has a PEP 621 [project] table and pdm.lock: PDM's locked versions."));
      } else {
        d.install = "pip install .";
        d.reasons.push(reason("package manager", "pyproject.toml has a PEP 621 [project] table: pip installs it."));
        d.warnings.push("pyproject.toml's dependencies are ranges and there is no lockfile: installs are not reproducible.");
      }
      break;
  }
  // PEP 621 ranges without a lockfile got their own warning above.
  const expected = manifest.kind === "pep621" ? undefined : LOCKS[manifest.kind][0];
  if (expected !== undefined && !locked)
    d.warnings.push(`No ${expected}: installs are not reproducible, each build may get different dependency versions. Commit ${expected}.`);
}

async function webCommand(tree: SourceTree, manifest: PythonManifest, d: StackDetection): Promise<void> {
  const deps = manifest.dependencies;
  const needs = (server: string) => {
    if (!deps.has(server))
      d.warnings.push(`The start command uses ${server}, which ${manifest.file} does not list: add it, or the app will not start.`);
  };
  if (deps.has("django") && (await tree.isFile("manage.py"))) {
    d.framework = "django";
    d.build = "python manage.py collectstatic --noinput";
    d.reasons.push(reason("framework", `Django: django is a dependency and manage.py exists; collectstatic runs at build.`));
    const project = await findDjangoProject(tree);
    if (project === null) {
      d.noWeb = "this Django app has no <project>/wsgi.py next to manage.py";
      return;
    }
    d.web = `gunicorn ${shellQuote(`${project}.wsgi`)} --bind 0.0.0.0:$PORT`;
    d.reasons.push(reason("start", `${d.web}: the Django project ${project} (from manage.py / ${project}/wsgi.py), served by gunicorn.`));
    needs("gunicorn");
    return;
  }
  for (const [framework, className, server] of [
    ["fastapi", "FastAPI", "uvicorn"],
    ["flask", "Flask", "gunicorn"],
  ] as const) {
    if (!deps.has(framework)) continue;
    d.framework = framework;
    d.reasons.push(reason("framework", `${className}: ${framework} is a dependency in ${manifest.file}.`));
    const found = await findAppModule(tree, className, d.warnings);
    if (found === null) {
      d.noWeb = `${framework} is a dependency, but no .py file at the top or one package down creates ${className}(…)`;
      return;
    }
    const target = shellQuote(`${found.module}:${found.attribute}`);
    d.web = server === "uvicorn" ? `uvicorn ${target} --host 0.0.0.0 --port $PORT` : `gunicorn ${target} --bind 0.0.0.0:$PORT`;
    d.reasons.push(reason("start", `${d.web}: ${found.file} creates the ${className} app ${found.attribute}.`));
    needs(server);
    return;
  }
  d.noWeb = "no Django, FastAPI or Flask app was found, and a plain Python app does not say how to start";
}

interface VersionSource {
  version: string;
  from: string;
}

async function pythonVersion(tree: SourceTree, manifest: PythonManifest): Promise<VersionSource> {
  const runtime = await tree.readText("runtime.txt", 4096);
  if (runtime !== null) {
    const line = firstLine(runtime);
    const m = /^python-(\d+\.\d+(?:\.\d+)?)$/.exec(line);
    if (!m) throw new InvalidSourceFileError("runtime.txt", `should read like "python-3.11.4", not ${JSON.stringify(line.slice(0, 40))}.`);
    return { version: m[1] as string, from: "runtime.txt" };
  }
  const pyenv = await tree.readText(".python-version", 4096);
  if (pyenv !== null) {
    const line = firstLine(pyenv);
    if (!/^\d+\.\d+(\.\d+)?$/.test(line)) {
      throw new InvalidSourceFileError(
        ".python-version",
        `should hold a CPython version like "3.11", not ${JSON.stringify(line.slice(0, 40))}.`,
      );
    }
    return { version: line, from: ".python-version" };
  }
  if (manifest.pythonVersion !== null) {
    return { version: checkVersion("Pipfile", manifest.pythonVersion, "Python"), from: "Pipfile's [requires]" };
  }
  return { version: DEFAULT_VERSIONS.python, from: "the platform default (no runtime.txt, .python-version or Pipfile [requires])" };
}
