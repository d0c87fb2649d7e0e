// How a Python app starts when its Procfile has no web line (a Procfile always wins). In order:
//   1. Django (manage.py and <project>/wsgi.py): gunicorn <project>.wsgi.
//   2. A web framework's app object found in the source (python-frameworks.ts): the server its
//      docs use, on module:app. Before the app's own scripts because that server binds $PORT
//      whatever the code does, where a script's app.run() or uvicorn.run() often fixes a port.
//   3. The app's own entry (python-entry.ts): [project.scripts], python -m pkg, main.py….
//      It is `web` when it looks like a server (a web framework or server is a dependency, or it
//      reads $PORT or imports http.server), else a `worker`: a web process that never listens
//      would fail every health check, while a worker runs as it is (and the plan says why).
import type { SourceTree } from "./files.ts";
import { findScriptEntry, webSignal } from "./python-entry.ts";
import { APP_FRAMEWORKS, SCRIPT_FRAMEWORKS, serveCommand } from "./python-frameworks.ts";
import type { PythonManifest } from "./python-manifests.ts";
import { findAppModule, findDjangoProject } from "./python-modules.ts";
import type { PythonProject } from "./python-project.ts";
import { shellQuote } from "./shell.ts";
import { reason, type StackDetection } from "./stack.ts";

export async function startCommand(
  tree: SourceTree,
  manifest: PythonManifest,
  project: PythonProject | null,
  d: StackDetection,
): Promise<void> {
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
  const notFound: string[] = [];
  for (const f of APP_FRAMEWORKS) {
    if (!deps.has(f.dependency)) continue;
    d.framework ??= f.framework;
    const found = await findAppModule(tree, f.className, d.warnings);
    if (found === null) {
      notFound.push(`${f.dependency} is a dependency, but no .py file at the top or one package down creates ${f.className}(…)`);
      continue;
    }
    d.framework = f.framework;
    d.reasons.push(reason("framework", `${f.name}: ${f.dependency} is a dependency in ${manifest.file}.`));
    d.web = serveCommand(f.server, shellQuote(`${found.module}:${found.attribute}`));
    d.reasons.push(
      reason("start", `${d.web}: ${found.file} creates the ${f.name} app ${found.attribute}, served by ${f.server} as its docs do.`),
    );
    needs(f.server);
    return;
  }
  await ownEntry(tree, manifest, project, d, notFound);
}

async function ownEntry(tree: SourceTree, manifest: PythonManifest, project: PythonProject | null, d: StackDetection, notFound: string[]) {
  const notes: string[] = [];
  const entry = await findScriptEntry(tree, project, notes);
  if (entry === null) {
    const tried = "no [project.scripts] entry, package with __main__.py, main.py, app.py or server.py";
    d.noWeb = [...notFound, ...notes, tried].join("; ");
    return;
  }
  const order = "([project.scripts] first, then a package's __main__.py, then main.py, app.py or server.py)";
  const signal = await webSignal(tree, manifest.dependencies, entry);
  const scripted = Object.entries(SCRIPT_FRAMEWORKS).find(([dep]) => manifest.dependencies.has(dep));
  if (scripted)
    d.reasons.push(reason("framework", `${scripted[1]}: ${scripted[0]} is a dependency; its apps start from their own script.`));
  if (signal !== null) {
    d.web = entry.command;
    d.reasons.push(reason("start", `${entry.command}: ${entry.what} ${order}; a web process because ${signal}.`));
    return;
  }
  d.worker = entry.command;
  d.noWeb = `${entry.command} does not look like a web server: no web framework or server is a dependency, and it neither reads $PORT nor imports http.server`;
  d.reasons.push(reason("start", `worker: ${entry.command}: ${entry.what} ${order}, unless a Procfile declares processes.`));
}
