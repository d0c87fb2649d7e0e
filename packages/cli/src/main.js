// @ts-check
// Dispatch: `skypanel COMMAND [flags]`. Imports only the command table at start; each
// command's module (and tar, ws, ignore) loads when that command runs.
import { parseArgs } from "./args.js";
import { ApiError, CliError, UsageError } from "./errors.js";
import { COMMANDS, resolveCommand } from "./registry.js";
import { version } from "./version.js";

/**
 * Runs one command line and returns the exit status (it never exits itself, so tests can call it).
 * @param {string[]} argv  the arguments after `skypanel`
 * @param {{ env?: NodeJS.ProcessEnv, stdout?: NodeJS.WriteStream, stderr?: NodeJS.WriteStream, stdin?: NodeJS.ReadStream, cwd?: string }} [io]
 * @returns {Promise<number>}
 */
export async function main(argv, io = {}) {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const [first, ...rest] = argv;
  if (first === "--version" || first === "-v" || first === "version") {
    stdout.write(`${version()}\n`);
    return 0;
  }
  if (first === undefined || first === "--help" || first === "-h") {
    const { generalHelp } = await import("./help.js");
    stdout.write(`${generalHelp()}\n`);
    return 0;
  }
  const name = resolveCommand(first);
  if (!name) {
    const near = Object.keys(COMMANDS).filter((c) => c.startsWith(first.split(":")[0] ?? first));
    stderr.write(
      `Error: "${first}" is not a skypanel command.${near.length ? ` Did you mean ${near.slice(0, 4).join(", ")}?` : ""} See \`skypanel help\`.\n`,
    );
    return 2;
  }
  const command = /** @type {import("./registry.js").Command} */ (COMMANDS[name]);
  if (wantsHelp(rest, Boolean(command.stopAtPositional))) {
    const { commandHelp } = await import("./help.js");
    stdout.write(`${commandHelp(name)}\n`);
    return 0;
  }

  const noColor = Boolean((io.env ?? process.env).NO_COLOR);
  try {
    const { flags, args } = parseArgs(rest, command.flags, { stopAtPositional: command.stopAtPositional });
    const { createContext } = await import("./context.js");
    const ctx = createContext({
      name,
      flags,
      args,
      env: io.env ?? process.env,
      stdout,
      stderr,
      stdin: io.stdin ?? process.stdin,
      cwd: io.cwd ?? process.cwd(),
    });
    return (await command.run(ctx)) ?? 0;
  } catch (err) {
    const red = (/** @type {string} */ s) => (stderr.isTTY && !noColor ? `\x1b[31m${s}\x1b[39m` : s);
    if (err instanceof UsageError) {
      stderr.write(`${red("Error:")} ${err.message}\nUsage: skypanel ${command.usage} (see skypanel ${name} --help)\n`);
      return 2;
    }
    if (err instanceof ApiError || err instanceof CliError) {
      stderr.write(`${red("Error:")} ${err.message}\n`);
      return err instanceof CliError ? err.exitCode : 1;
    }
    stderr.write(`${red("Error:")} ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
}

/** `--help`/`-h` among the command's own flags (not after `--`, nor in `run`'s remote command). */
function wantsHelp(/** @type {string[]} */ rest, /** @type {boolean} */ stopAtPositional) {
  for (const arg of rest) {
    if (arg === "--") return false;
    if (arg === "--help" || arg === "-h") return true;
    if (stopAtPositional && !arg.startsWith("-")) return false;
  }
  return false;
}
