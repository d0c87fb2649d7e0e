// The platform's static file server (buildpacks/support/static-server.mjs) as a web command,
// and the check every site directory read from the source passes first: the buildpacks match
// the command to find the directory to ship, so it must be a plain path inside the app.
import path from "node:path";
import { InvalidSourceFileError } from "./errors.ts";
import { preview } from "./shell.ts";
import { reason, type StackDetection } from "./stack.ts";

/** Where the buildpacks put SkyPanel's static file server in the artifact. */
export const STATIC_SERVER = ".skypanel/static-server.mjs";

// Kept in step with the patterns in buildpacks/static.nix and buildpacks/nodejs.nix.
const SITE_DIR = /^(?:[A-Za-z0-9_][A-Za-z0-9_./-]*|\.)$/;

/** `node .skypanel/static-server.mjs [--spa] <dir>`: --spa answers unknown routes with index.html. */
export function staticServerCommand(dir: string, spa: boolean): string {
  return `node ${STATIC_SERVER} ${spa ? "--spa " : ""}${dir}`;
}

/** `value` (what `file` says in `field`) as a normalised directory inside the app, or a clear error. */
export function checkSiteDir(file: string, field: string, value: string): string {
  const normal = path.posix.normalize(value.trim().replace(/^\.\/+/, "")).replace(/\/+$/, "") || ".";
  if (path.posix.isAbsolute(normal) || normal === ".." || normal.startsWith("../") || !SITE_DIR.test(normal)) {
    throw new InvalidSourceFileError(
      file,
      `${field} is ${preview(value)}; it must be a directory inside the app, named with letters, digits and . _ - / only.`,
    );
  }
  return normal;
}

/** A static site's plan: no toolchain, nothing to install or build, `web` serves it as it is. */
export function staticSitePlan(web: string, startReason: string, warnings: string[] = []): StackDetection {
  return {
    stack: "static",
    framework: null,
    versions: {},
    packageManager: "none",
    lockfiles: [],
    install: null,
    build: null,
    test: null,
    web,
    reasons: [reason("version", "A static site needs no toolchain."), reason("start", startReason)],
    warnings,
  };
}
