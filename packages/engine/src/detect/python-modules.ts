// Finding the Python module that creates the web app (`app = Flask(__name__)`,
// `app = FastAPI()`, `app = Starlette(…)`…), and the Django project package, without running
// any of the app's code.
import { InvalidSourceFileError } from "./errors.ts";
import type { DirEntry, SourceTree } from "./files.ts";

export interface AppModule {
  /** Dotted module path, e.g. "app" or "web.main". */
  module: string;
  /** What the server imports: "app" or "create_app()". */
  attribute: string;
  file: string;
}

/** Looked at first, in this order, at the root and in each package. */
const PREFERRED = ["app.py", "main.py", "wsgi.py", "asgi.py", "application.py", "server.py", "api.py", "__init__.py"];
export const SKIPPED_DIRS = new Set([
  "venv",
  "env",
  "node_modules",
  "tests",
  "test",
  "migrations",
  "static",
  "templates",
  "site-packages",
  "docs",
]);
export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_FILES_READ = 200;

/**
 * The first module (root first, then packages one level down) that assigns `<name> = <Class>(`
 * — or, for Flask, that defines create_app() — in the order of PREFERRED, then by name.
 */
export async function findAppModule(tree: SourceTree, className: string, warnings: string[]): Promise<AppModule | null> {
  const assign = new RegExp(`^([A-Za-z_][A-Za-z0-9_]*)\\s*(?::[^=\\n]*)?=\\s*(?:[A-Za-z_][A-Za-z0-9_]*\\.)?${className}\\s*\\(`, "m");
  const factory = /^def\s+(create_app|make_app)\s*\(/m;
  let budget = MAX_FILES_READ;
  for (const file of await candidateFiles(tree)) {
    if (budget-- <= 0) break;
    let text: string | null;
    try {
      text = await tree.readText(file);
    } catch (err) {
      if (!(err instanceof InvalidSourceFileError)) throw err;
      warnings.push(`Skipped ${err.message}`);
      continue;
    }
    if (text === null || !text.includes(`${className}(`)) continue;
    const module = moduleName(file);
    const variable = assign.exec(text)?.[1];
    if (variable) return { module, attribute: variable, file };
    const made = className === "Flask" ? factory.exec(text)?.[1] : undefined;
    if (made) return { module, attribute: `${made}()`, file };
  }
  return null;
}

/** The Django project package: from manage.py's DJANGO_SETTINGS_MODULE, else the directory with wsgi.py. */
export async function findDjangoProject(tree: SourceTree): Promise<string | null> {
  const manage = (await tree.readText("manage.py")) ?? "";
  const named = /DJANGO_SETTINGS_MODULE["']\s*,\s*["']([A-Za-z_][A-Za-z0-9_.]*)\.settings["']/.exec(manage)?.[1];
  if (named && (await tree.isFile(`${named.replaceAll(".", "/")}/wsgi.py`))) return named;
  for (const entry of await tree.list(".")) {
    if (entry.kind === "dir" && IDENTIFIER.test(entry.name) && (await tree.isFile(`${entry.name}/wsgi.py`))) return entry.name;
  }
  return named ?? null;
}

async function candidateFiles(tree: SourceTree): Promise<string[]> {
  const files: string[] = [];
  const root = await tree.list(".");
  files.push(...ordered(root.filter((e) => e.kind === "file" && e.name.endsWith(".py") && e.name !== "__init__.py")));
  for (const dir of root) {
    if (dir.kind !== "dir" || !IDENTIFIER.test(dir.name) || SKIPPED_DIRS.has(dir.name) || dir.name.startsWith("_")) continue;
    files.push(...ordered((await tree.list(dir.path)).filter((e) => e.kind === "file" && e.name.endsWith(".py"))));
  }
  return files.filter((f) => f.split("/").every((part) => IDENTIFIER.test(part.replace(/\.py$/, ""))));
}

function ordered(entries: DirEntry[]): string[] {
  const rank = (name: string) => {
    const i = PREFERRED.indexOf(name);
    return i === -1 ? PREFERRED.length : i;
  };
  return [...entries].sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name)).map((e) => e.path);
}

function moduleName(file: string): string {
  return file
    .replace(/\/__init__\.py$/, "")
    .replace(/\.py$/, "")
    .replaceAll("/", ".");
}
