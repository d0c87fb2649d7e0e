// What pip is asked to download for a Python app, from the fixtures' real lockfiles (made by uv,
// Poetry, PDM and pipenv) and from requirements files: no network, no Nix.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { detectBuildPlan } from "../../detect/index.ts";
import { parseToml } from "../../detect/toml.ts";
import { FIXTURES } from "../testing.ts";
import { type LockedPackage, lockedPackages } from "./python-locks.ts";
import { manifestRanges, pipInput } from "./python-requirements.ts";

const fixture = (app: string, file: string) => readFileSync(join(FIXTURES, app, file), "utf8");
const names = (packages: LockedPackage[]) => packages.map((p) => p.name.toLowerCase());
const FLASK_APP = ["blinker", "click", "flask", "gunicorn", "itsdangerous", "jinja2", "markupsafe", "werkzeug"];

describe("Python lockfiles as pinned, hashed requirements", () => {
  it("uv.lock: the project's dependencies and uvicorn's [standard] extra, with markers; not the dev group or the project", () => {
    const packages = lockedPackages("uv.lock", fixture("python-fastapi-uv", "uv.lock"), null);
    expect(names(packages)).toEqual(expect.arrayContaining(["fastapi", "uvicorn", "starlette", "httptools", "uvloop", "websockets"]));
    expect(names(packages)).not.toContain("pytest");
    expect(names(packages)).not.toContain("python-fastapi-uv");
    expect(packages.find((p) => p.name === "uvloop")?.marker).toMatch(/sys_platform != 'win32'/);
    expect(packages.find((p) => p.name === "fastapi")).toMatchObject({
      marker: null,
      hashes: expect.arrayContaining([expect.stringMatching(/^sha256:[0-9a-f]{64}$/)]),
    });
  });

  it("poetry.lock: the main group; an older lock without groups gives the same packages by walking pyproject.toml's dependencies", () => {
    const pyproject = parseToml(fixture("python-poetry", "pyproject.toml"));
    const lock = fixture("python-poetry", "poetry.lock");
    expect(names(lockedPackages("poetry.lock", lock, pyproject))).toEqual(FLASK_APP);
    const older = lock.replace(/^(groups|markers) = .*\n/gm, "").replace('lock-version = "2.1"', 'lock-version = "2.0"');
    const walked = lockedPackages("poetry.lock", older, pyproject);
    expect(names(walked)).toEqual(FLASK_APP);
    expect(walked.every((p) => p.hashes.length >= 1)).toBe(true);
  });

  it("pdm.lock: the default group only", () => {
    expect(names(lockedPackages("pdm.lock", fixture("python-pdm", "pdm.lock"), null))).toEqual(FLASK_APP);
  });

  it("Pipfile.lock: [packages] (default) with their markers, not [dev-packages]", () => {
    const packages = lockedPackages("Pipfile.lock", fixture("python-pipenv-locked", "Pipfile.lock"), null);
    expect(names(packages)).toEqual(FLASK_APP);
    expect(packages.find((p) => p.name === "flask")?.marker).toMatch(/^python_version >= '3\.\d+'$/);
  });

  it("refuses what does not come from the package index, naming it", () => {
    const uv = fixture("python-fastapi-uv", "uv.lock").replace(
      /name = "starlette"\nversion = "([^"]+)"\nsource = \{ registry = "[^"]+" \}/,
      'name = "starlette"\nversion = "$1"\nsource = { git = "https://github.com/encode/starlette?rev=main" }',
    );
    expect(() => lockedPackages("uv.lock", uv, null)).toThrow(/^uv\.lock: starlette is a git dependency, which SkyPanel cannot fetch yet/);
    const pipfile = JSON.parse(fixture("python-pipenv-locked", "Pipfile.lock"));
    pipfile.default.flask = { git: "https://github.com/pallets/flask", ref: "main" };
    expect(() => lockedPackages("Pipfile.lock", JSON.stringify(pipfile), null)).toThrow(/^Pipfile\.lock: flask is a git dependency/);
    const unhashed = fixture("python-pdm", "pdm.lock").replace(/(name = "click"[\s\S]*?files = \[)[\s\S]*?\]/, "$1]");
    expect(() => lockedPackages("pdm.lock", unhashed, null)).toThrow(/^pdm\.lock has no sha256 hash for click /);
  });
});

describe("requirements files and manifests without a lockfile", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const app = (files: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), "skypanel-py-"));
    dirs.push(dir);
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(join(dir, file, ".."), { recursive: true });
      writeFileSync(join(dir, file), text);
    }
    return dir;
  };

  it("requirements.txt goes to pip as it is, with the files it includes", async () => {
    const dir = app({
      "requirements.txt": "-r requirements/base.txt\n-c constraints.txt\ngunicorn>=23\n",
      "requirements/base.txt": "flask>=3 \\\n  --hash=sha256:0ef0e52b8a9cd932855379197dd8f94047b359ca0a78695144304cb45f87c9eb\n",
      "constraints.txt": "werkzeug<4\n",
      "app.py": "from flask import Flask\napp = Flask(__name__)\n",
    });
    const input = pipInput(await detectBuildPlan(dir), dir);
    expect(input).toEqual({
      main: "requirements.txt",
      from: "requirements.txt",
      files: {
        "requirements.txt": "-r requirements/base.txt\n-c constraints.txt\ngunicorn>=23\n",
        "requirements/base.txt": expect.stringMatching(/^flask>=3/),
        "constraints.txt": "werkzeug<4\n",
      },
    });
  });

  it("refuses local and editable requirements and includes from outside the source, naming the line", async () => {
    const plan = await detectBuildPlan(app({ "requirements.txt": "flask\n", Procfile: "web: python app.py\n" }));
    expect(() => pipInput(plan, app({ "requirements.txt": "flask\n-e .\n" }))).toThrow(
      /^requirements\.txt: "-e \." installs from a directory/,
    );
    expect(() => pipInput(plan, app({ "requirements.txt": "-r ../../etc/passwd\n" }))).toThrow(
      /includes \.\.\/\.\.\/etc\/passwd, which is outside the source/,
    );
    expect(pipInput(plan, app({ "requirements.txt": "# nothing yet\n" }))).toBeNull();
  });

  it("a Poetry pyproject.toml's constraints as PEP 440 ranges; [project] dependencies as they are", () => {
    const doc = parseToml(
      [
        "[project]",
        'dependencies = ["httpx>=0.27"]',
        "[tool.poetry.dependencies]",
        'python = "^3.11"',
        'Django = "^4.2"',
        'zero = "^0.2.3"',
        'tilde = "~1.2.3"',
        'exact = "1.0"',
        'gunicorn = { version = "^21.2", extras = ["gthread"] }',
        'maybe = { version = "*", optional = true }',
      ].join("\n"),
    );
    expect(manifestRanges("pyproject.toml", doc)).toEqual([
      "Django>=4.2,<5",
      "zero>=0.2.3,<0.3",
      "tilde>=1.2.3,<1.3",
      "exact==1.0",
      "gunicorn[gthread]>=21.2,<22",
      "httpx>=0.27",
    ]);
    expect(() => manifestRanges("Pipfile", parseToml('[packages]\nflask = { git = "https://github.com/pallets/flask" }\n'))).toThrow(
      /^Pipfile: flask is a git dependency/,
    );
  });
});
