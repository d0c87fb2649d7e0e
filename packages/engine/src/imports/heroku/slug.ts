// A Heroku slug becomes a source archive SkyPanel can build. A slug is the output of Heroku's
// build: the app's files under ./app/ plus what the buildpacks installed there. SkyPanel builds
// again from source, so that build output is left out; keeping it would ship binaries made for
// Heroku's stack and hide the app's real dependencies from detection.
import { createReadStream, createWriteStream } from "node:fs";
import { lstat, mkdtemp, readdir, readlink, rename, rm } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import tarStream, { type Pack } from "tar-stream";
import { ValidationError } from "../../errors.ts";
import { extractArchive, type SourceLimits, shown } from "../../sources/index.ts";
import { resolveLink } from "../../sources/symlinks.ts";

/**
 * Build output in a slug's app/ tree, as the plan shows it. `node_modules` goes at any depth;
 * the others only at the top. `vendor` stays when it is Go's (see isGoVendor).
 */
export const DROPPED_BUILD_OUTPUT: readonly string[] = ["node_modules", ".heroku", ".profile.d", ".cache", "vendor/bundle", "vendor"];

const TOP_LEVEL_OUTPUT = new Set(DROPPED_BUILD_OUTPUT.filter((p) => p !== "node_modules" && p !== "vendor"));

export interface SlugSource {
  /** What was left out, as paths inside app/ ("node_modules", ".heroku", "web/node_modules"). */
  dropped: string[];
  /** Regular files in the archive written. */
  files: number;
}

interface Entry {
  rel: string;
  kind: "directory" | "file" | "symlink";
  mode: number;
  size: number;
  mtime: Date;
  target: string;
}

/**
 * Writes the slug's app/ tree, build output left out, as a .tar.gz at `destArchivePath`
 * (replaced). Its entries sit under one `app/` folder, which extractArchive strips, so an app
 * whose own top level is a single folder keeps it. Nothing is left behind on failure.
 */
export async function slugToSourceArchive(
  slugFile: string,
  destArchivePath: string,
  opts: { limits?: Partial<SourceLimits> } = {},
): Promise<SlugSource> {
  const dest = resolve(destArchivePath);
  // Beside the destination, not in /tmp: a slug unpacks to up to a gigabyte, and the rename stays on one filesystem.
  const work = await mkdtemp(join(dirname(dest), ".heroku-slug-"));
  try {
    const tree = join(work, "tree");
    const extracted = await extractArchive(slugFile, tree, opts.limits).catch((err: unknown) => {
      if (err instanceof ValidationError) throw new ValidationError(`The Heroku slug cannot be used. ${err.message}`, err.details);
      throw err;
    });
    const root = await appTree(tree, extracted.strippedPrefix);
    const { entries, dropped } = await walk(root, await isGoVendor(root));
    if (!entries.some((e) => e.kind === "file"))
      throw new ValidationError(
        `The Heroku slug's app/ holds only build output (${dropped.join(", ") || "nothing"}); there is no source to build.`,
      );
    checkLinks(entries);
    const partial = join(work, "source.tar.gz");
    await writeArchive(root, entries, partial);
    await rename(partial, dest);
    return { dropped, files: entries.filter((e) => e.kind === "file").length };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The slug's app/ directory: extractArchive already stripped it when it was the only top-level folder. */
async function appTree(tree: string, strippedPrefix: string | null): Promise<string> {
  if (strippedPrefix === "app") return tree;
  const app = strippedPrefix === null ? await lstat(join(tree, "app")).catch(() => null) : null;
  if (app?.isDirectory()) return join(tree, "app");
  throw new ValidationError(
    "The Heroku slug has no app/ directory, where Heroku keeps the app's files; it is not a slug this import understands.",
  );
}

/** Go's vendor/ (with modules.txt) is source the go tool builds from; any other vendor/ is installed output (Composer, Bundler). */
async function isGoVendor(root: string): Promise<boolean> {
  const modules = await lstat(join(root, "vendor", "modules.txt")).catch(() => null);
  return modules?.isFile() ?? false;
}

function isBuildOutput(rel: string, name: string, goVendor: boolean): boolean {
  if (name === "node_modules") return true;
  if (TOP_LEVEL_OUTPUT.has(rel)) return true;
  return rel === "vendor" && !goVendor;
}

/** Every entry under `root` except build output, in a stable order; symlinks are read, never followed. */
async function walk(root: string, goVendor: boolean): Promise<{ entries: Entry[]; dropped: string[] }> {
  const entries: Entry[] = [];
  const dropped: string[] = [];
  const visit = async (dirRel: string): Promise<void> => {
    const names = (await readdir(join(root, dirRel))).sort();
    for (const name of names) {
      const rel = dirRel === "" ? name : `${dirRel}/${name}`;
      if (isBuildOutput(rel, name, goVendor)) {
        dropped.push(rel);
        continue;
      }
      const path = join(root, rel);
      const st = await lstat(path);
      const base = { rel, mode: st.mode & 0o777, size: 0, mtime: st.mtime, target: "" };
      if (st.isSymbolicLink()) entries.push({ ...base, kind: "symlink", target: await readlink(path) });
      else if (st.isFile()) entries.push({ ...base, kind: "file", size: st.size });
      else if (st.isDirectory()) {
        entries.push({ ...base, kind: "directory" });
        await visit(rel);
      }
    }
  };
  await visit("");
  return { entries, dropped };
}

/** extractArchive checked links against the whole slug; only app/ is kept, so they must stay inside it. */
function checkLinks(entries: Entry[]): void {
  const links = new Map(entries.filter((e) => e.kind === "symlink").map((e) => [e.rel, e.target]));
  for (const [rel, target] of links) {
    const verdict = resolveLink(rel, links);
    if (!verdict.inside)
      throw new ValidationError(
        `The Heroku slug cannot be used: app/${rel} is a symlink to ${shown(target)} and ${verdict.reason.replace("the tree", "app/")}.`,
      );
  }
}

async function writeArchive(root: string, entries: Entry[], file: string): Promise<void> {
  const pack = tarStream.pack();
  // tar-stream's pack is a streamx Readable, which Node's pipeline drives like its own.
  const written = pipeline(pack as unknown as NodeJS.ReadableStream, createGzip(), createWriteStream(file, { mode: 0o600 })).then(
    () => null,
    (err: unknown) => err,
  );
  try {
    await add(pack, { name: "app/", type: "directory", mode: 0o755 });
    for (const e of entries) {
      const name = `app/${e.rel}`;
      if (e.kind === "directory") await add(pack, { name: `${name}/`, type: "directory", mode: e.mode, mtime: e.mtime });
      else if (e.kind === "symlink") await add(pack, { name, type: "symlink", linkname: e.target, mode: 0o777, mtime: e.mtime });
      else await addFile(pack, { name, size: e.size, mode: e.mode, mtime: e.mtime }, join(root, e.rel));
    }
    pack.finalize();
  } catch (err) {
    pack.destroy(err as Error);
    await written;
    throw err;
  }
  const failure = await written;
  if (failure) throw failure;
}

function add(pack: Pack, header: Parameters<Pack["entry"]>[0]): Promise<void> {
  return new Promise((done, fail) => {
    pack.entry(header, (err) => (err ? fail(err) : done()));
  });
}

function addFile(pack: Pack, header: Parameters<Pack["entry"]>[0], path: string): Promise<void> {
  return new Promise((done, fail) => {
    const sink = pack.entry(header, (err) => (err ? fail(err) : done()));
    pipeline(createReadStream(path), sink as unknown as NodeJS.WritableStream).catch(fail);
  });
}
