import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { appFromGitRemote, appFromRemoteUrl, remoteUrlFor, setGitRemote } from "./app-name.js";
import { runCli, stubServer } from "./testing/io.ts";

function repo() {
  const dir = mkdtempSync(join(tmpdir(), "skypanel-repo-"));
  execFileSync("git", ["init", "-q", dir]);
  return dir;
}

describe("choosing the app", () => {
  it("reads the app from a remote URL <SKYPANEL_URL>/git/<app>.git and nothing else", () => {
    expect(appFromRemoteUrl("http://127.0.0.1:3000/git/my-app.git")).toBe("my-app");
    expect(appFromRemoteUrl("https://paas.example.com/prefix/git/api-2.git/")).toBe("api-2");
    expect(appFromRemoteUrl("git@github.com:me/my-app.git")).toBeNull();
    expect(appFromRemoteUrl("http://h/git/../etc.git")).toBeNull();
    expect(remoteUrlFor("http://127.0.0.1:3000/", "my-app")).toBe("http://127.0.0.1:3000/git/my-app.git");
  });

  it("finds the skypanel remote from any folder of the repository; none outside one", () => {
    const dir = repo();
    expect(appFromGitRemote(dir)).toBeNull();
    execFileSync("git", ["-C", dir, "remote", "add", "origin", "http://127.0.0.1:3000/git/not-this.git"]);
    expect(appFromGitRemote(dir)).toBeNull();
    expect(setGitRemote(dir, "http://127.0.0.1:3000/git/from-remote.git")).toBe("added");
    mkdirSync(join(dir, "src", "deep"), { recursive: true });
    expect(appFromGitRemote(join(dir, "src", "deep"))).toBe("from-remote");
    expect(setGitRemote(dir, "http://127.0.0.1:3000/git/renamed.git")).toBe("updated");
    expect(appFromGitRemote(dir)).toBe("renamed");
    expect(appFromGitRemote(mkdtempSync(join(tmpdir(), "skypanel-not-repo-")))).toBeNull();
  });

  it("a command uses -a over the remote, the remote without -a, and is a usage error with neither (recording HTTP stub, not the platform)", async () => {
    const stub = await stubServer(() => ({ body: { name: "x" } }));
    try {
      const dir = repo();
      setGitRemote(dir, `${stub.url}/git/remote-app.git`);
      const env = { SKYPANEL_URL: stub.url, SKYPANEL_API_KEY: "spt_x" };
      expect((await runCli(["apps:info", "--json"], { env, cwd: dir })).code).toBe(0);
      expect((await runCli(["apps:info", "--json", "-a", "flag-app"], { env, cwd: dir })).code).toBe(0);
      expect(stub.requests.map((r) => r.url)).toEqual(["/api/apps/remote-app", "/api/apps/flag-app"]);
      const none = await runCli(["apps:info"], { env, cwd: mkdtempSync(join(tmpdir(), "skypanel-not-repo-")) });
      expect(none.code).toBe(2);
      expect(none.stderr).toMatch(/No app given: pass -a APP/);
      expect(stub.requests).toHaveLength(2);
    } finally {
      await stub.close();
    }
  });
});
