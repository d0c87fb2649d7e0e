// Which Node.js builds and runs an app. The request comes from engines.node (first, the way
// Heroku's Node.js buildpack documents it), else .nvmrc, else .node-version; it is a semver range
// checked with `semver` (never a prefix match). The platform's own Node is used when it satisfies
// the request; otherwise the newest matching release of the npm registry's node-linux-<arch>.
// Pure: the build passes in the platform's version and the registry's list (builds/deps/node-runtime.ts).
import semver from "semver";
import { ValidationError } from "../errors.ts";
import { InvalidSourceFileError } from "./errors.ts";
import { checkVersion, DEFAULT_VERSIONS, firstLine } from "./versions.ts";

/** .nvmrc names for Node.js LTS lines (nvm's `lts/<name>`); `lts/*` is the newest one listed. */
export const LTS_NAMES: Record<string, string> = {
  argon: "4",
  boron: "6",
  carbon: "8",
  dubnium: "10",
  erbium: "12",
  fermium: "14",
  gallium: "16",
  hydrogen: "18",
  iron: "20",
  jod: "22",
  krypton: "24",
};
const NEWEST_LTS = "krypton";

/** The texts the request is read from; null when absent. */
export interface NodeFiles {
  enginesNode: string | null;
  nvmrc: string | null;
  nodeVersion: string | null;
}

export interface NodeRequest {
  /** As the detected plan shows it (versions.node): the range written, or an LTS name's major. */
  version: string;
  /** Where it came from, for detection's reason. */
  from: string;
  /** The request as the chosen-version reason names it, e.g. `engines.node ">=22 <23"`; null when the source asks for none. */
  asked: string | null;
}

/** The Node.js version a source asks for, checked (a hostile or malformed value is refused here). */
export function nodeRequest(files: NodeFiles): NodeRequest {
  if (files.enginesNode !== null && files.enginesNode.trim() !== "") {
    const version = checkVersion("package.json", files.enginesNode, "Node.js");
    return { version, from: "engines.node in package.json", asked: `engines.node "${version}"` };
  }
  const [file, raw] =
    files.nvmrc !== null ? [".nvmrc", files.nvmrc] : files.nodeVersion !== null ? [".node-version", files.nodeVersion] : [];
  const text = file && raw !== undefined ? firstLine(raw) : "";
  if (!file || text === "") {
    return { version: DEFAULT_VERSIONS.node, from: "the platform default (no engines.node, .nvmrc or .node-version)", asked: null };
  }
  const alias = /^lts\/([a-z*]{1,20})$/i.exec(text)?.[1]?.toLowerCase();
  if (alias !== undefined) {
    const name = alias === "*" ? NEWEST_LTS : alias;
    if (!Object.hasOwn(LTS_NAMES, name)) {
      throw new InvalidSourceFileError(
        file,
        `lts/${alias} is not a Node.js LTS line SkyPanel knows (${Object.keys(LTS_NAMES).join(", ")}).`,
      );
    }
    return { version: LTS_NAMES[name] as string, from: `${file} (which says ${text})`, asked: `${file} "${text}"` };
  }
  // nvm's "newest release" names: any Node will do, so the platform's own (a build that changes
  // Node whenever a release comes out would not be reproducible).
  if (text === "node" || text === "stable") {
    return { version: DEFAULT_VERSIONS.node, from: `${file} (which says ${text})`, asked: null };
  }
  const version = checkVersion(file, text, "Node.js");
  return { version, from: file, asked: `${file} "${version}"` };
}

export interface NodeChoice {
  /** The exact version, e.g. 22.23.5. */
  version: string;
  /** True when it comes from the registry; false for the platform's own Node. */
  download: boolean;
  /** For the plan and the build log: which version and why. */
  reason: string;
}

/** The request as a semver range; a clear error when `semver` cannot read it. */
export function nodeRange(request: NodeRequest): string {
  const range = semver.validRange(request.version);
  if (range === null) {
    throw new ValidationError(
      `${request.asked ?? request.version} is not a Node.js version range (expected something like "22", "22.x", "^22.11.0" or ">=20 <23").`,
    );
  }
  return range;
}

/** The platform's own Node when it satisfies the request (or nothing is asked); null when the registry must say. */
export function platformNode(request: NodeRequest, platformVersion: string): NodeChoice | null {
  const platform = semver.clean(platformVersion);
  if (platform === null) throw new Error(`the platform's node --version said ${JSON.stringify(platformVersion)}`);
  if (request.asked === null) {
    return { version: platform, download: false, reason: `Node ${platform} (the platform's own; ${request.from})` };
  }
  if (!semver.satisfies(platform, nodeRange(request))) return null;
  return {
    version: platform,
    download: false,
    reason: `Node ${platform} (${request.asked}, which the platform's own Node satisfies; nothing to download)`,
  };
}

/**
 * The newest release in `versions` (the registry's `pkg`) that satisfies the request, prereleases
 * aside; an error naming what exists when none does.
 */
export function newestMatching(request: NodeRequest, versions: readonly string[], pkg: string, platformVersion: string): NodeChoice {
  const releases = versions.filter((v) => semver.valid(v) !== null && semver.prerelease(v) === null);
  const chosen = semver.maxSatisfying(releases, nodeRange(request));
  if (chosen === null) {
    throw new ValidationError(
      `${request.asked}: no Node.js release matches it. The npm registry's ${pkg} has ${newestPerLine(releases)}; ` +
        `the platform's own is ${semver.clean(platformVersion) ?? platformVersion}.`,
    );
  }
  return { version: chosen, download: true, reason: `Node ${chosen} (${request.asked}, newest matching in the npm registry's ${pkg})` };
}

/** "18.20.8, 20.19.5, 22.23.5, …": the newest release of each of the last few major lines. */
function newestPerLine(releases: string[]): string {
  const newest = new Map<number, string>();
  for (const v of releases) {
    const major = semver.major(v);
    const had = newest.get(major);
    if (had === undefined || semver.gt(v, had)) newest.set(major, v);
  }
  const lines = [...newest.entries()].sort((a, b) => a[0] - b[0]).slice(-6);
  if (lines.length === 0) return "no releases";
  return `${lines.map(([, v]) => v).join(", ")} (the newest of each line)`;
}
