// Toolchain versions: the platform's defaults when the source names none, and the check every
// version read from the source passes before it goes into a plan (and later a Nix expression).
import { InvalidSourceFileError } from "./errors.ts";
import { preview } from "./shell.ts";

/** Used when the source names no version. They match the toolchains Debian 12 and this platform ship. */
export const DEFAULT_VERSIONS = {
  node: "20",
  python: "3.11",
  ruby: "3.1",
  go: "1.19",
  rust: "stable",
  java: "17",
  php: "8.2",
} as const;

/** The toolchain versions builds run with, which detection checks an app's requested version against. */
export interface PlatformToolchains {
  /** The full release of the python3 builds use, e.g. "3.11.2". */
  python: string;
  /** The release of the rustc builds use (Debian's rustc-web), e.g. "1.96.0"; HOST_TOOLCHAINS' when unset. */
  rust?: string;
}

/** The host toolchain set's on Debian 12 (/usr/bin/python3); the build pipeline passes the probed ones. */
export const HOST_TOOLCHAINS: PlatformToolchains = { python: "3.11.2", rust: "1.96.0" };

const VERSION_SPEC = /^[0-9A-Za-z][0-9A-Za-z.*^~<>=|, x_+-]{0,63}$|^[<>=^~][0-9A-Za-z.*^~<>=|, x_+-]{0,63}$/;

/** A version or range as written in `file`, trimmed and without a leading "v"; an error when it is not one. */
export function checkVersion(file: string, value: string, what: string): string {
  const trimmed = value.trim().replace(/^v(?=\d)/, "");
  if (!VERSION_SPEC.test(trimmed)) {
    throw new InvalidSourceFileError(
      file,
      `${preview(value)} is not a ${what} version (expected something like "20", "3.11.4" or ">=18").`,
    );
  }
  return trimmed;
}

/** The first non-empty, non-comment line of a version file such as .nvmrc. */
export function firstLine(text: string): string {
  return (
    text
      .split(/\r\n|\r|\n/)
      .map((l) => l.trim())
      .find((l) => l !== "" && !l.startsWith("#")) ?? ""
  );
}
