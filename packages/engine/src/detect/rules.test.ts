// The stack rules beyond the fixture apps: precedence, lockfile choices, version sources and
// start-command fallbacks, each on a small source written for the test.
import { describe, expect, it } from "vitest";
import { ValidationError } from "../errors.ts";
import { detectBuildPlan, UnknownStackError } from "./index.ts";
import { makeSource, type SourceFile } from "./test-sources.ts";

const detect = (files: Record<string, SourceFile>) => detectBuildPlan(makeSource(files));
const pkg = (fields: Record<string, unknown>) => JSON.stringify({ name: "app", ...fields });
const said = (plan: { reasons: { topic: string; reason: string }[] }, topic: string) =>
  plan.reasons
    .filter((r) => r.topic === topic)
    .map((r) => r.reason)
    .join("\n");

describe("precedence when several stacks match", () => {
  it("a server language's manifest wins over package.json, which is named in a warning", async () => {
    const plan = await detect({
      Gemfile: 'gem "rails"\n',
      "config/application.rb": "",
      "package.json": pkg({ scripts: { build: "esbuild app.js" } }),
      "yarn.lock": "",
    });
    expect(plan.stack).toBe("ruby");
    expect(said(plan, "precedence")).toMatch(/^Also found package\.json \(Node\.js\)\. Ruby wins/);
    expect(plan.warnings[0]).toBe(
      "package.json (Node.js) ignored: this app builds as Ruby. Remove the file if that is not what you meant.",
    );
  });

  it("Python wins over Node.js, and static never competes with another stack", async () => {
    const plan = await detect({
      "requirements.txt": "flask\n",
      "app.py": "app = Flask(__name__)\n",
      "package.json": pkg({}),
      "public/index.html": "<p>hi</p>",
    });
    expect(plan.stack).toBe("python");
    expect(plan.warnings.filter((w) => w.includes("ignored: this app builds as"))).toEqual([
      "package.json (Node.js) ignored: this app builds as Python. Remove the file if that is not what you meant.",
    ]);
  });

  it("a package.json with public/index.html is a Node.js app", async () => {
    const plan = await detect({ "package.json": pkg({ scripts: { start: "serve public" } }), "public/index.html": "<p>hi</p>" });
    expect(plan.stack).toBe("nodejs");
    expect(said(plan, "precedence")).toBe("");
  });

  it("an empty source is an unknown stack, without the Procfile note", async () => {
    const err = await detect({}).catch((e) => e);
    expect(err).toBeInstanceOf(UnknownStackError);
    expect(err.message).toMatch(/^Could not tell how to build this app: none of Dockerfile, Gemfile, /);
    expect(err.message).not.toContain("Procfile");
  });
});

