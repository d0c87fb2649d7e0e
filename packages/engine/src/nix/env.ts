import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { HOST_TOOLCHAINS, type PlatformToolchains } from "../detect/index.ts";
import { EngineError } from "../errors.ts";
import { run, runChecked } from "../process/run.ts";
import { NIX_STATE, REPO_NIX_DIR } from "./paths.ts";

export interface Toolchain {
  /** "host" or "nixpkgs". */
  name: string;
  /** Names the set and the versions in it: part of every cache key. */
  id: string;
  PATH: string;
  sandboxPaths: string[];
  /** The .nix file the buildpacks import. */
  file: string;
}

export interface NixEnv {
  confDir: string;
  toolchain: Toolchain;
  /** Environment for every Nix command: our nix.conf, never the machine's. */
  env: NodeJS.ProcessEnv;
  /** The toolchain set's releases, which detection checks an app's requested versions against. */
  platform: PlatformToolchains;
}

export class NixUnavailableError extends EngineError {
  constructor(message: string) {
    super("PRECONDITION_FAILED", message);
  }
}

const VERSION_PROBES: [string, string[]][] = [
  ["node", ["--version"]],
  ["npm", ["--version"]],
  ["python3", ["--version"]],
  ["go", ["version"]],
  ["java", ["-version"]],
  ["ruby", ["--version"]],
  ["php", ["--version"]],
  ["cargo", ["--version"]],
];

/** The toolchains' versions, read from the binaries the sandbox will see. */
async function probeVersions(path: string): Promise<Record<string, string>> {
  const versions: Record<string, string> = {};
  for (const [tool, args] of VERSION_PROBES) {
    const result = await run(tool, args, { env: { PATH: path }, timeoutMs: 10_000 }).catch(() => null);
    if (result && result.code === 0) versions[tool] = (result.stdout || result.stderrTail).split("\n")[0]?.trim() ?? "";
  }
  return versions;
}

/**
 * "Python 3.11.2" → { python: "3.11.2" }, "cargo 1.96.0 (…)" → { rust: "1.96.0" } (cargo-web
 * ships with rustc-web of the same version); Debian 12's where a probe said nothing readable.
 */
function platformToolchains(versions: Record<string, string>): PlatformToolchains {
  const python = /^Python (\d+\.\d+\.\d+)/.exec(versions.python3 ?? "")?.[1];
  const rust = /^cargo (\d+\.\d+\.\d+)/.exec(versions.cargo ?? "")?.[1];
  return { ...HOST_TOOLCHAINS, ...(python ? { python } : {}), ...(rust ? { rust } : {}) };
}

/**
 * Checks that Nix can build here, writes SkyPanel's nix.conf under `home`, and loads the
 * toolchain set. Throws a clear error naming what is missing.
 */
export async function prepareNix(home: string, toolchainName = "host"): Promise<NixEnv & { versions: Record<string, string> }> {
  if (process.getuid?.() !== 0) throw new NixUnavailableError("Builds need root: Nix's store in /nix is owned by root.");
  const probe = await run("nix-build", ["--version"], { timeoutMs: 10_000 }).catch(() => null);
  if (probe?.code !== 0) {
    throw new NixUnavailableError("Nix is not installed: builds need nix-build (Debian package nix-bin; scripts/up.sh installs it).");
  }
  const confDir = join(home, "nix");
  mkdirSync(confDir, { recursive: true });
  const file = join(REPO_NIX_DIR, "toolchains", `${toolchainName}.nix`);
  const baseEnv = { ...process.env, NIX_CONF_DIR: confDir };
  // Write a first nix.conf so evaluating the toolchain already runs under our settings.
  const base = readFileSync(join(REPO_NIX_DIR, "nix.conf"), "utf8");
  writeFileSync(join(confDir, "nix.conf"), base);
  const evaluated = await runChecked(
    "nix-instantiate",
    ["--eval", "--strict", "--json", "-E", `let t = import ${JSON.stringify(file)} { }; in { inherit (t) name PATH sandboxPaths; }`],
    { env: baseEnv, timeoutMs: 60_000 },
  );
  const set = JSON.parse(evaluated.stdout) as { name: string; PATH: string; sandboxPaths: string[] };
  writeFileSync(join(confDir, "nix.conf"), `${base}\nsandbox-paths = ${set.sandboxPaths.join(" ")}\n`);
  for (const dir of Object.values(NIX_STATE)) mkdirSync(dir, { recursive: true });
  const versions = await probeVersions(set.PATH);
  const id = `${set.name}-${createHash("sha256").update(JSON.stringify(versions)).digest("hex").slice(0, 12)}`;
  return {
    confDir,
    env: baseEnv,
    versions,
    platform: platformToolchains(versions),
    toolchain: { name: set.name, id, PATH: set.PATH, sandboxPaths: set.sandboxPaths, file },
  };
}
