import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { instanceStartScript } from "./env.ts";
import { directNpmStart } from "./npm-start.ts";
import { DEFAULT_LIMITS } from "./spec.ts";

const root = mkdtempSync(join(tmpdir(), "skypanel-npm-start-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
function app(pkg: unknown, opts: { bin?: boolean } = {}) {
  const dir = join(root, `app${n++}`);
  mkdirSync(dir);
  writeFileSync(join(dir, "package.json"), typeof pkg === "string" ? pkg : JSON.stringify(pkg));
  if (opts.bin) mkdirSync(join(dir, "node_modules", ".bin"), { recursive: true });
  return dir;
}

describe("npm start without npm", () => {
  it("runs the start script with what npm adds to its environment", () => {
    const dir = app({ name: "shop", version: "1.2.3", scripts: { start: "node server.js" } }, { bin: true });
    expect(directNpmStart(dir, "npm start", "/usr/bin")).toEqual({
      command: "node server.js",
      env: {
        PATH: `${join(dir, "node_modules", ".bin")}:/usr/bin`,
        npm_lifecycle_event: "start",
        npm_lifecycle_script: "node server.js",
        npm_command: "start",
        npm_package_json: join(dir, "package.json"),
        npm_package_name: "shop",
        npm_package_version: "1.2.3",
        INIT_CWD: dir,
      },
    });
  });

  it("leaves npm to run what it would do more than run the script (hooks, no script, other commands)", () => {
    expect(directNpmStart(app({ scripts: { start: "node a.js", prestart: "tsc" } }), "npm start", "/bin")).toBeNull();
    expect(directNpmStart(app({ scripts: { start: "node a.js", poststart: "echo" } }), "npm start", "/bin")).toBeNull();
    // npm's default for a missing script is `node server.js`: npm keeps that to itself.
    expect(directNpmStart(app({ scripts: {} }), "npm start", "/bin")).toBeNull();
    expect(directNpmStart(app({ scripts: { start: "node a.js" } }), "npm run start -- --x", "/bin")).toBeNull();
    expect(directNpmStart(app({ scripts: { start: "node a.js" } }), "node a.js", "/bin")).toBeNull();
  });

  it("falls back to npm on a hostile or broken package.json, never throws", () => {
    for (const pkg of ["{not json", "null", "[]", JSON.stringify({ scripts: { start: ["node"] } }), JSON.stringify({ scripts: "x" })]) {
      expect(directNpmStart(app(pkg), "npm start", "/bin")).toBeNull();
    }
    expect(directNpmStart(join(root, "missing"), "npm start", "/bin")).toBeNull();
  });

  it("the instance's start script runs the script itself, quotes intact, with config vars, PORT and npm's variables", () => {
    const dir = app({ name: "q", scripts: { start: `printf '%s|' "$npm_lifecycle_event" "$GREETING" "$PORT" "it's" "$(pwd)"` } });
    const spec = {
      instanceId: "i1",
      appName: "q",
      processType: "web",
      command: "npm start",
      artifactPath: "/nix/store/x",
      env: { GREETING: "hi there" },
      port: 5000,
      limits: DEFAULT_LIMITS,
      mode: "process" as const,
    };
    const script = instanceStartScript(spec, dir);
    expect(script).not.toContain("npm start");
    expect(execFileSync("/bin/sh", ["-c", script], { encoding: "utf8" })).toBe(`start|hi there|5000|it's|${dir}|`);
    expect(instanceStartScript({ ...spec, command: "node server.js" }, dir)).toContain("exec /bin/bash -c 'node server.js'");
  });
});
