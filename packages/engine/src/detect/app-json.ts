// Heroku's app.json, read for the two hints it gives a builder: `buildpacks` (which language
// builds the app when its source has several manifests) and `stack` (the base image on Heroku).
// Hints only: the source's own files decide what can build, app.json never makes a stack match.
import type { SourceTree } from "./files.ts";
import type { Stack } from "./plan.ts";
import { reason, type StackDetection } from "./stack.ts";

// Heroku's official buildpacks by their registry names and GitHub addresses, and the community
// ones people use for stacks Heroku has none for.
const BUILDPACK_STACKS: [RegExp, Stack][] = [
  [/^heroku\/nodejs$|heroku-buildpack-nodejs/, "nodejs"],
  [/^heroku\/python$|heroku-buildpack-python/, "python"],
  [/^heroku\/go$|heroku-buildpack-go/, "go"],
  [/^heroku\/(java|gradle|scala)$|heroku-buildpack-(java|gradle)/, "java"],
  [/^heroku\/ruby$|heroku-buildpack-ruby/, "ruby"],
  [/^heroku\/php$|heroku-buildpack-php/, "php"],
  [/^emk\/rust$|heroku-buildpack-rust/, "rust"],
  [/^heroku-community\/static$|heroku-buildpack-static/, "static"],
];

export interface AppJsonHints {
  /** The stack app.json's buildpacks ask for, when it is one the source matched. */
  preferred: Stack | null;
  reasons: StackDetection["reasons"];
  warnings: string[];
}

const NONE: AppJsonHints = { preferred: null, reasons: [], warnings: [] };

/** What app.json hints, given the stacks whose manifests the source has (in precedence order). */
export async function appJsonHints(tree: SourceTree, matched: Stack[]): Promise<AppJsonHints> {
  let text: string | null;
  try {
    text = await tree.readText("app.json", 256 * 1024);
  } catch (err) {
    // Too big, or not a plain file: hints are not worth failing a build for.
    return { ...NONE, warnings: [`app.json was not read (${(err as Error).message}): its hints were ignored.`] };
  }
  if (text === null) return NONE;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { ...NONE, warnings: ["app.json is not valid JSON: its buildpacks and stack hints were not read."] };
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return NONE;
  const hints: AppJsonHints = { preferred: null, reasons: [], warnings: [] };
  const { buildpacks, stack } = doc as { buildpacks?: unknown; stack?: unknown };

  if (typeof stack === "string" && stack.length <= 64) {
    hints.reasons.push(
      reason(
        "app.json",
        stack === "container"
          ? `app.json asks for the container stack: a Dockerfile builds the app when it is one SkyPanel can build.`
          : `app.json asks for stack ${JSON.stringify(stack)}: SkyPanel builds on its own toolchains, which the stack does not change.`,
      ),
    );
  }

  const urls = Array.isArray(buildpacks)
    ? buildpacks
        .slice(0, 16)
        .map((b) => (typeof b === "object" && b !== null ? (b as { url?: unknown }).url : null))
        .filter((u): u is string => typeof u === "string" && u.length <= 300)
    : [];
  if (urls.length === 0) return hints;
  const named = urls.map((url) => ({ url, stack: BUILDPACK_STACKS.find(([re]) => re.test(url))?.[1] ?? null }));
  // On Heroku the last buildpack is the app's own (its default process types win); the ones
  // before it add tools (a Node.js buildpack for a Django app's assets).
  const last = [...named].reverse().find((n) => n.stack !== null);
  const unknown = named.filter((n) => n.stack === null).map((n) => n.url);
  if (unknown.length > 0)
    hints.reasons.push(reason("app.json", `app.json's buildpacks ${unknown.join(", ")} mean nothing to SkyPanel and are ignored.`));
  if (!last?.stack) return hints;
  if (matched.includes(last.stack)) {
    hints.preferred = last.stack;
    hints.reasons.push(reason("app.json", `app.json's buildpacks end with ${last.url}: the ${last.stack} manifest builds this app.`));
  } else {
    hints.warnings.push(
      `app.json's buildpacks ask for ${last.url}, but the source has no ${last.stack} manifest; it builds from what it has instead.`,
    );
  }
  return hints;
}
