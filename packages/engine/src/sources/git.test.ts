import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loopbackOutboundPolicy } from "../net/index.ts";
import { gitEnv } from "./git-run.ts";
import {
  checkGitUrl,
  DestinationNotEmptyError,
  fetchGit,
  GitFetchCancelledError,
  GitRefNotFoundError,
  GitTimeoutError,
  InvalidGitRefError,
  InvalidGitUrlError,
  SourceTooLargeError,
  UnsafeArchiveEntryError,
} from "./index.ts";
import { makeRepo } from "./test-git.ts";

const root = await mkdtemp(join(tmpdir(), "skypanel-git-test-"));
const home = join(root, "home");
mkdirSync(home);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const repo = makeRepo(join(root, "origin"), home);
const shas = {
  first: repo.commit("first", {
    "a.txt": "first\n",
    "bin/start": { data: "#!/bin/sh\necho hi\n", executable: true },
    "link-to-a": { symlink: "a.txt" },
  }),
  second: "",
  feature: "",
  head: "",
};
beforeAll(() => {
  repo.git("tag", "-a", "v1.0", "-m", "release 1.0");
  shas.second = repo.commit("second", { "a.txt": "second\n" });
  repo.git("checkout", "-q", "-b", "feature");
  shas.feature = repo.commit("feature", { "feature.txt": "feature\n" });
  repo.git("checkout", "-q", "main");
  shas.head = repo.commit("third", { "a.txt": "third\n" });
});

let dest: string;
let n = 0;
beforeEach(() => {
  dest = join(root, "out", `t${++n}`, "app");
});

const local = { timeoutMs: 30_000, allowLocal: true };

async function failure(promise: Promise<unknown>): Promise<Error> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Error);
  expect(existsSync(dest)).toBe(false);
  return err as Error;
}

