import { execFile, execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvalidAppNameError } from "../errors.ts";
import { ensureAppRepo, exportTree, GitRefNotFoundError, InvalidGitRefError, type RefUpdate, serveGitHttp } from "./index.ts";
import { makeRepo, testGitEnv } from "./test-git.ts";

const root = await mkdtemp(join(tmpdir(), "skypanel-git-http-test-"));
const home = join(root, "home");
const reposRoot = join(root, "repos");
mkdirSync(home);
afterAll(() => rmSync(root, { recursive: true, force: true }));

// What the BFF will do, minus authentication: /git/<app>.git/<rest> goes to serveGitHttp.
const pushes: RefUpdate[][] = [];
const server = createServer(async (req, res) => {
  const url = new URL(req.url ?? "/", "http://localhost");
  const match = /^\/git\/([a-z][a-z0-9-]{1,28}[a-z0-9])\.git(\/.*)$/.exec(url.pathname);
  if (!match?.[1] || !match[2]) {
    res.writeHead(404).end();
    return;
  }
  const answer = await serveGitHttp({
    reposRoot,
    appName: match[1],
    method: req.method ?? "GET",
    pathInfo: match[2],
    query: url.search.slice(1),
    contentType: req.headers["content-type"],
    contentEncoding: req.headers["content-encoding"],
    gitProtocol: req.headers["git-protocol"] as string | undefined,
    body: req,
    remoteUser: "tester@example.com",
    remoteAddr: req.socket.remoteAddress,
  });
  res.writeHead(answer.status, answer.headers);
  answer.body.pipe(res);
  res.on("finish", async () => {
    const updates = await answer.pushed();
    if (updates.length) pushes.push(updates);
  });
});

let base: string;
beforeAll(async () => {
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("no port");
  base = `http://127.0.0.1:${address.port}`;
});
afterAll(() => server.close());

const env = testGitEnv(home);
/** The client git, run asynchronously: the server answering it lives in this same process. */
function git(dir: string, ...args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((done) =>
    execFile("git", ["-C", dir, ...args], { env, encoding: "utf8", timeout: 30_000 }, (err, stdout, stderr) =>
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, output: `${stdout}${stderr}` }),
    ),
  );
}

