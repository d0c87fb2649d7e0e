// Node.js builds beyond the fixture apps: TypeScript whose start command runs what tsc writes
// (tsconfig extends chains, incremental build info) and Yarn 2+ projects.
import { describe, expect, it } from "vitest";
import { ValidationError } from "../errors.ts";
import { InvalidSourceFileError } from "./index.ts";
import { detect, type SourceFile, said } from "./test-sources.ts";

/** A TypeScript app built by tsc whose start script runs `start`. */
const tsApp = (start: string, files: Record<string, SourceFile>) => ({
  "package.json": JSON.stringify({ name: "ts", scripts: { build: "tsc -p .", start }, devDependencies: { typescript: "^5.9.3" } }),
  "package-lock.json": "{}",
  "src/server.ts": "",
  ...files,
});

describe("TypeScript started from tsc's output", () => {
  it("follows extends (a list, with comments and trailing commas) to the outDir, relative to the file that sets it", async () => {
    const plan = await detect(
      tsApp("node --require dotenv/config build/server.js", {
        "tsconfig.json": '{\n  // the app\n  "extends": ["./configs/strict", "./configs/node.json"],\n  "include": ["src"],\n}\n',
        "configs/strict.json": '{ "compilerOptions": { "strict": true, "outDir": "../ignored" } }',
        "configs/node.json": '{ "extends": "./paths.json", "compilerOptions": { "module": "nodenext" } }',
        "configs/paths.json": '{ "compilerOptions": { "outDir": "../build", }, }',
      }),
    );
    expect(plan).toMatchObject({ build: "npm run build", processes: { web: "npm start" } });
    expect(said(plan, "typescript")).toBe(
      "The app starts from build/server.js, which is not in the source: the build script's tsc writes it into build/ (outDir in configs/paths.json, which tsconfig.json extends), so the build runs before the app starts.",
    );
    expect(plan.warnings).toEqual([]);
  });

  it("warns when the start command runs a file outside tsc's outDir", async () => {
    const plan = await detect(tsApp("node build/server.js", { "tsconfig.json": '{ "compilerOptions": { "outDir": "dist" } }' }));
    expect(plan.warnings).toContain(
      "The app starts from build/server.js, but tsc writes into dist/ (outDir in tsconfig.json): build/server.js will not exist. Make the start command and outDir agree.",
    );
  });

  it("removes a committed build info file that would make an incremental tsc write nothing", async () => {
    const plan = await detect(
      tsApp("node dist/server.js", {
        "tsconfig.json": '{ "compilerOptions": { "outDir": "dist", "composite": true, "tsBuildInfoFile": "./cache/app.tsbuildinfo" } }',
        "cache/app.tsbuildinfo": "{}",
      }),
    );
    expect(plan.build).toBe("rm -f cache/app.tsbuildinfo && npm run build");
    expect(said(plan, "build")).toContain("cache/app.tsbuildinfo is in the source but dist/ is not");
  });

  it("leaves the build alone when the build info lives in the uncommitted outDir (TypeScript 5's default)", async () => {
    const plan = await detect(
      tsApp("node dist/server.js", {
        "tsconfig.json": '{ "compilerOptions": { "outDir": "dist", "incremental": true } }',
        "tsconfig.tsbuildinfo": "{}",
      }),
    );
    expect(plan.build).toBe("npm run build");
  });

  it("names a base it cannot read (a package's tsconfig), and refuses a tsconfig that is not JSON", async () => {
    const plan = await detect(
      tsApp("node dist/server.js", {
        "tsconfig.json": '{ "extends": "@tsconfig/node20/tsconfig.json", "compilerOptions": { "outDir": "dist" } }',
      }),
    );
    expect(plan.warnings).toEqual([
      "tsconfig.json extends @tsconfig/node20/tsconfig.json, which SkyPanel cannot read from the source; its compiler options are not taken into account.",
    ]);
    const err = await detect(tsApp("node dist/server.js", { "tsconfig.json": '{ "compilerOptions": { "outDir": } }' })).catch((e) => e);
    expect(err).toBeInstanceOf(InvalidSourceFileError);
    expect(err.message).toMatch(/^tsconfig\.json: is not valid JSON with comments \(ValueExpected at offset \d+\)\.$/);
  });
});

describe("Yarn 2+ (Berry)", () => {
  it.each([
    [{ packageManager: "yarn@3.6.4" }, {}, "package.json's packageManager says yarn@3.6.4"],
    [{}, { ".pnp.cjs": "" }, ".pnp.cjs (Plug'n'Play) is in the source"],
    [
      {},
      { "yarn.lock": '__metadata:\n  version: 8\n  cacheKey: 10c0\n\n"a@npm:1.0.0":\n  version: 1.0.0\n' },
      "yarn.lock is a Yarn 2+ lockfile (__metadata)",
    ],
  ])("is refused, naming the sign (%j)", async (fields, files, sign) => {
    const err = await detect({
      "package.json": JSON.stringify({ name: "b", scripts: { start: "node ." }, ...fields }),
      "yarn.lock": "# yarn lockfile v1\n",
      ...files,
    }).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.message).toContain(sign);
    expect(err.message).toContain("Building with Berry itself needs a Yarn 4 release bundled with the platform");
  });

  it("Yarn 1 named in packageManager is installed as before", async () => {
    const plan = await detect({
      "package.json": JSON.stringify({ name: "b", packageManager: "yarn@1.22.22", scripts: { start: "node ." } }),
      "yarn.lock": "# yarn lockfile v1\n",
    });
    expect(plan).toMatchObject({ packageManager: "yarn", install: "yarn install --frozen-lockfile", versions: { yarn: "1.22.22" } });
  });
});
