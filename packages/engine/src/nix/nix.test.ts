// Against the real Nix 2.8 (Debian nix-bin) and the real /nix store, as root.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyClosure, generateSigningKey, signClosure, verifySignatures } from "./binary-cache.ts";
import { nixBuild } from "./build.ts";
import { type NixEnv, prepareNix } from "./env.ts";
import { collectGarbage, optimiseStore } from "./gc.ts";
import { addGeneration, listGenerations, switchGeneration } from "./profiles.ts";
import { startTestSshd } from "./ssh-testing.ts";
import { addToStore, isValid, pathInfo, removeGcRoot, verifyPath } from "./store.ts";

describe("Nix store service (real Nix)", () => {
  let home: string;
  let nix: NixEnv;
  let work: string;
  const tag = randomBytes(4).toString("hex");
  const roots: string[] = [];

  /** A derivation that runs `script` with the host toolchain, unique to this test run. */
  function writeDrv(name: string, script: string): string {
    const file = join(work, `${name}.nix`);
    writeFileSync(
      file,
      `derivation {
        name = "${name}-${tag}";
        system = builtins.currentSystem;
        builder = "/bin/sh";
        PATH = "/usr/bin:/bin";
        args = [ "-c" ${JSON.stringify(script)} ];
      }`,
    );
    return file;
  }
  const build = async (name: string, script: string, lines?: string[]) => {
    const rootName = `test-${tag}-${name}`;
    roots.push(rootName);
    return nixBuild(nix, { file: writeDrv(name, script), rootName, onLine: (l) => lines?.push(l) });
  };

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), "skypanel-nix-"));
    work = join(home, "work");
    mkdirSync(work);
    nix = await prepareNix(home);
  });
  afterAll(() => {
    for (const r of roots) removeGcRoot(r);
    rmSync(home, { recursive: true, force: true });
  });

  it("loads the host toolchain set and names it by its versions", async () => {
    expect(nix.toolchain.name).toBe("host");
    expect(nix.toolchain.id).toMatch(/^host-[0-9a-f]{12}$/);
    expect(nix.toolchain.sandboxPaths).toContain("/usr");
    expect(readFileSync(join(home, "nix", "nix.conf"), "utf8")).toMatch(/sandbox = true[\s\S]*sandbox-paths = \/bin \/usr/);
    expect((await prepareNix(home)).toolchain.id).toBe(nix.toolchain.id);
  });

  it("builds with the host's node inside the sandbox and streams the builder's lines", async () => {
    const lines: string[] = [];
    const out = await build("hello", 'mkdir $out; node -e "console.log(1+1)" > $out/answer; echo building-now', lines);
    expect(readFileSync(join(out, "answer"), "utf8").trim()).toBe("2");
    expect(lines).toContain("building-now");
    expect(await isValid(nix, out)).toBe(true);
  });

  it("keeps a build from the network, the platform's data and the host's files", async () => {
    writeFileSync(join(home, "platform-secret"), "top secret");
    const out = await build(
      "escape",
      [
        "mkdir $out",
        `(cat ${home}/platform-secret > $out/secret 2>&1 || echo denied > $out/secret)`,
        "(echo x > /usr/pwned 2>/dev/null && echo wrote > $out/usr) || echo denied > $out/usr",
        "(cat /etc/shadow > $out/shadow 2>/dev/null) || echo denied > $out/shadow",
        `node -e 'require("http").get("http://127.0.0.1:5432",()=>console.log("reached")).on("error",e=>console.log("blocked",e.code))' > $out/net`,
        "id -u > $out/uid",
      ].join("; "),
    );
    expect(readFileSync(join(out, "secret"), "utf8")).not.toContain("top secret");
    expect(readFileSync(join(out, "usr"), "utf8").trim()).toBe("denied");
    expect(existsSync("/usr/pwned")).toBe(false);
    expect(readFileSync(join(out, "shadow"), "utf8").trim()).toBe("denied");
    expect(readFileSync(join(out, "net"), "utf8")).toMatch(/^blocked/);
    expect(readFileSync(join(out, "uid"), "utf8").trim()).not.toBe("0");
  });

  it("fails a failing build with the builder's last lines", async () => {
    await expect(build("broken", "echo about-to-fail >&2; exit 3")).rejects.toThrow(/about-to-fail/);
  });

  it("adds a directory to the store content-addressed and verifies it", async () => {
    const dir = join(work, "deps");
    mkdirSync(dir);
    writeFileSync(join(dir, "lock"), `lock ${tag}`);
    roots.push(`test-${tag}-deps`, `test-${tag}-deps2`);
    const a = await addToStore(nix, dir, `test-${tag}-deps`);
    const b = await addToStore(nix, dir, `test-${tag}-deps2`);
    expect(a).toBe(b);
    expect(await verifyPath(nix, a)).toBe(true);
    const info = await pathInfo(nix, a);
    expect(info.narSize).toBeGreaterThan(0);
    expect(info.closureSize).toBeGreaterThanOrEqual(info.narSize);
  });

  it("keeps one profile per app whose generations can be listed and switched", async () => {
    const app = `gen-${tag}`;
    const one = await build("rel1", "mkdir $out; echo one > $out/v");
    const two = await build("rel2", "mkdir $out; echo two > $out/v");
    expect(await addGeneration(nix, app, one)).toBe(1);
    expect(await addGeneration(nix, app, two)).toBe(2);
    const gens = await listGenerations(nix, app);
    expect(gens.map((g) => [g.number, g.current])).toEqual([
      [1, false],
      [2, true],
    ]);
    await switchGeneration(nix, app, 1);
    expect((await listGenerations(nix, app)).find((g) => g.current)?.number).toBe(1);
    rmSync(`/nix/var/nix/profiles/skypanel/apps/${app}`, { force: true });
    for (const g of gens) rmSync(g.path, { force: true });
  });

  it("garbage-collects what nothing roots, reports it on a dry run first, and spares live paths", async () => {
    const live = await build("live", "mkdir $out; echo live > $out/v");
    const doomed = await build("doomed", "mkdir $out; echo doomed > $out/v");
    removeGcRoot(`test-${tag}-doomed`);
    const dry = await collectGarbage(nix, { dryRun: true });
    expect(dry.dryRun).toBe(true);
    expect(dry.paths).toBeGreaterThan(0);
    expect(dry.bytes).toBeGreaterThan(0);
    expect(await isValid(nix, doomed)).toBe(true);
    const real = await collectGarbage(nix);
    expect(real.paths).toBeGreaterThan(0);
    expect(await isValid(nix, doomed)).toBe(false);
    expect(await isValid(nix, live)).toBe(true);
  });

  it("optimises the store and reports what hard-linking saved", async () => {
    const report = await optimiseStore(nix);
    expect(report.bytesSaved).toBeGreaterThanOrEqual(0);
    expect(Number.isInteger(report.files)).toBe(true);
  });

  it("copies a closure to a file:// binary cache, signs it, and verifies signatures", async () => {
    const out = await build("signed", "mkdir $out; echo signed > $out/v");
    const key = await generateSigningKey(nix, join(home, "keys"), `skypanel-test-${tag}`);
    const other = await generateSigningKey(nix, join(home, "keys"), `other-${tag}`);
    expect(await verifySignatures(nix, out, [key.publicKey])).toBe(false);
    await signClosure(nix, out, key);
    expect(await verifySignatures(nix, out, [key.publicKey])).toBe(true);
    expect(await verifySignatures(nix, out, [other.publicKey])).toBe(false);
    const cache = join(home, "cache");
    await copyClosure(nix, out, `file://${cache}`);
    expect(existsSync(join(cache, "nix-cache-info"))).toBe(true);
    expect(await verifySignatures(nix, out, [key.publicKey], `file://${cache}`)).toBe(true);
    await expect(copyClosure(nix, out, "http://evil; rm -rf /")).rejects.toThrow(/not a binary cache/);
  });

  it("copies a closure over ssh:// into another machine's store (a test sshd on loopback)", async () => {
    const out = await build("shipped", "mkdir $out; echo shipped > $out/v");
    const sshd = await startTestSshd();
    const remoteRoot = join(home, "remote-store");
    try {
      await copyClosure(nix, out, `ssh://root@127.0.0.1?remote-store=${remoteRoot}`, { sshOpts: sshd.sshOpts });
    } finally {
      sshd.stop();
    }
    // The other store is a chroot store: its copy lives under its own root.
    expect(readFileSync(join(remoteRoot, out, "v"), "utf8").trim()).toBe("shipped");
  });
});