describe("git push over smart HTTP", () => {
  const app = makeRepo(join(root, "work"), home);
  const repoPath = join(reposRoot, "my-app.git");

  it("accepts a first push, reports the new branch, and exports its tree without .git", async () => {
    const first = app.commit("first", { "package.json": '{"name":"my-app"}', "bin/start": { data: "#!/bin/sh\n", executable: true } });
    const push = await git(app.dir, "push", `${base}/git/my-app.git`, "main");
    expect(push.output).toContain("[new branch]");
    expect(push.code).toBe(0);
    await expect.poll(() => pushes.length).toBe(1);
    expect(pushes[0]).toEqual([{ ref: "refs/heads/main", oldSha: "0".repeat(40), newSha: first }]);

    const dest = join(root, "export-1", "app");
    await exportTree(repoPath, first, dest);
    expect(readdirSync(dest).sort()).toEqual(["bin", "package.json"]);
    expect(statSync(join(dest, "bin/start")).mode & 0o111).not.toBe(0);
    expect(existsSync(join(dest, ".git"))).toBe(false);
  });

  it("accepts a fast-forward push with a pack larger than git's post buffer (a chunked request body)", async () => {
    const before = app.git("rev-parse", "HEAD");
    const second = app.commit("second", { "big.bin": randomBytes(3 * 1024 * 1024).toString("base64") });
    const push = await git(app.dir, "push", `${base}/git/my-app.git`, "main");
    expect(push.code).toBe(0);
    await expect.poll(() => pushes.length).toBe(2);
    expect(pushes[1]).toEqual([{ ref: "refs/heads/main", oldSha: before, newSha: second }]);
    const dest = join(root, "export-2", "app");
    await exportTree(repoPath, second, dest);
    expect(readFileSync(join(dest, "big.bin"), "utf8")).toBe(readFileSync(join(app.dir, "big.bin"), "utf8"));
  });

  it("accepts a force-push that rewrites history", async () => {
    const before = app.git("rev-parse", "HEAD");
    app.git("reset", "-q", "--hard", "HEAD~1");
    const rewritten = app.commit("rewritten", { "other.txt": "instead" });
    expect((await git(app.dir, "push", `${base}/git/my-app.git`, "main")).code).not.toBe(0); // not a fast-forward
    const push = await git(app.dir, "push", "--force", `${base}/git/my-app.git`, "main");
    expect(push.output).toContain("forced update");
    await expect.poll(() => pushes.length).toBe(3);
    expect(pushes[2]).toEqual([{ ref: "refs/heads/main", oldSha: before, newSha: rewritten }]);
  });

  it("serves clones of the app's repository", async () => {
    const clone = join(root, "clone");
    expect((await git(root, "clone", "-q", `${base}/git/my-app.git`, clone)).code).toBe(0);
    expect(readFileSync(join(clone, "other.txt"), "utf8")).toBe("instead");
  });

  it("answers 404 outside the smart HTTP endpoints, and a push there fails", async () => {
    const other = await git(app.dir, "push", `${base}/git/my-app.git/objects`, "main");
    expect(other.code).not.toBe(0);
    expect(other.output).toMatch(/not found|404/i);
    for (const path of ["/HEAD", "/objects/info/packs", "/config", "/info/refs", "/info/refs?service=git-shell"]) {
      const res = await fetch(`${base}/git/my-app.git${path}`);
      expect(res.status, path).toBe(404);
    }
    expect((await fetch(`${base}/git/my-app.git/info/refs?service=git-receive-pack`, { method: "POST" })).status).toBe(405);
    expect(pushes.length).toBe(3);
  });
});

describe("app repositories", () => {
  it("creates a bare repository once, with pushes enabled and incoming objects checked", async () => {
    const path = await ensureAppRepo(reposRoot, "fresh-app");
    expect(path).toBe(join(reposRoot, "fresh-app.git"));
    expect(await ensureAppRepo(reposRoot, "fresh-app")).toBe(path);
    const config = (key: string) => execFileSync("git", ["--git-dir", path, "config", key], { env, encoding: "utf8" }).trim();
    expect(config("core.bare")).toBe("true");
    expect(config("http.receivepack")).toBe("true");
    expect(config("receive.fsckObjects")).toBe("true");
    expect(readdirSync(reposRoot).filter((n) => n.includes(".new-"))).toEqual([]);
  });

  it("refuses app names that could leave the repositories' directory", async () => {
    for (const name of ["../evil", "a/b", "Evil", "x", ".git"])
      await expect(ensureAppRepo(reposRoot, name)).rejects.toBeInstanceOf(InvalidAppNameError);
    expect(existsSync(join(root, "evil.git"))).toBe(false);
    const answer = await serveGitHttp({
      reposRoot,
      appName: "../../x",
      method: "GET",
      pathInfo: "/info/refs",
      query: "service=git-upload-pack",
      body: Readable.from([]),
      remoteUser: "t",
    }).catch((e: unknown) => e);
    expect(answer).toBeInstanceOf(InvalidAppNameError);
  });

  it("exports only full SHAs of commits that exist", async () => {
    const path = await ensureAppRepo(reposRoot, "fresh-app");
    await expect(exportTree(path, "main", join(root, "x1"))).rejects.toBeInstanceOf(InvalidGitRefError);
    await expect(exportTree(path, "--output=/tmp/x", join(root, "x2"))).rejects.toBeInstanceOf(InvalidGitRefError);
    await expect(exportTree(path, "a".repeat(40), join(root, "x3"))).rejects.toBeInstanceOf(GitRefNotFoundError);
    expect(existsSync(join(root, "x3"))).toBe(false);
  });
});
