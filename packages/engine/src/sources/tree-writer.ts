// Writes an archive's entries into a staging directory under the safety rules, whatever the
// archive format. Symlinks are only created at the very end, after every one of them was
// resolved inside the final tree, so no write during extraction can pass through a link.
import { createWriteStream } from "node:fs";
import { chmod, link, mkdir, symlink, unlink } from "node:fs/promises";
import { join } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { checkLinkTarget, entryPath } from "./entry-path.ts";
import { shown, UnsafeArchiveEntryError } from "./errors.ts";
import type { SourceBudget } from "./limits.ts";
import { type Staging, stageFor } from "./staging.ts";
import { resolveLink } from "./symlinks.ts";

type Kind = "file" | "directory" | "symlink";

export interface ExtractResult {
  files: number;
  bytes: number;
  /** The single top-level directory every entry sat under, removed from the paths; null if none. */
  strippedPrefix: string | null;
}

/** Regular files keep only whether they are executable; no setuid, setgid or sticky bits. */
export function fileMode(mode: number): number {
  return mode & 0o111 ? 0o755 : 0o644;
}

export class TreeWriter {
  private readonly nodes = new Map<string, Kind>();
  private readonly links = new Map<string, string>();

  private constructor(
    private readonly staging: Staging,
    private readonly budget: SourceBudget,
  ) {}

  static async open(destDir: string, budget: SourceBudget): Promise<TreeWriter> {
    return new TreeWriter(await stageFor(destDir), budget);
  }

  /** Counts the entry and turns its name into a safe relative path ("" is the root). */
  private place(name: string): string {
    this.budget.countEntry();
    return entryPath(name, this.budget.limits.maxNameBytes);
  }

  async addDirectory(name: string): Promise<void> {
    const rel = this.place(name);
    if (rel === "") return;
    const existing = this.nodes.get(rel);
    if (existing === "directory") return;
    if (existing) throw new UnsafeArchiveEntryError(name, `it is a directory, but the archive already has a ${existing} at that path`);
    await this.makeParents(name, rel);
    await mkdir(join(this.staging.dir, rel));
    this.nodes.set(rel, "directory");
  }

  async addFile(name: string, mode: number, declaredSize: number, data: AsyncIterable<Buffer>): Promise<void> {
    const rel = this.place(name);
    this.budget.checkDeclaredSize(name, declaredSize);
    const path = await this.prepareFile(name, rel);
    let written = 0;
    const budget = this.budget;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        written += chunk.length;
        try {
          budget.addFileBytes(name, written, chunk.length);
        } catch (err) {
          return done(err as Error);
        }
        done(null, chunk);
      },
    });
    await pipeline(data, meter, createWriteStream(path, { flags: "wx", mode: 0o600 }));
    await chmod(path, fileMode(mode));
  }

  /** A hard link may only point at a regular file this archive already extracted. */
  async addHardlink(name: string, target: string): Promise<void> {
    const rel = this.place(name);
    const targetRel = entryPath(target, this.budget.limits.maxNameBytes, { entry: name, what: "hard link target" });
    if (this.nodes.get(targetRel) !== "file")
      throw new UnsafeArchiveEntryError(
        name,
        `it is a hard link to ${shown(target)}, which is not a file extracted earlier from this archive`,
      );
    const path = await this.prepareFile(name, rel);
    await link(join(this.staging.dir, targetRel), path);
  }

  async addSymlink(name: string, target: string): Promise<void> {
    const rel = this.place(name);
    checkLinkTarget(name, target, this.budget.limits.maxNameBytes);
    if (rel === "") throw new UnsafeArchiveEntryError(name, "it is a symlink in place of the archive's root");
    if (this.nodes.has(rel))
      throw new UnsafeArchiveEntryError(name, `it is a symlink, but the archive already has a ${this.nodes.get(rel)} at that path`);
    await this.makeParents(name, rel);
    this.nodes.set(rel, "symlink");
    this.links.set(rel, target);
  }

  /** Checks every symlink against the final tree, creates them, and moves the tree into place. */
  async commit(): Promise<ExtractResult> {
    const prefix = this.singleTopDirectory();
    const strip = (p: string) => (prefix === null ? p : p.slice(prefix.length + 1));
    const links = new Map([...this.links].map(([p, t]) => [strip(p), t]));
    for (const [path, target] of this.links) {
      const verdict = resolveLink(strip(path), links);
      if (!verdict.inside) throw new UnsafeArchiveEntryError(path, `it is a symlink to ${shown(target)} and ${verdict.reason}`);
    }
    for (const [path, target] of this.links) await symlink(target, join(this.staging.dir, path));
    for (const [path, kind] of this.nodes) if (kind === "directory") await chmod(join(this.staging.dir, path), 0o755);
    await this.staging.commit(prefix === null ? this.staging.dir : join(this.staging.dir, prefix));
    const files = [...this.nodes.values()].filter((k) => k === "file").length;
    return { files, bytes: this.budget.bytes, strippedPrefix: prefix };
  }

  discard(): Promise<void> {
    return this.staging.discard();
  }

  private async prepareFile(name: string, rel: string): Promise<string> {
    if (rel === "") throw new UnsafeArchiveEntryError(name, "it is a file in place of the archive's root");
    const existing = this.nodes.get(rel);
    const path = join(this.staging.dir, rel);
    // A later copy of the same file replaces the earlier one, as tar does; unlink first so
    // a hard link to the old copy keeps the old content.
    if (existing === "file") await unlink(path);
    else if (existing) throw new UnsafeArchiveEntryError(name, `it is a file, but the archive already has a ${existing} at that path`);
    else await this.makeParents(name, rel);
    this.nodes.set(rel, "file");
    return path;
  }

  /** Creates the missing parent directories, refusing to go through a file or a symlink. */
  private async makeParents(name: string, rel: string): Promise<void> {
    const parts = rel.split("/");
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join("/");
      const kind = this.nodes.get(parent);
      if (kind === "directory") continue;
      if (kind) throw new UnsafeArchiveEntryError(name, `it sits under ${shown(parent)}, which is a ${kind}, not a directory`);
      this.budget.countEntry();
      await mkdir(join(this.staging.dir, parent));
      this.nodes.set(parent, "directory");
    }
  }

  private singleTopDirectory(): string | null {
    let top: string | null = null;
    let nested = false;
    for (const path of this.nodes.keys()) {
      const slash = path.indexOf("/");
      const first = slash === -1 ? path : path.slice(0, slash);
      if (top === null) top = first;
      else if (top !== first) return null;
      if (slash !== -1) nested = true;
    }
    return top !== null && nested && this.nodes.get(top) === "directory" ? top : null;
  }
}
