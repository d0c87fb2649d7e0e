// Cloud Foundry's Staticfile: a file named Staticfile says "serve this as a static site". Its
// lines are `key: value`; SkyPanel honours `root: <dir>` (the directory served, the top one by
// default) and `pushstate: enabled` (a single-page app: paths that are no file get index.html).
// The other options configure CF's nginx; they are named in a warning, never silently dropped.
import { ValidationError } from "../errors.ts";
import { InvalidSourceFileError } from "./errors.ts";
import type { SourceTree } from "./files.ts";
import { preview } from "./shell.ts";
import { checkSiteDir, staticServerCommand, staticSitePlan } from "./site-dir.ts";
import type { StackDetection } from "./stack.ts";

const FILE = "Staticfile";

export async function staticfileSite(tree: SourceTree): Promise<StackDetection> {
  // Basic auth would protect the site on Cloud Foundry; served without it, it would be public.
  if (await tree.has("Staticfile.auth"))
    throw new ValidationError(
      "Staticfile.auth asks for HTTP basic auth, which SkyPanel's static server does not do: the site would be public. " +
        "Remove Staticfile.auth to serve the site openly, or put the check in an app of your own.",
    );
  const options = parseStaticfile((await tree.readText(FILE, 64 * 1024)) ?? "");
  const warnings: string[] = [];
  const root = options.root === undefined ? "." : checkSiteDir(FILE, "root", options.root);
  if (!(await tree.isDir(root))) throw new InvalidSourceFileError(FILE, `root is ${root}, which is not a directory in the source.`);
  const pushstate = options.pushstate?.toLowerCase();
  const spa = pushstate === "enabled" || pushstate === "true";
  if (spa && !(await tree.isFile(root === "." ? "index.html" : `${root}/index.html`)))
    warnings.push(`pushstate is enabled but ${root === "." ? "" : `${root}/`}index.html does not exist: unknown paths will be 404.`);
  const ignored = Object.keys(options).filter((k) => k !== "root" && k !== "pushstate");
  if (ignored.length > 0) warnings.push(`Staticfile options ignored (they configure Cloud Foundry's nginx): ${ignored.join(", ")}.`);
  if (options.host_dot_files === "true") warnings.push("host_dot_files is not honoured: dotfiles are never served, except /.well-known/.");

  const web = staticServerCommand(root, spa);
  const served = root === "." ? "the top directory" : `${root}/`;
  return staticSitePlan(
    web,
    `${web}: the Staticfile says to serve ${served}${options.root === undefined ? " (no root: line)" : ""}` +
      (spa ? ", and pushstate: enabled makes it a single-page app (a path that is no file gets index.html)" : "") +
      "; SkyPanel's static file server serves it as it is.",
    warnings,
  );
}

/** `key: value` lines; blank lines and # comments skipped; anything else names its line. */
export function parseStaticfile(text: string): Record<string, string> {
  const options: Record<string, string> = Object.create(null);
  for (const [i, raw] of text.split(/\r\n|\r|\n/).entries()) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    // The line is trimmed, so the value needs no trailing-space handling (and no backtracking).
    const m = /^([A-Za-z_][A-Za-z0-9_]*)[ \t]*:[ \t]*(.*)$/.exec(line);
    if (!m) throw new InvalidSourceFileError(FILE, `line ${i + 1} is ${preview(line)}; expected "key: value", e.g. "root: public".`);
    // As in YAML: a " #" starts a comment, and a value may be quoted.
    const value = (m[2] as string).replace(/\s#.*$/, "").trim();
    options[(m[1] as string).toLowerCase()] = value.replace(/^(['"])(.*)\1$/, "$2");
  }
  return options;
}
