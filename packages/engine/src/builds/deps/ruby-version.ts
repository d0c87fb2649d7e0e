// The Ruby an app asks for, checked against the platform's (Debian 12's ruby, 3.1): Bundler
// refuses to run when the Gemfile's `ruby` line is not met, so a build that cannot meet it stops
// here, naming what the platform has.
import { ValidationError } from "../../errors.ts";

/** Debian 12's ruby3.1, which builds and releases run on. */
export const PLATFORM_RUBY = "3.1.2";

const parts = (v: string) => v.split(".").map((n) => Number.parseInt(n, 10) || 0);

function compare(a: string, b: string): number {
  const x = parts(a);
  const y = parts(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** RubyGems' requirement operators; a bare version matches its own releases ("3.1" matches 3.1.x). */
export function satisfies(have: string, requirement: string): boolean {
  const m = /^\s*(~>|>=|<=|!=|>|<|=)?\s*(\d+(?:\.\d+)*)/.exec(requirement);
  if (!m) return false;
  const [, op, v] = m as unknown as [string, string | undefined, string];
  const c = compare(have, v);
  switch (op) {
    case "~>": {
      const upper = parts(v).slice(0, Math.max(1, parts(v).length - 1));
      upper[upper.length - 1] = (upper[upper.length - 1] ?? 0) + 1;
      return c >= 0 && compare(have, upper.join(".")) < 0;
    }
    case ">=":
      return c >= 0;
    case "<=":
      return c <= 0;
    case ">":
      return c > 0;
    case "<":
      return c < 0;
    case "!=":
      return c !== 0;
    case "=":
      return c === 0;
    default:
      return have === v || have.startsWith(`${v}.`);
  }
}

/** The reason the plan gives for the Ruby it runs on, or a refusal naming what is available. */
export function checkRubyVersion(gemfile: string, rubyVersionFile: string | null, have = PLATFORM_RUBY): string {
  const line = /^\s*ruby\s+((?:["'][^"']+["']\s*,?\s*)+)/m.exec(gemfile)?.[1];
  const fromGemfile = line ? [...line.matchAll(/["']([^"']+)["']/g)].map((m) => m[1] as string) : [];
  const fromFile = rubyVersionFile
    ?.split("\n")
    .map((l) => l.trim())
    .find((l) => l !== "" && !l.startsWith("#"))
    ?.replace(/^ruby-/, "");
  const [wanted, from] =
    fromGemfile.length > 0 ? [fromGemfile, "the Gemfile's ruby line"] : fromFile ? [[fromFile], ".ruby-version"] : [[], ""];
  if (wanted.length === 0) return `Ruby ${have}, the platform's (the app names no version).`;
  if (wanted.every((r) => satisfies(have, r))) return `Ruby ${have}, the platform's, satisfies ${wanted.join(", ")} (${from}).`;
  throw new ValidationError(
    `${from} asks for Ruby ${wanted.join(", ")}, and this platform has Ruby ${have} only (Debian 12's). Ask for a version it satisfies, such as "~> 3.1" or "${have}".`,
  );
}
