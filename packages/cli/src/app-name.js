// @ts-check
// Which app a command is about: -a/--app, else the app of the git remote named `skypanel`
// (its URL is <SKYPANEL_URL>/git/<app>.git, what `git:remote` and `apps:create` set).
import { execFileSync } from "node:child_process";

export const REMOTE = "skypanel";

/** The app named by a remote URL like `http://host:3000/git/my-app.git`, or null. */
export function appFromRemoteUrl(/** @type {string} */ url) {
  const m = /\/git\/([a-z0-9][a-z0-9-]*)\.git\/?$/i.exec(url.trim());
  return m?.[1] ?? null;
}

/** The git remote URL for an app on a platform. */
export function remoteUrlFor(/** @type {string} */ baseUrl, /** @type {string} */ app) {
  return `${baseUrl.replace(/\/+$/, "")}/git/${app}.git`;
}

/**
 * `git` in `cwd`, its output, or null when git is missing or fails (not a repository, no remote).
 * @param {string} cwd
 * @param {string[]} args
 */
export function git(cwd, args) {
  try {
    return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return null;
  }
}

/** The app of the `skypanel` remote of the repository around `cwd`, or null. */
export function appFromGitRemote(/** @type {string} */ cwd, remote = REMOTE) {
  const url = git(cwd, ["config", "--get", `remote.${remote}.url`]);
  return url ? appFromRemoteUrl(url) : null;
}

/** Whether `cwd` is inside a git work tree. */
export function inGitRepo(/** @type {string} */ cwd) {
  return git(cwd, ["rev-parse", "--is-inside-work-tree"]) === "true";
}

/**
 * Points the remote at `url`, adding it when missing; returns "added" or "updated".
 * @param {string} cwd
 * @param {string} url
 * @param {string} [remote]
 */
export function setGitRemote(cwd, url, remote = REMOTE) {
  const had = git(cwd, ["config", "--get", `remote.${remote}.url`]) !== null;
  const ok = git(cwd, had ? ["remote", "set-url", remote, url] : ["remote", "add", remote, url]);
  if (ok === null) throw new Error(`git could not ${had ? "update" : "add"} the remote ${remote}.`);
  return had ? "updated" : "added";
}
