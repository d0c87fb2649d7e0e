// @ts-check
// Flag parsing for one command: `--flag value`, `--flag=value`, `-f value`, `--no-flag`, `--`.
import { UsageError } from "./errors.js";

/**
 * @typedef {object} FlagSpec
 * @property {"string" | "boolean"} type
 * @property {string} [short]   one letter: `-a`
 * @property {boolean} [multiple]  a string flag given several times collects an array
 * @property {string} [help]
 * @property {string} [value]   the value's name in help, e.g. APP
 */

/** @typedef {Record<string, string | boolean | string[] | undefined>} Flags */

/**
 * Parses `argv` against `spec`. Unknown flags and missing values are usage errors.
 * With `stopAtPositional` (used by `run`), the first positional and everything after it are
 * left alone, so `skypanel run node -e 'x'` passes `-e` to the remote command.
 *
 * @param {string[]} argv
 * @param {Record<string, FlagSpec>} spec
 * @param {{ stopAtPositional?: boolean }} [options]
 * @returns {{ flags: Flags, args: string[] }}
 */
export function parseArgs(argv, spec, options = {}) {
  /** @type {Flags} */
  const flags = {};
  /** @type {string[]} */
  const args = [];
  const byShort = new Map(
    Object.entries(spec)
      .filter(([, s]) => s.short)
      .map(([name, s]) => [s.short, name]),
  );

  /** @param {string} name @param {string | boolean} value */
  const set = (name, value) => {
    const s = spec[name];
    if (s?.multiple && typeof value === "string") {
      const list = flags[name];
      flags[name] = Array.isArray(list) ? [...list, value] : [value];
    } else flags[name] = value;
  };

  for (let i = 0; i < argv.length; i++) {
    const arg = /** @type {string} */ (argv[i]);
    if (arg === "--") {
      args.push(...argv.slice(i + 1));
      break;
    }
    const long = /^--([^=]+)(?:=([\s\S]*))?$/.exec(arg);
    const short = long ? null : /^-([A-Za-z])([\s\S]*)$/.exec(arg);
    if (!long && !short) {
      if (options.stopAtPositional) {
        args.push(...argv.slice(i));
        break;
      }
      args.push(arg);
      continue;
    }
    const name = long ? /** @type {string} */ (long[1]) : (byShort.get(/** @type {string} */ (short?.[1])) ?? "");
    let inline = long ? long[2] : short?.[2] || undefined;
    const s = spec[name];
    if (!s && long && name.startsWith("no-") && spec[name.slice(3)]?.type === "boolean" && inline === undefined) {
      flags[name.slice(3)] = false;
      continue;
    }
    if (!s) throw new UsageError(`Unknown flag ${arg.split("=")[0]}.`);
    if (s.type === "boolean") {
      if (inline !== undefined && long) {
        if (!/^(true|false|1|0)$/.test(inline)) throw new UsageError(`--${name} takes no value (or true/false), not "${inline}".`);
        set(name, inline === "true" || inline === "1");
      } else if (inline !== undefined) {
        throw new UsageError(`-${short?.[1]} takes no value.`);
      } else set(name, true);
      continue;
    }
    if (inline === undefined) {
      const next = argv[i + 1];
      if (next === undefined) throw new UsageError(`${long ? `--${name}` : `-${s.short}`} needs a value${s.value ? ` (${s.value})` : ""}.`);
      inline = next;
      i++;
    }
    set(name, inline);
  }
  return { flags, args };
}
