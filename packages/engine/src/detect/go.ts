// Go: modules from go.mod, the version from its `go` directive, and one binary built from
// the main package at the root or under cmd/, named as Heroku's Go buildpack names it
// (bin/<last element of the module path>, bin/<name> for cmd/<name>), so a Procfile written
// for Heroku finds it. A lone main.go with no go.mod is Go too, built without modules.
import { InvalidSourceFileError } from "./errors.ts";
import type { SourceTree } from "./files.ts";
import { shellQuote } from "./shell.ts";
import { reason, type StackDetection, type StackRule } from "./stack.ts";
import { DEFAULT_VERSIONS } from "./versions.ts";

/** A binary name taken from the source: plain, or the platform's own when it is not. */
const BINARY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const NO_MODULE_BINARY = "bin/main";

export const go: StackRule = {
  stack: "go",
  markers: ["go.mod"],
  async detect(tree) {
    const mod = (await tree.readText("go.mod")) ?? "";
    const module = /^\s*module\s+(\S+)/m.exec(mod)?.[1];
    if (!module) throw new InvalidSourceFileError("go.mod", "has no module line.");
    const directive = /^\s*go\s+([^\s/]+)\s*(?:\/\/.*)?$/m.exec(mod)?.[1];
    if (directive !== undefined && !/^\d+\.\d+(\.\d+)?$/.test(directive)) {
      throw new InvalidSourceFileError(
        "go.mod",
        `the go directive ${JSON.stringify(directive.slice(0, 40))} is not a Go version like 1.22.`,
      );
    }
    const hasSum = await tree.has("go.sum");
    const d: StackDetection = {
      stack: "go",
      framework: null,
      versions: { go: directive ?? DEFAULT_VERSIONS.go },
      packageManager: "go",
      lockfiles: hasSum ? ["go.mod", "go.sum"] : ["go.mod"],
      install: "go mod download",
      build: null,
      test: null,
      web: null,
      reasons: [
        reason("package manager", `go.mod found: Go modules (module ${module}).`),
        reason(
          "version",
          directive
            ? `Go ${directive} from the go directive in go.mod.`
            : `Go ${DEFAULT_VERSIONS.go}: go.mod has no go directive, so the platform default.`,
        ),
      ],
      warnings: [],
    };
    const pkg = await mainPackage(tree, module, d.warnings);
    if (pkg === null) {
      d.noWeb = "there is no package main at the root of the module or in a directory under cmd/";
      return d;
    }
    const binary = `bin/${binaryName(pkg === "." ? moduleName(module) : (pkg.split("/").at(-1) as string))}`;
    d.build = `go build -o ${binary} ${pkg === "." ? "." : shellQuote(`./${pkg}`)}`;
    d.web = `./${binary}`;
    d.reasons.push(reason("build", `${d.build}: the main package is ${pkg === "." ? "at the root" : pkg}.`));
    d.reasons.push(reason("start", `./${binary}: the binary the build makes, named as Heroku's Go buildpack would.`));
    const cgoFile = await cgoIn(tree, pkg);
    if (cgoFile !== null)
      d.reasons.push(
        reason(
          "cgo",
          `${cgoFile} imports "C": built with cgo on the platform's gcc and Debian's headers; a C library it links must be a Debian package installed on the platform, which its containers see.`,
        ),
      );
    return d;
  },
};

/** The first .go file of the main package that imports "C" (cgo), or null. */
async function cgoIn(tree: SourceTree, pkg: string): Promise<string | null> {
  const files = (await tree.list(pkg)).filter((e) => e.kind === "file" && e.name.endsWith(".go") && !e.name.endsWith("_test.go"));
  for (const f of files.slice(0, 100)) {
    const text = (await tree.readText(f.path)) ?? "";
    // `import "C"`, alone or as a line of an import block; comments before it are cgo's preamble.
    if (/^\s*import\s+"C"\s*$|^\s*import\s*\([^)]*^\s*"C"\s*$/m.test(text)) return f.path;
  }
  return null;
}

/**
 * A Go program with no go.mod: main.go and the files beside it, built as one package in
 * GOPATH mode (GO111MODULE=off), which needs no module and honours build constraints. Only the
 * standard library is reachable that way; the build says so if the code imports more. Comes
 * after Node.js: a main.go next to a package.json is more likely a helper than the app.
 */
export const goWithoutModule: StackRule = {
  stack: "go",
  markers: ["main.go"],
  async detect(tree) {
    const main = (await tree.readText("main.go")) ?? "";
    if (!/^\s*package\s+main\b/m.test(main)) {
      throw new InvalidSourceFileError("main.go", "is not in package main, so it builds no program (and there is no go.mod).");
    }
    const build = `GO111MODULE=off go build -o ${NO_MODULE_BINARY} .`;
    return {
      stack: "go",
      framework: null,
      versions: { go: DEFAULT_VERSIONS.go },
      packageManager: "go",
      lockfiles: [],
      install: null,
      build,
      test: null,
      web: `./${NO_MODULE_BINARY}`,
      reasons: [
        reason("package manager", "main.go found and no go.mod: a Go program without modules, built from the standard library only."),
        reason("version", `Go ${DEFAULT_VERSIONS.go}: there is no go.mod to name a version, so the platform default.`),
        reason("build", `${build}: main.go and the files of its package at the top.`),
        reason("start", `./${NO_MODULE_BINARY}: the binary the build makes.`),
      ],
      warnings: ["No go.mod: the build cannot fetch modules or pin a Go version. Run 'go mod init <module path>' and commit go.mod."],
    };
  },
};

/** The binary `go build` would name after a module path: its last element, skipping a /vN suffix. */
function moduleName(module: string): string {
  const parts = module.split("/");
  const last = parts.at(-1) as string;
  return /^v\d+$/.test(last) && parts.length > 1 ? (parts.at(-2) as string) : last;
}

function binaryName(name: string): string {
  return BINARY_NAME.test(name) ? name : "app";
}

/** "." when the root is package main, else "cmd/<name>"; null when there is none. */
async function mainPackage(tree: SourceTree, module: string, warnings: string[]): Promise<string | null> {
  if (await isMain(tree, ".")) return ".";
  const commands: string[] = [];
  for (const entry of await tree.list("cmd")) {
    if (entry.kind === "dir" && (await isMain(tree, entry.path))) commands.push(entry.path);
  }
  if (commands.length <= 1) return commands[0] ?? null;
  const named = commands.find((c) => c === `cmd/${moduleName(module)}`);
  const chosen = named ?? (commands[0] as string);
  warnings.push(`Several commands under cmd/ (${commands.join(", ")}); building ${chosen}. Add a Procfile to run another.`);
  return chosen;
}

async function isMain(tree: SourceTree, dir: string): Promise<boolean> {
  for (const entry of await tree.list(dir)) {
    if (entry.kind !== "file" || !entry.name.endsWith(".go") || entry.name.endsWith("_test.go")) continue;
    const text = await tree.readText(entry.path).catch(() => null);
    if (text && /^\s*package\s+main\b/m.test(text)) return true;
  }
  return false;
}
