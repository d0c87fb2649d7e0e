// Rust: Cargo, the toolchain from rust-toolchain(.toml), and the release binary named by
// [package] name (or the one [[bin]] / default-run).
import { InvalidSourceFileError } from "./errors.ts";
import type { SourceTree } from "./files.ts";
import { reason, type StackDetection, type StackRule } from "./stack.ts";
import { isTable, readTomlFile, type TomlTable, tomlGet } from "./toml.ts";
import { checkVersion, DEFAULT_VERSIONS, firstLine } from "./versions.ts";

const CRATE_NAME = /^[A-Za-z0-9_-]{1,64}$/;

export const rust: StackRule = {
  stack: "rust",
  markers: ["Cargo.toml"],
  async detect(tree) {
    const cargo = await readTomlFile(tree, "Cargo.toml");
    const name = tomlGet(cargo, "package", "name");
    if (typeof name !== "string") {
      const workspace = isTable(tomlGet(cargo, "workspace"));
      throw new InvalidSourceFileError(
        "Cargo.toml",
        workspace
          ? "is a workspace without a [package]; workspaces are not supported yet, push the crate that serves the app."
          : "has no [package] name.",
      );
    }
    const locked = await tree.has("Cargo.lock");
    const binary = binaryName(cargo, name);
    const version = await toolchain(tree);
    const d: StackDetection = {
      stack: "rust",
      framework: null,
      versions: { rust: version.version },
      packageManager: "cargo",
      lockfiles: locked ? ["Cargo.toml", "Cargo.lock"] : ["Cargo.toml"],
      install: locked ? "cargo fetch --locked" : "cargo fetch",
      build: locked ? "cargo build --release --locked" : "cargo build --release",
      test: null,
      web: `./target/release/${binary.name}`,
      reasons: [
        reason("package manager", `Cargo.toml found: Cargo${locked ? ", with Cargo.lock" : ""}.`),
        reason("version", `Rust ${version.version} from ${version.from}.`),
        reason("start", `./target/release/${binary.name}: ${binary.from}.`),
      ],
      warnings: locked ? [] : ["No Cargo.lock: installs are not reproducible. Commit Cargo.lock (binaries should)."],
    };
    return d;
  },
};

function binaryName(cargo: TomlTable, packageName: string): { name: string; from: string } {
  const bins = tomlGet(cargo, "bin");
  const names = Array.isArray(bins)
    ? bins.map((b) => (isTable(b) && typeof b.name === "string" ? b.name : null)).filter((n) => n !== null)
    : [];
  const defaultRun = tomlGet(cargo, "package", "default-run");
  let chosen: { name: string; from: string };
  if (typeof defaultRun === "string") chosen = { name: defaultRun, from: "default-run in Cargo.toml" };
  else if (names.length === 1) chosen = { name: names[0] as string, from: "the one [[bin]] in Cargo.toml" };
  else if (names.length > 1 && !names.includes(packageName)) chosen = { name: names[0] as string, from: "the first [[bin]] in Cargo.toml" };
  else chosen = { name: packageName, from: "the binary named after the package in Cargo.toml" };
  if (!CRATE_NAME.test(chosen.name))
    throw new InvalidSourceFileError("Cargo.toml", `${JSON.stringify(chosen.name.slice(0, 40))} is not a valid binary name.`);
  return chosen;
}

async function toolchain(tree: SourceTree): Promise<{ version: string; from: string }> {
  if (await tree.has("rust-toolchain.toml")) {
    const channel = tomlGet(await readTomlFile(tree, "rust-toolchain.toml"), "toolchain", "channel");
    if (typeof channel === "string") return { version: checkVersion("rust-toolchain.toml", channel, "Rust"), from: "rust-toolchain.toml" };
  }
  const plain = await tree.readText("rust-toolchain", 4096);
  if (plain !== null && firstLine(plain) !== "")
    return { version: checkVersion("rust-toolchain", firstLine(plain), "Rust"), from: "rust-toolchain" };
  return { version: DEFAULT_VERSIONS.rust, from: "the platform default (no rust-toolchain.toml or rust-toolchain)" };
}
