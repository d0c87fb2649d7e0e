// Trusting a dependency layer verified moments ago, against the real Nix store (as root) and PGlite.
// `noNix` is a NixEnv whose PATH has no Nix: an answer it gives came from memory, and asking Nix
// through it fails with "Cannot run nix-store".
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase, type TestDatabase } from "@skypanel/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addToStore, type NixEnv, prepareNix, removeGcRoot } from "../nix/index.ts";
import { run } from "../process/run.ts";
import { cachedLayer } from "./cache.ts";
import { forgetVerifiedLayers, layerIntact, VERIFIED_LAYER_TTL_MS } from "./verified-layers.ts";

const ASKS_NIX = /Cannot run nix-store/;

describe("recently verified layers (real Nix)", () => {
  let home: string;
  let nix: NixEnv;
  let noNix: NixEnv;
  let db: TestDatabase;
  let appId: string;
  const tag = randomBytes(4).toString("hex");
  const roots: string[] = [];
  const paths: string[] = [];

  /** A small layer unique to this run, added to the store under a root of its own. */
  async function storedLayer(name: string): Promise<string> {
    const dir = join(home, name);
    mkdirSync(join(dir, "lib"), { recursive: true });
    writeFileSync(join(dir, "lib", "index.js"), `module.exports = "${tag}-${name}";\n`);
    writeFileSync(join(dir, "package.json"), `{"name":"${name}"}\n`);
    const root = `test-verified-${tag}-${name}`;
    roots.push(root);
    const path = await addToStore(nix, dir, root);
    paths.push(path);
    return path;
  }
  /** Changes a file inside a store path, as disk damage or a stray write would. */
  function damage(path: string) {
    chmodSync(join(path, "lib"), 0o755);
    chmodSync(join(path, "lib", "index.js"), 0o644);
    writeFileSync(join(path, "lib", "index.js"), "module.exports = 'changed';\n");
  }

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), "skypanel-verified-"));
    nix = await prepareNix(home);
    noNix = { ...nix, env: { ...nix.env, PATH: "/nonexistent" } };
    db = await createTestDatabase("pglite");
    const [team] = await db.sql.query<{ id: string }>("INSERT INTO teams (name) VALUES ('t') RETURNING id");
    const [app] = await db.sql.query<{ id: string }>("INSERT INTO applications (team_id, name) VALUES ($1, 'layers') RETURNING id", [
      team?.id,
    ]);
    appId = app?.id ?? "";
  });
  afterAll(async () => {
    forgetVerifiedLayers();
    for (const r of roots) removeGcRoot(r);
    for (const p of paths) await run("nix-store", ["--delete", p], { env: nix.env });
    rmSync(home, { recursive: true, force: true });
    await db?.drop();
  });

  it("answers from memory for a layer verified moments ago, and asks Nix again once the TTL has passed", async () => {
    const path = await storedLayer("fresh");
    forgetVerifiedLayers();
    await expect(layerIntact(noNix, path)).rejects.toThrow(ASKS_NIX);
    expect(await layerIntact(nix, path)).toBe(true);
    expect(await layerIntact(noNix, path)).toBe(true);
    expect(await layerIntact(noNix, path)).toBe(true);
    await expect(layerIntact(noNix, path, Date.now() + VERIFIED_LAYER_TTL_MS + 1)).rejects.toThrow(ASKS_NIX);
    // Once expired it is forgotten: Nix is asked again even at an earlier clock.
    await expect(layerIntact(noNix, path)).rejects.toThrow(ASKS_NIX);
  });

  it("catches a layer changed after it was verified: Nix hashes it again and finds the damage", async () => {
    const path = await storedLayer("damaged");
    expect(await layerIntact(nix, path)).toBe(true);
    damage(path);
    await expect(layerIntact(noNix, path)).rejects.toThrow(ASKS_NIX);
    expect(await layerIntact(nix, path)).toBe(false);
  });

  it("catches a layer removed from the store after it was verified, without asking Nix", async () => {
    const path = await storedLayer("removed");
    expect(await layerIntact(nix, path)).toBe(true);
    removeGcRoot(roots[roots.length - 1] as string);
    const deleted = await run("nix-store", ["--delete", path], { env: nix.env });
    expect(deleted.code, deleted.stderrTail).toBe(0);
    expect(await layerIntact(noNix, path)).toBe(false);
    expect(await layerIntact(nix, path)).toBe(false);
  });

  it("cachedLayer: the next build reuses a stored layer without Nix, and fetches again once it was damaged", async () => {
    const key = `verified-${tag}`.padEnd(32, "0");
    let makes = 0;
    const layer = (env: NixEnv, lines: string[]) =>
      cachedLayer(db.db, env, {
        key,
        stack: "nodejs",
        appId,
        log: (l) => lines.push(l),
        make: async () => {
          makes++;
          const dir = join(home, `made-${makes}`);
          mkdirSync(join(dir, "lib"), { recursive: true });
          writeFileSync(join(dir, "lib", "index.js"), `module.exports = "${tag}-made";\n`);
          return dir;
        },
      });
    roots.push(`deps-${key}`);
    const first = await layer(nix, []);
    paths.push(first.storePath);
    expect(first.source).toBe("fetched");
    // Verified as it was stored: the warm build right after needs no Nix command for it.
    const warm: string[] = [];
    expect((await layer(noNix, warm)).source).toBe("local");
    expect(warm.join("\n")).toMatch(/dependency layer: cache hit/);
    damage(first.storePath);
    const after: string[] = [];
    // Fetched again: equal contents give the same store path, which Nix does not copy over.
    await layer(nix, after);
    expect(after.join("\n")).toMatch(/cached copy .* is missing or damaged; fetching again/);
    expect(makes).toBe(2);
  });
});
