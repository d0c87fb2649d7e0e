// Builds from any folder: the unprivileged installer's work must be reachable whatever the modes
// of $SKYPANEL_HOME's parents (a clone in root's 0700 home, a `mktemp -d`). Real Nix and npm.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createTestEngine } from "../testing.ts";
import { copyFixture, runAndGet, uploadDir, waitForBuild } from "./testing.ts";
import { closedToUnprivileged, FALLBACK_WORK_BASE, prepareWorkRoot, WorkRootError } from "./work-root.ts";
import { asUnprivileged } from "./workspace.ts";

/** Whether user nobody, with no groups, can enter `dir`: asked of the kernel, not of our mode arithmetic. */
function nobodyCanEnter(dir: string): boolean {
  return spawnSync(...asUnprivileged("/bin/sh", ["-c", 'cd "$1"', "sh", dir])).status === 0;
}

/** A folder only root may enter, as root's home is, with the given path below it. */
function closedParent(): string {
  const parent = mkdtempSync(join(tmpdir(), "skypanel-closed-"));
  chmodSync(parent, 0o700);
  return parent;
}

describe("the build work folder", () => {
  const made: string[] = [];
  afterAll(() => {
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });

  it("names the first folder nobody cannot enter, agreeing with the kernel", () => {
    const parent = closedParent();
    made.push(parent);
    const inner = join(parent, "a", "b");
    mkdirSync(inner, { recursive: true });
    expect(closedToUnprivileged(inner)).toMatchObject({ path: parent, mode: 0o700 });
    expect(nobodyCanEnter(inner)).toBe(false);
    chmodSync(parent, 0o711);
    expect(closedToUnprivileged(inner)).toBeNull();
    expect(nobodyCanEnter(inner)).toBe(true);
  });

  it("stays inside SKYPANEL_HOME when nobody can reach it", () => {
    const home = mkdtempSync(join(tmpdir(), "skypanel-home-"));
    made.push(home);
    const root = prepareWorkRoot(home);
    expect(root.dir).toBe(join(home, "work"));
    expect(nobodyCanEnter(root.dir)).toBe(true);
  });

  it("moves to a folder of its own under /var/lib when SKYPANEL_HOME's parent is closed (0700)", () => {
    const home = join(closedParent(), "home");
    made.push(join(home, ".."));
    const root = prepareWorkRoot(home);
    made.push(root.dir);
    expect(root.dir.startsWith(`${FALLBACK_WORK_BASE}/`)).toBe(true);
    expect(root.reason).toMatch(/closed to the unprivileged build user/);
    expect(statSync(root.dir).mode & 0o777).toBe(0o711);
    expect(nobodyCanEnter(root.dir)).toBe(true);
    // The same home finds the same folder again (its npm cache is kept across starts).
    expect(prepareWorkRoot(home).dir).toBe(root.dir);
  });

  it("refuses a SKYPANEL_WORK_DIR nobody cannot reach, naming the folder, the user and the fix", () => {
    const parent = closedParent();
    made.push(parent);
    const configured = join(parent, "work");
    let error: unknown;
    try {
      prepareWorkRoot("/unused", configured);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(WorkRootError);
    const message = (error as Error).message;
    expect(message).toContain(parent);
    expect(message).toContain("nobody (uid 65534)");
    expect(message).toContain(`chmod o+x ${parent}`);
    expect(message).toContain("SKYPANEL_WORK_DIR");
  });
});

describe("a build whose SKYPANEL_HOME sits in a 0700 folder (real Nix and npm, PGlite)", { timeout: 300_000 }, () => {
  const parent = closedParent();
  const home = join(parent, "skypanel");
  mkdirSync(home);
  let close: (() => Promise<void>) | null = null;
  let workDir = "";
  afterAll(async () => {
    await close?.();
    rmSync(parent, { recursive: true, force: true });
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it("installs the lockfile's dependencies, builds the Express app, and the artifact answers 200", async () => {
    const t = await createTestEngine("pglite", { home, builds: { concurrency: 1, timeoutMs: 5 * 60_000 } });
    close = t.close;
    workDir = t.engine.workRoot?.dir ?? "";
    expect(workDir.startsWith(`${FALLBACK_WORK_BASE}/`)).toBe(true);
    await t.engine.start();
    const alice = await t.user("closed@example.com");
    await t.engine.apps.create(alice, { name: "closed-home" });
    const queued = await t.engine.builds.create(alice, "closed-home", uploadDir(t.home, copyFixture("node-npm-express")));
    const build = await waitForBuild(t.engine, alice, "closed-home", queued.id);
    const log = (await t.engine.builds.log(alice, "closed-home", build.id)).lines.map((l) => l.text).join("\n");
    expect(build.status, log).toBe("succeeded");
    expect(log).toMatch(/npm ci --ignore-scripts/);
    // The installer's scratch folder is gone after the build; its download cache stays.
    expect(existsSync(join(workDir, "builds", build.id))).toBe(false);
    expect(existsSync(join(workDir, "cache", "npm"))).toBe(true);
    const web = (build.plan as { processes: Record<string, string> }).processes.web ?? "";
    expect((await runAndGet(build.storePath ?? "", web)).status).toBe(200);
  });
});
