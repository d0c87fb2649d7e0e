// Against the real Nix 2.8 (Debian nix-bin) and the real /nix store, as root.
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isValid, type NixEnv, nixBuild, prepareNix, removeGcRoot } from "../nix/index.ts";
import { run, runChecked } from "../process/run.ts";
import { exportClosure, importClosure, importClosureFor } from "./closure.ts";
import { DamagedExportError } from "./errors.ts";

describe("release closures in exports (real Nix)", () => {
  let home: string;
  let nix: NixEnv;
  const tag = randomBytes(4).toString("hex");
  const roots: string[] = [];
  const made: string[] = [];
  const root = (name: string) => {
    const rootName = `test-export-${tag}-${name}`;
    roots.push(rootName);
    return rootName;
  };

  /** A store path of its own, from a file (a source path: no references). */
  async function addSource(name: string, content: string): Promise<string> {
    const file = join(home, name);
    writeFileSync(file, content);
    const path = (await runChecked("nix-store", ["--add", file], { env: nix.env })).stdout.trim();
    made.push(path);
    return path;
  }

  /** A build output that refers to `dep`, so its runtime closure is itself and `dep`. */
  async function buildOn(dep: string): Promise<string> {
    const file = join(home, "app.nix");
    writeFileSync(
      file,
      `derivation {
        name = "export-app-${tag}";
        system = builtins.currentSystem;
        builder = "/bin/sh";
        PATH = "/usr/bin:/bin";
        args = [ "-c" "mkdir $out; echo ${tag} > $out/marker; ln -s \${builtins.storePath ${JSON.stringify(dep)}} $out/dep" ];
      }`,
    );
    return nixBuild(nix, { file, rootName: root("app") });
  }

  /** Deletes paths and what refers to them (the .drv), roots removed first: as a machine that never had them. */
  async function forget(...paths: string[]) {
    for (const r of roots) removeGcRoot(r);
    const { stdout } = await runChecked("nix-store", ["--query", "--referrers-closure", ...paths], { env: nix.env });
    await runChecked("nix-store", ["--delete", ...stdout.split("\n").filter(Boolean)], { env: nix.env });
    for (const p of paths) expect(await isValid(nix, p)).toBe(false);
  }

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), "skypanel-export-nix-"));
    nix = await prepareNix(home);
  });
  afterAll(async () => {
    for (const r of roots) removeGcRoot(r);
    // What this run made and is still there goes with what refers to it; the rest is garbage anyway.
    const left = [];
    for (const p of made) if (await isValid(nix, p)) left.push(p);
    if (left.length > 0) {
      const { stdout } = await run("nix-store", ["--query", "--referrers-closure", ...left], { env: nix.env });
      await run("nix-store", ["--delete", ...stdout.split("\n").filter(Boolean)], { env: nix.env });
    }
    rmSync(home, { recursive: true, force: true });
  });

  it("exports a build's whole runtime closure and imports it back after the store lost it", async () => {
    const dep = await addSource(`dep-${tag}.txt`, `dependency ${tag}\n`);
    const app = await buildOn(dep);
    const file = join(home, "app.closure");
    expect((await exportClosure(nix, app, file)).sort()).toEqual([dep, app].sort());

    await forget(app, dep);
    const imported = await importClosureFor(nix, file, app, { rootName: root("imported") });
    expect(imported.sort()).toEqual([dep, app].sort());
    expect(await isValid(nix, app)).toBe(true);
    expect(await isValid(nix, dep)).toBe(true);
    expect(readFileSync(join(app, "marker"), "utf8").trim()).toBe(tag);
    expect(readFileSync(join(app, "dep"), "utf8")).toBe(`dependency ${tag}\n`);
    // Rooted under the name given: a garbage collection cannot take it before it is deployed.
    const gc = await run("nix-store", ["--delete", app], { env: nix.env });
    expect(gc.code).not.toBe(0);
    expect(await isValid(nix, app)).toBe(true);
  });

  it("refuses a closure that does not hold the build the manifest names, and keeps none of it", async () => {
    const other = await addSource(`other-${tag}.txt`, `other ${tag}\n`);
    const file = join(home, "other.closure");
    await exportClosure(nix, other, file);
    await forget(other);
    const expected = `/nix/store/${"0".repeat(32)}-export-app-${tag}`;
    const err = await importClosureFor(nix, file, expected).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DamagedExportError);
    expect((err as Error).message).toBe(
      `The archive is damaged: artifact.closure does not hold the build its manifest names (${expected}).`,
    );
    expect(await isValid(nix, other)).toBe(false);
  });

  it("refuses a closure carrying store paths the build does not use, and deletes them again", async () => {
    const wanted = await addSource(`wanted-${tag}.txt`, `wanted ${tag}\n`);
    const stowaway = await addSource(`stowaway-${tag}.txt`, `stowaway ${tag}\n`);
    const file = join(home, "stowaway.closure");
    await runChecked("nix-store", ["--export", wanted, stowaway], { env: nix.env, stdoutFile: file });
    await forget(wanted, stowaway);
    const err = await importClosureFor(nix, file, wanted, { rootName: root("stowaway") }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DamagedExportError);
    expect((err as Error).message).toMatch(`holds 1 store path(s) that ${wanted} does not use, such as ${stowaway}`);
    expect(await isValid(nix, stowaway)).toBe(false);
    expect(await isValid(nix, wanted)).toBe(false);
  });

  it("refuses a closure file Nix cannot read", async () => {
    const file = join(home, "junk.closure");
    writeFileSync(file, randomBytes(4096));
    await expect(importClosure(nix, file)).rejects.toThrow(
      /^The archive is damaged: artifact\.closure could not be added to the Nix store \(/,
    );
  });

  it("refuses to export a build the store no longer has", async () => {
    const gone = `/nix/store/${"1".repeat(32)}-gone-${tag}`;
    await expect(exportClosure(nix, gone, join(home, "gone.closure"))).rejects.toThrow(/is no longer in this platform's Nix store/);
  });
});