describe("fetchGit", () => {
  it("checks out the default branch without .git, keeping +x and safe symlinks", async () => {
    const lines: string[] = [];
    const result = await fetchGit({ url: repo.dir }, dest, { ...local, onLog: (l) => lines.push(l) });
    expect(result).toEqual({ commitSha: shas.head, ref: "main" });
    expect(readdirSync(dest).sort()).toEqual(["a.txt", "bin", "link-to-a"]);
    expect(readFileSync(join(dest, "a.txt"), "utf8")).toBe("third\n");
    expect(statSync(join(dest, "bin/start")).mode & 0o111).not.toBe(0);
    expect(readlinkSync(join(dest, "link-to-a"))).toBe("a.txt");
    expect(lines.length).toBeGreaterThan(0);
    expect(readdirSync(join(dest, ".."))).toEqual(["app"]);
  });

  it("fetches a branch, and an annotated tag as its commit", async () => {
    expect(await fetchGit({ url: `file://${repo.dir}`, ref: "feature" }, dest, local)).toEqual({ commitSha: shas.feature, ref: "feature" });
    expect(readFileSync(join(dest, "feature.txt"), "utf8")).toBe("feature\n");
    const tagged = join(dest, "..", "tagged");
    expect(await fetchGit({ url: repo.dir, ref: "v1.0" }, tagged, local)).toEqual({ commitSha: shas.first, ref: "v1.0" });
    expect(readFileSync(join(tagged, "a.txt"), "utf8")).toBe("first\n");
  });

  it("fetches a full SHA that no branch points to", async () => {
    const result = await fetchGit({ url: `file://${repo.dir}`, ref: shas.second }, dest, local);
    expect(result).toEqual({ commitSha: shas.second, ref: shas.second });
    expect(readFileSync(join(dest, "a.txt"), "utf8")).toBe("second\n");
  });

  it("fetches a short SHA by falling back to a full fetch", async () => {
    const short = shas.first.slice(0, 8);
    const result = await fetchGit({ url: repo.dir, ref: short }, dest, local);
    expect(result).toEqual({ commitSha: shas.first, ref: short });
    expect(readFileSync(join(dest, "a.txt"), "utf8")).toBe("first\n");
  });

  it("falls back to a full fetch when the server will not send a full SHA alone, then names it if it is missing", async () => {
    const lines: string[] = [];
    const missing = "d".repeat(40);
    const err = await failure(fetchGit({ url: repo.dir, ref: missing }, dest, { ...local, onLog: (l) => lines.push(l) }));
    expect(err).toBeInstanceOf(GitRefNotFoundError);
    expect(err.message).toContain(missing);
    expect(lines.join("\n")).toContain(`would not send ${missing} on its own`);
  });

  it("names an unknown branch, tag or SHA", async () => {
    const err = await failure(fetchGit({ url: repo.dir, ref: "no-such-branch" }, dest, local));
    expect(err).toBeInstanceOf(GitRefNotFoundError);
    expect(err.message).toContain('"no-such-branch"');
    const sha = await failure(fetchGit({ url: repo.dir, ref: "deadbeefdeadbeef" }, dest, local));
    expect(sha).toBeInstanceOf(GitRefNotFoundError);
    expect(sha.message).toContain('"deadbeefdeadbeef"');
  });

  it("refuses URLs that are git options, remote helpers, or local paths when not allowed", async () => {
    const marker = join(root, "pwned");
    for (const url of [
      `--upload-pack=touch ${marker}`,
      "-oProxyCommand=x",
      `ext::sh -c touch% ${marker}`,
      "fd::17",
      "ssh://-oProxyCommand=x/repo",
    ]) {
      const err = await failure(fetchGit({ url }, dest, local));
      expect(err).toBeInstanceOf(InvalidGitUrlError);
    }
    expect((await failure(fetchGit({ url: repo.dir }, dest, { timeoutMs: 10_000 }))).message).toMatch(/paths on the platform's own disk/);
    expect((await failure(fetchGit({ url: `file://${repo.dir}` }, dest, { timeoutMs: 10_000 }))).message).toMatch(/file:\/\//);
    expect(existsSync(marker)).toBe(false);
  });

  it("keeps ext:: out at git's level too, should a URL ever get past the checks", () => {
    const marker = join(root, "pwned-by-ext");
    let failed = false;
    try {
      execFileSync("git", ["ls-remote", `ext::sh -c touch% ${marker}`], { env: gitEnv({ home, allowLocal: true }), stdio: "pipe" });
    } catch (err) {
      failed = true;
      expect(String((err as { stderr?: Buffer }).stderr)).toMatch(/transport 'ext' not allowed/);
    }
    expect(failed).toBe(true);
    expect(existsSync(marker)).toBe(false);
  });

  it("refuses refs that are options or not valid ref names", async () => {
    for (const ref of ["-b", "--upload-pack=x", "a..b", "main\n", "refs/heads/../x", "x.lock", "a b", "@{1}"]) {
      const err = await failure(fetchGit({ url: repo.dir, ref }, dest, local));
      expect(err).toBeInstanceOf(InvalidGitRefError);
    }
  });

  it("refuses a commit with a symlink out of the tree, leaving nothing", async () => {
    const evil = makeRepo(join(root, "evil"), home);
    evil.commit("evil", { "ok.txt": "ok", passwd: { symlink: "/etc/passwd" } });
    const err = await failure(fetchGit({ url: evil.dir }, dest, local));
    expect(err).toBeInstanceOf(UnsafeArchiveEntryError);
    expect(err.message).toMatch(/"passwd".*\/etc\/passwd/);
    expect(readdirSync(join(dest, ".."))).toEqual([]);
  });

  it("applies the size limits before checking anything out", async () => {
    const big = makeRepo(join(root, "big"), home);
    big.commit("big", { "big.bin": "x".repeat(5000) });
    const err = await failure(fetchGit({ url: big.dir }, dest, { ...local, limits: { maxFileBytes: 1000 } }));
    expect(err).toBeInstanceOf(SourceTooLargeError);
    expect(err.message).toContain('"big.bin"');
  });

  it("refuses a destination that is not empty", async () => {
    mkdirSync(dest, { recursive: true });
    writeFileSync(join(dest, "keep"), "x");
    await expect(fetchGit({ url: repo.dir }, dest, local)).rejects.toBeInstanceOf(DestinationNotEmptyError);
    expect(readdirSync(dest)).toEqual(["keep"]);
  });
});

describe("checkGitUrl", () => {
  it("accepts the usual remote forms and hides credentials in what it shows", () => {
    expect(checkGitUrl("https://github.com/acme/shop.git", false).display).toBe("https://github.com/acme/shop.git");
    expect(checkGitUrl("https://x-access-token:ghp_abc@github.com/acme/shop.git", false).display).toBe(
      "https://***@github.com/acme/shop.git",
    );
    for (const url of [
      "http://10.0.0.5:8080/r.git",
      "git://example.org/r.git",
      "ssh://git@example.org:22/r.git",
      "git@github.com:acme/shop.git",
    ])
      expect(checkGitUrl(url, false).local).toBe(false);
    expect(checkGitUrl("file:///srv/r.git", true).local).toBe(true);
  });

  it("refuses other schemes and hosts that look like options", () => {
    for (const url of [
      "ftp://example.org/r.git",
      "ext::ssh -o x",
      "ssh://-oProxyCommand=x/r",
      "-oProxyCommand=x:r",
      "git@-evil:r",
      "https://exa mple.org/r",
    ])
      expect(() => checkGitUrl(url, true), url).toThrow(InvalidGitUrlError);
  });
});

describe("fetchGit against a server that never answers", () => {
  const sockets = new Set<Socket>();
  const closed: Promise<void>[] = [];
  const server = createServer((socket) => {
    sockets.add(socket);
    closed.push(new Promise((done) => socket.on("close", () => done())));
    socket.on("error", () => undefined);
    socket.resume(); // read (and ignore) the request, so git's hang-up is noticed
  });
  let url: string;
  beforeAll(async () => {
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    const address = server.address();
    if (!address || typeof address === "string") throw new Error("no port");
    url = `http://deploy:s3cret-token@127.0.0.1:${address.port}/repo.git`;
  });
  afterAll(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });

  it("stops at the timeout, kills git's whole process group, and keeps the token out of the message", async () => {
    const started = Date.now();
    // The silent server listens on loopback, which the platform refuses unless allowed.
    const err = await failure(fetchGit({ url }, dest, { timeoutMs: 1500, outbound: loopbackOutboundPolicy() }));
    expect(err).toBeInstanceOf(GitTimeoutError);
    expect(err.message).toContain("http://***@127.0.0.1");
    expect(err.message).not.toContain("s3cret");
    expect(Date.now() - started).toBeLessThan(8000);
    // The connection belongs to git-remote-http, a grandchild: it only closes if that died too.
    expect(closed.length).toBeGreaterThan(0);
    await Promise.race([
      Promise.all(closed),
      new Promise((_, fail) => setTimeout(() => fail(new Error("git's helper is still connected")), 3000)),
    ]);
  });

  it("stops when cancelled", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const err = await failure(
      fetchGit({ url }, dest, { timeoutMs: 30_000, signal: controller.signal, outbound: loopbackOutboundPolicy() }),
    );
    expect(err).toBeInstanceOf(GitFetchCancelledError);
  });
});