describe("Node.js", () => {
  it("without a lockfile: npm install, and a warning that installs are not reproducible", async () => {
    const plan = await detect({ "package.json": pkg({ scripts: { start: "node ." } }) });
    expect(plan).toMatchObject({ packageManager: "npm", install: "npm install", lockfiles: ["package.json"] });
    expect(plan.warnings).toEqual([
      "No lockfile: installs are not reproducible, each build may get different dependency versions. Commit package-lock.json.",
    ]);
  });

  it("npm-shrinkwrap.json counts as npm's lockfile", async () => {
    const plan = await detect({ "package.json": pkg({ scripts: { start: "node ." } }), "npm-shrinkwrap.json": "{}" });
    expect(plan).toMatchObject({ install: "npm ci", lockfiles: ["package.json", "npm-shrinkwrap.json"] });
  });

  it("two package managers' lockfiles are an error unless packageManager picks one", async () => {
    const files = { "package.json": pkg({ scripts: { start: "node ." } }), "yarn.lock": "", "package-lock.json": "{}" };
    const err = await detect(files).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.message).toMatch(
      /^Found package-lock\.json and yarn\.lock: SkyPanel cannot tell whether npm, yarn or pnpm installs this app/,
    );

    const plan = await detect({ ...files, "package.json": pkg({ packageManager: "yarn@1.22.22", scripts: { start: "node ." } }) });
    expect(plan).toMatchObject({
      packageManager: "yarn",
      versions: { node: "20", yarn: "1.22.22" },
      lockfiles: ["package.json", "yarn.lock"],
    });
    expect(plan.warnings).toEqual(["package-lock.json ignored: packageManager says yarn. Delete the lockfiles you do not use."]);
  });

  it("Yarn 2+ is refused before the bundled Yarn 1 could fail on it; Yarn 1 with a stray .yarnrc.yml is not", async () => {
    const berry = await detect({
      "package.json": pkg({ main: "a.js" }),
      "a.js": "",
      "yarn.lock": "",
      ".yarnrc.yml": "nodeLinker: node-modules\n",
    }).catch((e) => e);
    expect(berry).toBeInstanceOf(ValidationError);
    expect(berry.message).toMatch(/^This app uses Yarn 2 or later \("Berry"\): \.yarnrc\.yml \(Yarn 2\+'s settings\) is in the source\. /);

    const v1 = await detect({
      "package.json": pkg({ main: "a.js" }),
      "a.js": "",
      "yarn.lock": "# yarn lockfile v1\n",
      ".yarnrc.yml": "nodeLinker: node-modules\n",
    });
    expect(v1).toMatchObject({ packageManager: "yarn", install: "yarn install --frozen-lockfile", processes: { web: "node a.js" } });
  });

  it("engines.node wins over .nvmrc; .nvmrc LTS names map to their major", async () => {
    const both = await detect({ "package.json": pkg({ engines: { node: "^22" }, main: "a.js" }), "a.js": "", ".nvmrc": "18\n" });
    expect(both.versions.node).toBe("^22");
    expect(said(both, "version")).toBe("Node.js ^22 from engines.node in package.json.");

    const lts = await detect({ "package.json": pkg({ main: "a.js" }), "a.js": "", ".nvmrc": "lts/jod\n" });
    expect(lts.versions.node).toBe("22");
    expect(said(lts, "version")).toBe("Node.js 22 from .nvmrc (which says lts/jod).");

    const v = await detect({ "package.json": pkg({ main: "a.js" }), "a.js": "", ".node-version": "v20.11.1\n" });
    expect(v.versions.node).toBe("20.11.1");
  });

  it("a test script other than npm's placeholder becomes the test step", async () => {
    const real = await detect({ "package.json": pkg({ scripts: { start: "node .", test: "node --test" } }), "pnpm-lock.yaml": "" });
    expect(real.test).toBe("pnpm test");
    const placeholder = await detect({
      "package.json": pkg({ scripts: { start: "node .", test: 'echo "Error: no test specified" && exit 1' } }),
    });
    expect(placeholder.test).toBeNull();
  });

  it("TypeScript without a build script is a warning", async () => {
    const plan = await detect({
      "package.json": pkg({ scripts: { start: "tsx server.ts" } }),
      "tsconfig.json": "{}",
      "package-lock.json": "{}",
    });
    expect(said(plan, "typescript")).toBe("TypeScript found, but there is no build script to compile it.");
    expect(plan.warnings).toContain(
      'This is a TypeScript app without a build script: add one (e.g. "build": "tsc") or start it with a TypeScript runner.',
    );
  });

  it("falls back from a missing main to server.js, index.js, app.js", async () => {
    const plan = await detect({ "package.json": pkg({ main: "lib/gone.js" }), "app.js": "", "package-lock.json": "{}" });
    expect(plan.processes.web).toBe("node app.js");
    expect(plan.warnings).toEqual(["package.json's main is lib/gone.js, which does not exist and no build script makes it."]);
  });

  it("without any way to start and no Procfile: a clear error", async () => {
    const err = await detect({ "package.json": pkg({}), "package-lock.json": "{}" }).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.message).toBe(
      'Could not find how to start this app: package.json has no start script and no main, and there is no server.js, index.js, app.js. Add a Procfile with a line like "web: <command that listens on $PORT>".',
    );
  });

  it("a Procfile with only a worker is enough, and the plan says there is no web", async () => {
    const plan = await detect({ "package.json": pkg({}), "package-lock.json": "{}", Procfile: "worker: node worker.js\n" });
    expect(plan.processes).toEqual({ worker: "node worker.js" });
    expect(said(plan, "start")).toMatch(/^No web process \(package\.json has no start script/);
  });
});

describe("Python", () => {
  it("requirements.txt wins over Pipfile and pyproject.toml, with a warning", async () => {
    const plan = await detect({
      "requirements.txt": "-r requirements/base.txt\n",
      "requirements/base.txt": "Django==4.2 \\\n  --hash=sha256:abc\ngunicorn # server\n",
      Pipfile: "[packages]\nflask = '*'\n",
      "pyproject.toml": '[project]\nname = "x"\n',
      "manage.py": 'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")\n',
      "shop/wsgi.py": "",
    });
    expect(plan).toMatchObject({
      packageManager: "pip",
      framework: "django",
      processes: { web: "gunicorn shop.wsgi --bind 0.0.0.0:$PORT" },
    });
    expect(plan.warnings).toEqual(["requirements.txt installs this app; Pipfile and pyproject.toml ignored."]);
  });

  it("Pipfile.lock makes pipenv install --deploy; poetry.lock is a lockfile", async () => {
    const pipenv = await detect({
      Pipfile: "[packages]\nfastapi = '*'\nuvicorn = '*'\n",
      "Pipfile.lock": "{}",
      "api/main.py": "from fastapi import FastAPI\napi = FastAPI()\n",
    });
    expect(pipenv).toMatchObject({ install: "pipenv install --deploy", lockfiles: ["Pipfile", "Pipfile.lock"], warnings: [] });
    expect(pipenv.processes.web).toBe("uvicorn api.main:api --host 0.0.0.0 --port $PORT");

    const poetry = await detect({
      "pyproject.toml": '[tool.poetry]\nname = "x"\n[tool.poetry.dependencies]\nflask = "^3"\n',
      "poetry.lock": "",
      "wsgi.py": "app = Flask(__name__)\n",
    });
    expect(poetry).toMatchObject({
      lockfiles: ["pyproject.toml", "poetry.lock"],
      processes: { web: "gunicorn wsgi:app --bind 0.0.0.0:$PORT" },
    });
  });

  it("finds a Flask app factory and quotes it", async () => {
    const plan = await detect({
      "requirements.txt": "Flask\ngunicorn\n",
      "web/__init__.py": "from flask import Flask\n\ndef create_app():\n    return Flask(__name__)\n",
    });
    expect(plan.processes.web).toBe("gunicorn 'web:create_app()' --bind 0.0.0.0:$PORT");
  });

  it("warns when the server the start command needs is not a dependency", async () => {
    const plan = await detect({ "requirements.txt": "fastapi\n", "main.py": "app = FastAPI()\n" });
    expect(plan.warnings).toEqual([
      "The start command uses uvicorn, which requirements.txt does not list: add it, or the app will not start.",
    ]);
  });

  it("a framework whose app cannot be found asks for a Procfile", async () => {
    const err = await detect({ "requirements.txt": "flask\n", "notes.py": "print(1)\n" }).catch((e) => e);
    expect(err.message).toMatch(
      /^Could not find how to start this app: flask is a dependency, but no \.py file .* creates Flask\(…\); no \[project\.scripts\] entry, package with __main__\.py, main\.py, app\.py or server\.py\. Add a Procfile/,
    );
  });

  it("a plain Python app with a Procfile", async () => {
    const plan = await detect({ "requirements.txt": "requests\n", Procfile: "web: python server.py\n", ".python-version": "3.11.1\n" });
    expect(plan).toMatchObject({ framework: null, versions: { python: "3.11.1" }, processes: { web: "python server.py" } });
  });
});

describe("Ruby, Go, Rust, Java, PHP and static", () => {
  it("Ruby: the Gemfile's ruby line, and a Rack app", async () => {
    const plan = await detect({
      Gemfile: 'source "https://rubygems.org"\nruby "3.2.2"\ngem "rack"\n',
      "config.ru": "run ->(env) { [200, {}, ['ok']] }\n",
    });
    expect(plan).toMatchObject({
      framework: null,
      versions: { ruby: "3.2.2" },
      processes: { web: "bundle exec rackup config.ru -o 0.0.0.0 -p $PORT" },
    });
    expect(said(plan, "version")).toBe("Ruby 3.2.2 from the ruby line in the Gemfile.");
  });

  it("Sinatra with a config.ru uses rackup", async () => {
    const plan = await detect({ Gemfile: "gem 'sinatra'\n", "config.ru": "run Sinatra::Application\n" });
    expect(plan).toMatchObject({ framework: "sinatra", processes: { web: "bundle exec rackup config.ru -o 0.0.0.0 -p $PORT" } });
  });

  it("Go: the command under cmd/ and go.sum as a lockfile", async () => {
    const plan = await detect({
      "go.mod": "module github.com/acme/shop\n\ngo 1.22.3 // pinned\n",
      "go.sum": "",
      "internal/x.go": "package internal\n",
      "cmd/shop/main.go": "package main\n",
      "cmd/migrate/main.go": "package main\n",
    });
    expect(plan).toMatchObject({ versions: { go: "1.22.3" }, lockfiles: ["go.mod", "go.sum"], build: "go build -o bin/shop ./cmd/shop" });
    expect(plan.warnings).toEqual([
      "Several commands under cmd/ (cmd/migrate, cmd/shop); building cmd/shop. Add a Procfile to run another.",
    ]);
  });

  it("Rust: rust-toolchain.toml and a [[bin]] name", async () => {
    const plan = await detect({
      "Cargo.toml": '[package]\nname = "shop"\nversion = "0.1.0"\n\n[[bin]]\nname = "shop-server"\npath = "src/main.rs"\n',
      "rust-toolchain.toml": '[toolchain]\nchannel = "1.78.0"\n',
    });
    expect(plan).toMatchObject({
      versions: { rust: "1.96.0" },
      install: "cargo vendor --locked",
      build: "cargo build --release --frozen",
      processes: { web: "./bin/shop-server" },
    });
    expect(plan.reasons).toContainEqual({ topic: "version", reason: expect.stringMatching(/asks for 1\.78\.0, which it satisfies/) });
    expect(plan.warnings).toEqual([
      "No Cargo.lock: the crates are resolved at build time, so builds are not reproducible. Commit Cargo.lock (binaries should).",
    ]);
  });

  it("Java: a committed gradlew is preferred, and Spring Boot gets its port", async () => {
    const plan = await detect({
      "build.gradle": "plugins { id 'org.springframework.boot' version '3.2.0' }\nversion = '0.0.1'\nsourceCompatibility = '21'\n",
      "settings.gradle": "rootProject.name = 'shop'\n",
      gradlew: "#!/bin/sh\n",
    });
    expect(plan).toMatchObject({
      packageManager: "gradle",
      build: "./gradlew build -x test",
      versions: { java: "21" },
      processes: { web: "java -Dserver.port=$PORT -jar build/libs/shop-0.0.1.jar" },
      warnings: [],
    });
  });

  it("Java: Maven wrapper and a version given by a property", async () => {
    const pom =
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Dockerfile/Maven variable, not a template
      "<project><artifactId>shop</artifactId><version>${revision}</version><properties><java.version>21</java.version></properties></project>";
    const plan = await detect({ "pom.xml": pom, mvnw: "#!/bin/sh\n" });
    expect(plan).toMatchObject({
      build: "./mvnw -B -DskipTests package",
      versions: { java: "21" },
      processes: { web: "java -jar target/*.jar" },
    });
  });

  it("PHP: index.php alone is served from the top directory", async () => {
    const plan = await detect({ "index.php": "<?php echo 'hi';" });
    expect(plan).toMatchObject({
      stack: "php",
      packageManager: "none",
      install: null,
      versions: { php: "8.2" },
      processes: { web: "php -S 0.0.0.0:$PORT -t ." },
    });
  });

  it.each([
    ["index.html", "."],
    ["dist/index.html", "dist"],
    ["build/index.html", "build"],
  ])("static: %s is served from %s", async (file, root) => {
    const plan = await detect({ [file]: "<p>hi</p>" });
    expect(plan.processes.web).toBe(`caddy file-server --root ${root} --listen :$PORT`);
  });
});
