// @ts-check
// The source archive `deploy` uploads: a .tar.gz of a directory, leaving out what .gitignore
// (at any depth) and .slugignore say, and always .git. `ignore` and `tar` load only here.
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, sep } from "node:path";

/**
 * The paths (relative, with `/`) to put in the archive, directories before their contents.
 * A directory's .gitignore applies below it, deeper files can re-include (`!pattern`) as in git;
 * .slugignore (Heroku's) applies from the root. Ignored directories are not entered.
 * @param {string} root
 * @returns {Promise<string[]>}
 */
export async function listFiles(root) {
  const { default: ignore } = await import("ignore");
  /** @typedef {{ base: string, rules: import("ignore").Ignore }} Rules */
  /** @param {string} file */
  const rulesOf = (file) => ignore().add(readFileSync(file, "utf8"));
  /** @type {Rules[]} */
  const rootRules = [];
  for (const name of [".gitignore", ".slugignore"]) {
    const file = join(root, name);
    if (existsFile(file)) rootRules.push({ base: "", rules: rulesOf(file) });
  }

  /** Whether `path` (relative to root) is left out: the last rule set with an opinion wins. */
  const ignored = (/** @type {string} */ path, /** @type {boolean} */ isDir, /** @type {Rules[]} */ stack) => {
    let out = false;
    for (const { base, rules } of stack) {
      const rel = base ? path.slice(base.length + 1) : path;
      const r = rules.test(isDir ? `${rel}/` : rel);
      if (r.ignored) out = true;
      else if (r.unignored) out = false;
    }
    return out;
  };

  /** @type {string[]} */
  const files = [];
  /** @param {string} dir relative, "" for the root @param {Rules[]} stack */
  const walk = (dir, stack) => {
    const abs = join(root, dir);
    let here = stack;
    if (dir && existsFile(join(abs, ".gitignore"))) here = [...stack, { base: dir, rules: rulesOf(join(abs, ".gitignore")) }];
    const entries = readdirSync(abs, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      if (entry.name === ".git") continue;
      const path = dir ? `${dir}/${entry.name}` : entry.name;
      const isDir = entry.isDirectory();
      if (ignored(path, isDir, here)) continue;
      files.push(path);
      if (isDir) walk(path, here);
    }
  };
  walk("", rootRules);
  return files;
}

function existsFile(/** @type {string} */ path) {
  try {
    return lstatSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Packs `root` into a temporary .tar.gz; `cleanup` removes it.
 * @param {string} root
 * @returns {Promise<{ file: string, bytes: number, entries: string[], cleanup: () => void }>}
 */
export async function packDir(root) {
  if (!statSync(root).isDirectory()) throw new Error(`${root} is not a directory.`);
  const entries = await listFiles(root);
  if (entries.length === 0) throw new Error(`Nothing to deploy in ${root}: every file is ignored.`);
  const tmp = mkdtempSync(join(tmpdir(), "skypanel-deploy-"));
  const file = join(tmp, "source.tar.gz");
  const tar = await import("tar");
  // Directories are listed themselves (so empty ones survive) and not recursed into again.
  await tar.create(
    { gzip: true, file, cwd: root, portable: true, noDirRecurse: true, follow: false },
    entries.map((e) => e.split("/").join(sep)),
  );
  return { file, bytes: statSync(file).size, entries, cleanup: () => rmSync(tmp, { recursive: true, force: true }) };
}

/** The entry names of a .tar.gz (for tests and `deploy --json`). */
export async function archiveEntries(/** @type {string} */ file) {
  const tar = await import("tar");
  /** @type {string[]} */
  const names = [];
  await tar.list({ file, onReadEntry: (e) => names.push(e.path.replace(/\/$/, "")) });
  return names;
}
