// Rust: Cargo, the platform's Rust when rust-toolchain(.toml) allows it (rust-toolchain.ts), and
// the release binary named by [package] name (or the one [[bin]] / default-run), which the
// buildpack ships as bin/<name>. A virtual workspace builds the member that has a binary
// (rust-workspace.ts).
import { InvalidSourceFileError } from "./errors.ts";
import { rustToolchain } from "./rust-toolchain.ts";
import { chooseMember } from "./rust-workspace.ts";
import { reason, type StackDetection, type StackRule } from "./stack.ts";
import { isTable, readTomlFile, type TomlTable, tomlGet } from "./toml.ts";

const CRATE_NAME = /^[A-Za-z0-9_-]{1,64}$/;

export const rust: StackRule = {
  stack: "rust",
  markers: ["Cargo.toml"],
  async detect(tree, _marker, platform) {
    const cargo = await readTomlFile(tree, "Cargo.toml");
    const name = tomlGet(cargo, "package", "name");
    const choice = typeof name === "string" ? null : await chooseMember(tree, cargo);
    const locked = await tree.has("Cargo.lock");
    const toolchain = await rustToolchain(tree, platform?.rust);
    const build = "cargo build --release --frozen";
    const d: StackDetection = {
      stack: "rust",
      framework: null,
      versions: { rust: toolchain.version },
      packageManager: "cargo",
      lockfiles: locked ? ["Cargo.toml", "Cargo.lock"] : ["Cargo.toml"],
      install: "cargo vendor --locked",
      build,
      test: null,
      web: null,
      reasons: [
        reason("package manager", `Cargo.toml found: Cargo${locked ? ", with Cargo.lock" : ""}.`),
        reason("version", toolchain.why),
      ],
      warnings: [
        ...toolchain.warnings,
        ...(locked
          ? []
          : ["No Cargo.lock: the crates are resolved at build time, so builds are not reproducible. Commit Cargo.lock (binaries should)."]),
      ],
    };
    if (choice?.kind === "several") {
      const listed = choice.members.map((m) => `${m.dir} (${m.name})`).join(", ");
      d.build = `${build} --workspace`;
      d.reasons.push(reason("build", `${d.build}: the workspace members ${listed} all have a binary.`));
      d.noWeb = `the workspace members ${listed} all have a binary; set default-members in [workspace] to the one that serves the app, or name its bin/<name> in a Procfile`;
      return d;
    }
    const pkg = choice === null ? { dir: ".", name: name as string, cargo } : choice.member;
    if (choice !== null) {
      if (!CRATE_NAME.test(pkg.name))
        throw new InvalidSourceFileError(`${pkg.dir}/Cargo.toml`, `${JSON.stringify(pkg.name.slice(0, 40))} is not a valid package name.`);
      d.build = `${build} --package ${pkg.name}`;
      d.reasons.push(reason("build", `${d.build}: the workspace member ${pkg.dir}, ${choice.why}.`));
    }
    const file = pkg.dir === "." ? "Cargo.toml" : `${pkg.dir}/Cargo.toml`;
    const binary = binaryName(pkg.cargo, pkg.name, file);
    d.web = `./bin/${binary.name}`;
    d.reasons.push(reason("start", `./bin/${binary.name}: ${binary.from}, built in release mode.`));
    return d;
  },
};

function binaryName(cargo: TomlTable, packageName: string, file: string): { name: string; from: string } {
  const bins = tomlGet(cargo, "bin");
  const names = Array.isArray(bins)
    ? bins.map((b) => (isTable(b) && typeof b.name === "string" ? b.name : null)).filter((n) => n !== null)
    : [];
  const defaultRun = tomlGet(cargo, "package", "default-run");
  let chosen: { name: string; from: string };
  if (typeof defaultRun === "string") chosen = { name: defaultRun, from: `default-run in ${file}` };
  else if (names.length === 1) chosen = { name: names[0] as string, from: `the one [[bin]] in ${file}` };
  else if (names.length > 1 && !names.includes(packageName)) chosen = { name: names[0] as string, from: `the first [[bin]] in ${file}` };
  else chosen = { name: packageName, from: `the binary named after the package in ${file}` };
  if (!CRATE_NAME.test(chosen.name))
    throw new InvalidSourceFileError(file, `${JSON.stringify(chosen.name.slice(0, 40))} is not a valid binary name.`);
  return chosen;
}
