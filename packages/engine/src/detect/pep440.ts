// Does a Python version satisfy what an app asks for? Two rules, both on release numbers
// compared as numbers (never as text prefixes: "3.1" is not "3.11", and 3.11.4 is newer than
// the 3.11.2 a platform has):
//   - a plain version (.python-version, runtime.txt, Pipfile [requires]): "3", "3.11" or
//     "3.11.x" up to the platform's patch — pyenv and Heroku read "3.11" as "the newest 3.11";
//   - a PEP 440 specifier (requires-python): ">=3.10,<3.13", "~=3.11", "==3.11.*", "!=3.12".
// Pre-releases and local versions are not supported: a platform builds with a final release.

const RELEASE = /^\d{1,6}(?:\.\d{1,6}){0,3}$/;
const CLAUSE = /^(~=|===|==|!=|<=|>=|<|>)\s*(\d{1,6}(?:\.\d{1,6}){0,3})(\.\*)?$/;

/** "3.11.2" → [3, 11, 2]; null when it is not a release number. */
export function parseRelease(text: string): number[] | null {
  return RELEASE.test(text) ? text.split(".").map(Number) : null;
}

/** Compares release numbers the PEP 440 way: missing parts count as zero (3.11 == 3.11.0). */
export function compareReleases(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return Math.sign(diff);
  }
  return 0;
}

/** Whether `have` starts with every part of `prefix` (3.11.2 is in the 3.11 series). */
function inSeries(have: number[], prefix: number[]): boolean {
  return prefix.every((part, i) => have[i] === part);
}

/** The plain-version rule: same major (and minor, when given), and a patch no newer than `have`'s. */
export function satisfiesPlain(wanted: number[], have: number[]): boolean {
  const series = wanted.slice(0, 2);
  if (!inSeries(have, series)) return false;
  return wanted.length < 3 || compareReleases(wanted, have) <= 0;
}

/**
 * Whether `have` satisfies a PEP 440 specifier; null when the specifier cannot be read (the
 * caller names the file). A specifier is clauses separated by commas, all of which must hold.
 */
export function satisfiesSpecifier(specifier: string, have: number[]): boolean | null {
  const clauses = specifier.split(",").map((c) => c.trim());
  if (clauses.length > 16 || clauses.some((c) => c === "")) return null;
  let ok = true;
  for (const clause of clauses) {
    const m = CLAUSE.exec(clause);
    if (!m) return null;
    const [, op, text, star] = m as unknown as [string, string, string, string | undefined];
    const version = text.split(".").map(Number);
    if (star && op !== "==" && op !== "!=") return null;
    if (op === "~=" && version.length < 2) return null;
    ok &&= holds(op, version, Boolean(star), have, text);
  }
  return ok;
}

function holds(op: string, version: number[], star: boolean, have: number[], text: string): boolean {
  const cmp = compareReleases(have, version);
  switch (op) {
    case "==":
      return star ? inSeries(have, version) : cmp === 0;
    case "!=":
      return star ? !inSeries(have, version) : cmp !== 0;
    case "===":
      return have.join(".") === text;
    case "~=":
      // ~=3.11 is >=3.11 and ==3.*; ~=3.11.1 is >=3.11.1 and ==3.11.*.
      return cmp >= 0 && inSeries(have, version.slice(0, -1));
    case "<=":
      return cmp <= 0;
    case ">=":
      return cmp >= 0;
    case "<":
      return cmp < 0;
    default:
      return cmp > 0;
  }
}
