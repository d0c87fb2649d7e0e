// Go: modules from go.mod, the version from its `go` directive, and one binary built from
// the main package at the root or under cmd/.
import { InvalidSourceFileError } from "./errors.ts";
import type { SourceTree } from "./files.ts";
import { shellQuote } from "./shell.ts";
import { reason, type StackDetection, type StackRule } from "./stack.ts";
import { DEFAULT_VERSIONS } from "./versions.ts";

const BINARY = "bin/app";

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
    d.build = `go build -o ${BINARY} ${pkg === "." ? "." : shellQuote(`./${pkg}`)}`;
    d.web = `./${BINARY}`;
    d.reasons.push(reason("build", `${d.build}: the main package is ${pkg === "." ? "at the root" : pkg}.`));
    d.reasons.push(reason("start", `./${BINARY}: the binary the build makes.`));
    return d;
  },
};

/** "." when the root is package main, else "cmd/<name>"; null when there is none. */
async function mainPackage(tree: SourceTree, module: string, warnings: string[]): Promise<string | null> {
  if (await isMain(tree, ".")) return ".";
  const commands: string[] = [];
  for (const entry of await tree.list("cmd")) {
    if (entry.kind === "dir" && (await isMain(tree, entry.path))) commands.push(entry.path);
  }
  if (commands.length <= 1) return commands[0] ?? null;
  const named = commands.find((c) => c === `cmd/${module.split("/").at(-1)}`);
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
