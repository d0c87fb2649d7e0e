// @ts-check
// What a command gets: its flags and arguments, the output, the API client and the app.
import { Api } from "./api.js";
import { appFromGitRemote } from "./app-name.js";
import { machineOf, readConfig } from "./config.js";
import { UsageError } from "./errors.js";
import { readNetrcEntry } from "./netrc.js";
import { createOutput } from "./output.js";

/**
 * @typedef {object} Context
 * @property {string} name        the command's canonical name
 * @property {import("./args.js").Flags} flags
 * @property {string[]} args
 * @property {import("./config.js").CliConfig} config
 * @property {import("./output.js").Output} out
 * @property {string} cwd
 * @property {NodeJS.ReadStream} stdin
 * @property {NodeJS.WriteStream} stdout
 * @property {NodeJS.WriteStream} stderr
 * @property {() => Api} api        the client with the token in force (SKYPANEL_API_KEY, else ~/.netrc)
 * @property {() => string} app     the app, or a usage error saying how to name one
 * @property {(name: string) => string | undefined} str   a string flag
 */

/**
 * @param {{ name: string, flags: import("./args.js").Flags, args: string[], env: NodeJS.ProcessEnv, stdout: NodeJS.WriteStream, stderr: NodeJS.WriteStream, stdin: NodeJS.ReadStream, cwd: string }} input
 * @returns {Context}
 */
export function createContext({ name, flags, args, env, stdout, stderr, stdin, cwd }) {
  const config = readConfig(env);
  const out = createOutput({ stdout, stderr, noColor: config.noColor });
  /** @type {Api | null} */
  let api = null;
  return {
    name,
    flags,
    args,
    config,
    out,
    cwd,
    stdin,
    stdout,
    stderr,
    api() {
      api ??= new Api(config.url, config.apiKey ?? readNetrcEntry(config.netrcPath, machineOf(config.url))?.password ?? null);
      return api;
    },
    app() {
      const flag = flags.app;
      if (typeof flag === "string" && flag) return flag;
      const fromRemote = appFromGitRemote(cwd);
      if (fromRemote) return fromRemote;
      throw new UsageError(
        "No app given: pass -a APP, or run this in a git repository with a skypanel remote (skypanel git:remote -a APP).",
      );
    },
    str(flagName) {
      const v = flags[flagName];
      return typeof v === "string" ? v : undefined;
    },
  };
}
