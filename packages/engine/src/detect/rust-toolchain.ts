// The Rust a build uses: always the platform's rustc (Debian's rustc-web), since builds cannot
// download toolchains as rustup would. A rust-toolchain(.toml) is honoured when that rustc
// satisfies it: `stable`, or a release no newer than the platform's (Rust 1.x stays backward
// compatible). A newer release, `beta` or `nightly` is refused, naming the version there is.
import { InvalidSourceFileError } from "./errors.ts";
import type { SourceTree } from "./files.ts";
import { readTomlFile, tomlGet } from "./toml.ts";
import { firstLine, HOST_TOOLCHAINS } from "./versions.ts";

export interface RustToolchain {
  /** The platform's version the build uses, for the plan's versions. */
  version: string;
  /** Why, for the plan's reasons. */
  why: string;
  warnings: string[];
}

type Release = [number, number, number];

/** "1.78" or "1.78.0"; null for a channel name or anything else. */
export function parseRustRelease(text: string): Release | null {
  const m = /^(\d{1,4})\.(\d{1,4})(?:\.(\d{1,4}))?$/.exec(text);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : null;
}

export function compareRust(a: Release, b: Release): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** The toolchain the source asks for, and the file that asks; null when it names none. */
async function requested(tree: SourceTree): Promise<{ channel: string; file: string; targets: string[] } | null> {
  if (await tree.has("rust-toolchain.toml")) {
    const file = await readTomlFile(tree, "rust-toolchain.toml");
    const channel = tomlGet(file, "toolchain", "channel");
    const targets = tomlGet(file, "toolchain", "targets");
    const list = Array.isArray(targets) ? targets.filter((t): t is string => typeof t === "string") : [];
    if (typeof channel === "string") return { channel: channel.trim(), file: "rust-toolchain.toml", targets: list };
    return null;
  }
  const plain = await tree.readText("rust-toolchain", 4096);
  if (plain === null || firstLine(plain) === "") return null;
  // The legacy file is either a bare channel or TOML itself.
  const line = firstLine(plain);
  if (line.startsWith("[")) {
    const channel = tomlGet(await readTomlFile(tree, "rust-toolchain"), "toolchain", "channel");
    return typeof channel === "string" ? { channel: channel.trim(), file: "rust-toolchain", targets: [] } : null;
  }
  return { channel: line, file: "rust-toolchain", targets: [] };
}

/**
 * The platform's Rust for this source, or an error naming the file whose toolchain it cannot
 * honour. `platform`: the rustc release builds use (the probed one); Debian 12's rustc-web's when unknown.
 */
export async function rustToolchain(tree: SourceTree, platform: string = HOST_TOOLCHAINS.rust ?? "1.96.0"): Promise<RustToolchain> {
  const host = parseRustRelease(platform);
  if (host === null) throw new Error(`the platform's Rust version ${platform} is not a release`);
  const asked = await requested(tree);
  if (asked === null) {
    return { version: platform, why: `Rust ${platform}, the platform's (no rust-toolchain.toml or rust-toolchain).`, warnings: [] };
  }
  const { channel, file } = asked;
  const warnings =
    asked.targets.length > 0 ? [`${file} lists targets (${asked.targets.join(", ")}); the build makes only the platform's own.`] : [];
  if (channel === "stable") {
    return { version: platform, why: `Rust ${platform}, the platform's stable release: ${file} asks for stable.`, warnings };
  }
  const release = parseRustRelease(channel);
  if (release !== null && compareRust(release, host) <= 0) {
    return {
      version: platform,
      why: `Rust ${platform}, the platform's: ${file} asks for ${channel}, which it satisfies (Rust 1.x releases build older code).`,
      warnings,
    };
  }
  const what =
    release !== null
      ? `asks for Rust ${channel}, newer than the platform's Rust ${platform}`
      : /^(nightly|beta)\b/.test(channel)
        ? `asks for the ${channel.split("-")[0]} channel (${JSON.stringify(channel.slice(0, 40))}); the platform has only stable Rust ${platform}`
        : `asks for ${JSON.stringify(channel.slice(0, 40))}, which is not a Rust release the platform has (it has Rust ${platform})`;
  throw new InvalidSourceFileError(
    file,
    `${what}. Builds use the platform's Rust and cannot fetch another: ask for "stable" or a version up to ${platform}.`,
  );
}
