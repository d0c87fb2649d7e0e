// Running Cargo for the Rust dependency layer: as the unprivileged user, with none of the
// platform's environment but the settings chosen here, and its failures in words for the user.
import { ValidationError } from "../../errors.ts";
import { CommandFailedError, runChecked } from "../../process/run.ts";
import type { BuildNetwork } from "../network.ts";
import { asUnprivileged } from "../workspace.ts";
import type { FetchContext } from "./types.ts";

export interface CrateRegistry {
  /** The mirror's index URL; null: crates.io itself. */
  url: string | null;
  /** In words for messages. */
  name: string;
}

/** The registry the platform's settings name (SKYPANEL_CARGO_REGISTRY, a mirror's index), else crates.io. */
export function crateRegistry(network: BuildNetwork): CrateRegistry {
  const url = network.cargoRegistry;
  if (url === null) return { url, name: "crates.io" };
  try {
    const u = new URL(url.replace(/^sparse\+/, ""));
    return { url, name: `the registry ${u.host}${u.pathname}` };
  } catch {
    return { url, name: "the configured registry" };
  }
}

/**
 * CARGO_HOME's config.toml for a mirror: crates.io replaced by it, as Cargo's source
 * replacement does (Cargo.lock keeps naming crates.io, and its checksums still apply).
 */
export function mirrorConfig(url: string): string {
  // A TOML basic string reads JSON's escapes.
  return `[source.crates-io]\nreplace-with = "skypanel-mirror"\n\n[source.skypanel-mirror]\nregistry = ${JSON.stringify(url)}\n`;
}

export interface CargoRun {
  cwd: string;
  /** CARGO_HOME: this build's own, holding only what was checked (rust.ts). */
  home: string;
  tmp: string;
  registry: string;
}

/**
 * Runs `cargo <args>` as the unprivileged user; its stdout. Of the platform's settings only the
 * proxies (how the network is reached) reach Cargo.
 */
export async function runCargo(ctx: FetchContext, r: CargoRun, args: string[]): Promise<string> {
  const output: string[] = [];
  try {
    const result = await runChecked(...asUnprivileged("cargo", args), {
      cwd: r.cwd,
      env: {
        ...ctx.network.proxies,
        PATH: ctx.path,
        HOME: r.home,
        CARGO_HOME: r.home,
        TMPDIR: r.tmp,
        CARGO_TERM_COLOR: "never",
        CARGO_TERM_PROGRESS_WHEN: "never",
        CARGO_NET_RETRY: "3",
      },
      onLine: (line, stream) => {
        if (stream === "stdout") return;
        output.push(line);
        if (output.length > 500) output.shift();
        // One "Vendoring <crate> (<scratch path>) to <scratch path>" a crate says nothing useful.
        if (!/^\s*Vendoring /.test(line)) ctx.log(`       ${line}`);
      },
      signal: ctx.signal,
      timeoutMs: ctx.timeoutMs,
      keepStdout: 64 * 1024,
    });
    return result.stdout;
  } catch (err) {
    if (err instanceof CommandFailedError) throw cargoFailure(output, r.registry);
    throw err;
  }
}

/** What a failed Cargo run means, in words for the user. */
export function cargoFailure(output: string[], registry: string): ValidationError {
  const text = output.join("\n");
  const changed = /checksum for `(\S+) v(\S+)` changed between lock files/.exec(text);
  if (changed) {
    return new ValidationError(
      `Cargo.lock's checksum for ${changed[1]} ${changed[2]} does not match the crate ${registry} serves, so Cargo refused it. If Cargo.lock was edited by hand, make it again with cargo and commit it; if not, the crate changed since Cargo.lock was written: check it before trusting it.`,
    );
  }
  const download = /failed to verify the checksum of `(\S+) v(\S+)`/.exec(text);
  if (download) {
    return new ValidationError(
      `The download of ${download[1]} ${download[2]} from ${registry} does not match its checksum, so Cargo refused it. Try the build again; if it keeps failing, the registry serves a changed crate.`,
    );
  }
  if (/needs to be updated but --locked was passed/.test(text)) {
    return new ValidationError(
      "Cargo.lock does not match Cargo.toml. Run 'cargo update --workspace' (or 'cargo build') and commit Cargo.lock.",
    );
  }
  const why = output
    .map((l) => l.trim())
    .filter((l) => l !== "" && !/^(Caused by:|Vendoring|Downloaded|Downloading|Updating|Locking)/.test(l))
    .slice(-3);
  return new ValidationError(`cargo could not fetch the crates from ${registry}: ${why.join(" ") || "it failed"}`);
}
