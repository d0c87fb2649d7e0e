// Procfile: one `name: command` per line, Heroku style. Blank lines and # comments are
// allowed; anything else that is not a valid entry is an error naming its line, because a
// silently dropped process type is worse than a failed build.
import { InvalidSourceFileError } from "./errors.ts";
import { hasControlCharacters, preview } from "./shell.ts";

export const PROCESS_TYPE_RULE = /^[a-zA-Z0-9_-]{1,63}$/;
export const MAX_PROCESS_TYPES = 50;
export const MAX_COMMAND_LENGTH = 8192;
/** How many bad lines one error message lists before it says "and N more". */
const MAX_REPORTED = 5;

/** Process types in file order, `release` included. */
export function parseProcfile(text: string, file = "Procfile"): Record<string, string> {
  // A Map, then Object.fromEntries: a process type named "__proto__" stays an ordinary entry.
  const entries = new Map<string, string>();
  const firstLine = new Map<string, number>();
  const problems: string[] = [];
  const lines = text.split(/\r\n|\r|\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    const n = index + 1;
    if (line === "" || line.startsWith("#")) return;
    const colon = line.indexOf(":");
    if (colon === -1) {
      problems.push(`line ${n}: expected "name: command", got ${preview(line)}`);
      return;
    }
    const name = line.slice(0, colon).trim();
    const command = line.slice(colon + 1).trim();
    if (!PROCESS_TYPE_RULE.test(name)) {
      problems.push(
        `line ${n}: ${preview(name)} is not a valid process type name (1 to 63 letters, digits, dashes or underscores, then ": command")`,
      );
    } else if (command === "") {
      problems.push(`line ${n}: the process type "${name}" has no command`);
    } else if (command.length > MAX_COMMAND_LENGTH) {
      problems.push(`line ${n}: the command of "${name}" is longer than ${MAX_COMMAND_LENGTH} characters`);
    } else if (hasControlCharacters(command)) {
      problems.push(`line ${n}: the command of "${name}" contains control characters`);
    } else if (firstLine.has(name)) {
      problems.push(`line ${n}: the process type "${name}" is already defined on line ${firstLine.get(name)}`);
    } else {
      firstLine.set(name, n);
      entries.set(name, command);
    }
  });
  if (problems.length > 0) {
    const more = problems.length > MAX_REPORTED ? ` (and ${problems.length - MAX_REPORTED} more bad lines)` : "";
    throw new InvalidSourceFileError(file, `${problems.slice(0, MAX_REPORTED).join("; ")}${more}.`);
  }
  const count = entries.size;
  if (count > MAX_PROCESS_TYPES) {
    throw new InvalidSourceFileError(file, `declares ${count} process types; an app may have at most ${MAX_PROCESS_TYPES}.`);
  }
  if (count === 0) throw new InvalidSourceFileError(file, 'declares no process types; add a line like "web: <command>".');
  return Object.fromEntries(entries);
}
