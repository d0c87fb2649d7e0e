// Local git repositories for tests, made with the system git and no user or system config.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

export function testGitEnv(home: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_TERMINAL_PROMPT: "0",
    GIT_AUTHOR_NAME: "Test",
    GIT_AUTHOR_EMAIL: "test@example.com",
    GIT_COMMITTER_NAME: "Test",
    GIT_COMMITTER_EMAIL: "test@example.com",
  };
}

export type TreeSpec = Record<string, string | { data: string; executable: true } | { symlink: string }>;

/** A working repository whose commits are made with `commit`. */
export function makeRepo(dir: string, home: string) {
  const env = testGitEnv(home);
  const git = (...args: string[]) => execFileSync("git", ["-C", dir, ...args], { env, encoding: "utf8" }).trim();
  mkdirSync(dir, { recursive: true });
  git("init", "-q", "-b", "main");
  return {
    dir,
    git,
    /** Writes the files (adding to what is there) and commits them; returns the commit SHA. */
    commit(message: string, files: TreeSpec): string {
      for (const [path, spec] of Object.entries(files)) {
        const full = join(dir, path);
        mkdirSync(dirname(full), { recursive: true });
        if (typeof spec === "string") writeFileSync(full, spec);
        else if ("symlink" in spec) symlinkSync(spec.symlink, full);
        else {
          writeFileSync(full, spec.data);
          chmodSync(full, 0o755);
        }
      }
      git("add", "-A");
      git("commit", "-q", "-m", message);
      return git("rev-parse", "HEAD");
    },
  };
}
