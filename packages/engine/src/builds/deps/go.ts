import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { BuildPlan } from "../../detect/plan.ts";
import { ValidationError } from "../../errors.ts";
import type { DependencyFetcher } from "./types.ts";

/** The modules go.mod requires, minus those replaced by a directory of the source. */
export function requiredModules(goMod: string): string[] {
  const text = goMod.replace(/\/\/.*$/gm, "");
  const required = new Set<string>();
  const local = new Set<string>();
  const directive = (keyword: string, each: (line: string) => void) => {
    const block = new RegExp(`^\\s*${keyword}\\s*\\(([^)]*)\\)`, "gm");
    for (const m of text.matchAll(block)) for (const line of (m[1] as string).split("\n")) if (line.trim()) each(line.trim());
    const single = new RegExp(`^\\s*${keyword}\\s+([^(\\s].*)$`, "gm");
    for (const m of text.matchAll(single)) each((m[1] as string).trim());
  };
  directive("require", (line) => required.add(line.split(/\s+/)[0] as string));
  directive("replace", (line) => {
    const [from, to] = line.split("=>").map((s) => s.trim());
    if (from && to && /^\.\.?\//.test(to)) local.add(from.split(/\s+/)[0] as string);
  });
  return [...required].filter((m) => !local.has(m));
}

/**
 * Go has nothing to fetch here: no module proxy is reachable from this platform. Modules that
 * require others build only when they are vendored, which is checked before the build.
 */
export function goDependencies(_plan: BuildPlan, sourceDir: string): DependencyFetcher | null {
  const goMod = readFileSync(join(sourceDir, "go.mod"), "utf8");
  const required = requiredModules(goMod);
  if (required.length === 0 || existsSync(join(sourceDir, "vendor", "modules.txt"))) return null;
  const named = required.slice(0, 3).join(", ") + (required.length > 3 ? ` and ${required.length - 3} more` : "");
  throw new ValidationError(
    `go.mod requires ${named}, and builds cannot reach a Go module proxy to download them. ` +
      "Run 'go mod vendor' and commit the vendor/ directory.",
  );
}
