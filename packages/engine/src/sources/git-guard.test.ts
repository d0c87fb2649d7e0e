// git sources under the outbound guard: refused destinations are never connected to, the checked
// address is the one git connects to (pinned), and a fetch stops at its byte cap.

import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OutboundRefusedError, outboundPolicy } from "../net/index.ts";
import { ensureAppRepo, fetchGit, GitFetchError, GitFetchTooLargeError, serveGitHttp } from "./index.ts";
import { makeRepo, testGitEnv } from "./test-git.ts";

const root = await mkdtemp(join(tmpdir(), "skypanel-git-guard-"));
const home = join(root, "home");
mkdirSync(home);
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const dest = () => join(root, `dest-${++n}`);

describe("fetchGit under the outbound guard", () => {
  let server: Server;
  let port: number;
  let requests = 0;

  beforeAll(async () => {
    const repo = makeRepo(join(root, "origin"), home);
    repo.commit("first", { "README.md": "hello\n", "big.bin": randomBytes(512 * 1024).toString("base64") });
    const reposRoot = join(root, "served");
    const bare = await ensureAppRepo(reposRoot, "shop");
    execFileSync("git", ["-C", repo.dir, "push", "-q", bare, "main"], { env: testGitEnv(home) });
    // git's smart HTTP on 127.0.0.2 only: a git that connected to 127.0.0.1 would find nothing.
    server = createServer(async (req, res) => {
      requests++;
      const [path = "", query = ""] = (req.url ?? "").split("?");
      // A repository that moved: git must not follow it, since the new place was never checked.
      if (path.startsWith("/moved.git"))
        return res.writeHead(302, { location: `http://127.0.0.2:${port}${req.url?.replace("/moved.git", "/shop.git")}` }).end();
      const answer = await serveGitHttp({
        reposRoot,
        appName: "shop",
        method: req.method ?? "GET",
        pathInfo: path.replace(/^\/shop\.git/, ""),
        query,
        contentType: req.headers["content-type"],
        ...(req.headers["content-encoding"] ? { contentEncoding: req.headers["content-encoding"] } : {}),
        ...(req.headers["git-protocol"] ? { gitProtocol: String(req.headers["git-protocol"]) } : {}),
        body: req,
        remoteUser: "test",
      });
      res.writeHead(answer.status, answer.headers);
      answer.body.pipe(res);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.2", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it("refuses loopback and private-range sources before git runs", async () => {
    const policy = outboundPolicy();
    const loopback = await fetchGit({ url: `http://127.0.0.2:${port}/shop.git` }, dest(), { timeoutMs: 30_000, outbound: policy }).catch(
      (e: Error) => e,
    );
    expect(loopback).toBeInstanceOf(OutboundRefusedError);
    expect((loopback as Error).message).toBe(
      `Refused: git source http://127.0.0.2:${port}/shop.git resolves to 127.0.0.2, a loopback address; an operator can allow it with SKYPANEL_OUTBOUND_ALLOW.`,
    );
    for (const url of ["http://10.255.255.1/x.git", "git://[fd00::1]/x.git", "ssh://git@169.254.169.254/x.git", "git@192.168.1.1:x.git"]) {
      const err = await fetchGit({ url }, dest(), { timeoutMs: 30_000, outbound: policy }).catch((e: Error) => e);
      expect(err, url).toBeInstanceOf(OutboundRefusedError);
    }
    expect(requests).toBe(0);
  });

  it("connects git to the address that was checked, not to what the name resolves to again (resolver faked)", async () => {
    // The system says localhost is 127.0.0.1, where nothing serves; the checked answer is 127.0.0.2.
    const policy = outboundPolicy({ allow: "127.0.0.2", resolve: async () => [{ address: "127.0.0.2", family: 4 }] });
    const result = await fetchGit({ url: `http://localhost:${port}/shop.git` }, dest(), { timeoutMs: 30_000, outbound: policy });
    expect(result.ref).toBe("main");
    expect(requests).toBeGreaterThan(0);
  });

  it("does not follow a redirect, even to an allowed place", async () => {
    const policy = outboundPolicy({ allow: "127.0.0.2" });
    const before = requests;
    const err = await fetchGit({ url: `http://127.0.0.2:${port}/moved.git` }, dest(), { timeoutMs: 30_000, outbound: policy }).catch(
      (e: Error) => e,
    );
    expect(err).toBeInstanceOf(GitFetchError);
    // Only the redirect itself was asked for.
    expect(requests - before).toBe(1);
  });

  it("stops a fetch that brings in more than its byte cap", async () => {
    const policy = outboundPolicy({ allow: "127.0.0.2" });
    const err = await fetchGit({ url: `http://127.0.0.2:${port}/shop.git` }, dest(), {
      timeoutMs: 30_000,
      outbound: policy,
      maxFetchBytes: 200 * 1024,
    }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(GitFetchTooLargeError);
    expect((err as Error).message).toBe(
      `Fetching http://127.0.0.2:${port}/shop.git was stopped: git had received more than 200 KiB, the most a git source may bring.`,
    );
  });
});
