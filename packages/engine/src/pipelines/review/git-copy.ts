// A review app made from a push (`git push <app> review/<name>`) builds from its own repository:
// the pushed commit is copied there from the app's, on this server, and built as a push.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { ensureAppRepo } from "../../sources/index.ts";

const run = promisify(execFile);

function gitEnv(reposDir: string) {
  return { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: join(reposDir, ".home"), GIT_CONFIG_NOSYSTEM: "1", GIT_TERMINAL_PROMPT: "0" };
}

/** The commit a branch of an app's repository points at; null when it has no such branch (or no repository). */
export async function branchCommit(reposDir: string, appName: string, branch: string): Promise<string | null> {
  try {
    const { stdout } = await run(
      "git",
      [
        "--git-dir",
        join(reposDir, `${appName}.git`),
        "rev-parse",
        "--verify",
        "--quiet",
        "--end-of-options",
        `refs/heads/${branch}^{commit}`,
      ],
      { env: gitEnv(reposDir), timeout: 30_000 },
    );
    return stdout.trim() || null;
  } catch {
    return null;
  }
}

/** Copies `sha` (a full commit id) from one app's repository to another's main branch. */
export async function copyCommit(reposDir: string, fromApp: string, toApp: string, sha: string): Promise<void> {
  const to = await ensureAppRepo(reposDir, toApp);
  await run("git", ["--git-dir", join(reposDir, `${fromApp}.git`), "push", "--quiet", "--force", "--", to, `${sha}:refs/heads/main`], {
    env: gitEnv(reposDir),
    timeout: 120_000,
  });
}
