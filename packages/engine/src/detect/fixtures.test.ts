import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type BuildPlan, detectBuildPlan } from "./index.ts";
import { FIXTURES } from "./test-sources.ts";

type Expected = Omit<BuildPlan, "reasons" | "dockerfile" | "warnings"> & {
  warnings: RegExp[];
  /** What the version reason must say (where the version came from). */
  versionFrom: RegExp;
  /** What the start reason must say (why this command). */
  startFrom: RegExp;
};

const plain = { framework: null, test: null, release: null, port: 5000, warnings: [] as RegExp[] };
const noLock = (lock: string) => new RegExp(`No ${lock.replace(".", "\\.")}: installs are not reproducible`);

const EXPECTED: Record<string, Expected> = {
  "node-npm-express": {
    ...plain,
    stack: "nodejs",
    framework: "express",
    versions: { node: "20.x" },
    packageManager: "npm",
    lockfiles: ["package.json", "package-lock.json"],
    install: "npm ci",
    build: null,
    processes: { web: "npm start" },
    versionFrom: /Node\.js 20\.x from engines\.node in package\.json/,
    startFrom: /npm start: package\.json has a start script/,
  },
  "node-yarn": {
    ...plain,
    stack: "nodejs",
    versions: { node: "20" },
    packageManager: "yarn",
    lockfiles: ["package.json", "yarn.lock"],
    install: "yarn install --frozen-lockfile",
    build: null,
    processes: { web: "node index.js" },
    versionFrom: /from \.nvmrc/,
    startFrom: /no start script; package\.json's main/,
  },
  "node-pnpm": {
    ...plain,
    stack: "nodejs",
    versions: { node: "20" },
    packageManager: "pnpm",
    lockfiles: ["package.json", "pnpm-lock.yaml"],
    install: "pnpm install --frozen-lockfile",
    build: null,
    processes: { web: "node server.js" },
    versionFrom: /Node\.js 20 from \.node-version/,
    startFrom: /no start script or main; server\.js exists/,
  },
  "node-typescript": {
    ...plain,
    stack: "nodejs",
    versions: { node: ">=20" },
    packageManager: "npm",
    lockfiles: ["package.json", "package-lock.json"],
    install: "npm ci",
    build: "npm run build",
    processes: { web: "npm start" },
    versionFrom: /engines\.node/,
    startFrom: /start script/,
  },
  "node-nextjs": {
    ...plain,
    stack: "nodejs",
    framework: "nextjs",
    versions: { node: ">=20.9" },
    packageManager: "npm",
    lockfiles: ["package.json", "package-lock.json"],
    install: "npm ci",
    build: "npm run build",
    processes: { web: "next start -p $PORT" },
    versionFrom: /engines\.node/,
    startFrom: /Next\.js app without a start script/,
  },
  "node-nestjs": {
    ...plain,
    stack: "nodejs",
    framework: "nestjs",
    versions: { node: "20" },
    packageManager: "npm",
    lockfiles: ["package.json", "package-lock.json"],
    install: "npm ci",
    build: "npm run build",
    processes: { web: "node dist/main" },
    versionFrom: /Node\.js 20 from the platform default/,
    startFrom: /Nest CLI, a development tool/,
  },
  "node-vite-react": {
    ...plain,
    stack: "nodejs",
    framework: "vite",
    versions: { node: "20" },
    packageManager: "npm",
    lockfiles: ["package.json", "package-lock.json"],
    install: "npm ci",
    build: "npm run build",
    processes: { web: "node .skypanel/static-server.mjs --spa dist" },
    versionFrom: /platform default/,
    startFrom:
      /vite found and a build script, no start script: a React single-page app, served from dist\/ \(Vite's default build\.outDir\) with SPA fallback/,
  },
  "node-typescript-incremental": {
    ...plain,
    stack: "nodejs",
    versions: { node: "20" },
    packageManager: "npm",
    lockfiles: ["package.json", "package-lock.json"],
    install: "npm ci",
    build: "rm -f .tsbuildinfo && npm run build",
    processes: { web: "node dist/index.js" },
    versionFrom: /platform default/,
    startFrom: /no start script; package\.json's main/,
  },
  "procfile-web-worker": {
    ...plain,
    stack: "nodejs",
    versions: { node: "20" },
    packageManager: "npm",
    lockfiles: ["package.json", "package-lock.json"],
    install: "npm ci",
    build: null,
    processes: { web: "node web.js", worker: "node worker.js --interval 5000" },
    release: "node release.js",
    versionFrom: /platform default/,
    startFrom: /web from the Procfile: node web\.js \(instead of the default npm start\)/,
  },
  "dockerfile-node": {
    ...plain,
    stack: "docker",
    versions: { node: "20" },
    packageManager: "none",
    lockfiles: ["Dockerfile"],
    install: null,
    build: null,
    processes: { web: "node server.js" },
    port: 8080,
    warnings: [/^package\.json \(Node\.js\) ignored: this app builds as Dockerfile/],
    versionFrom: /node 20 from the final stage's base image node:20-slim/,
    startFrom: /web runs the Dockerfile's CMD: node server\.js/,
  },
  "python-flask": {
    ...plain,
    stack: "python",
    framework: "flask",
    versions: { python: "3.11" },
    packageManager: "pip",
    lockfiles: ["requirements.txt"],
    install: "pip install -r requirements.txt",
    build: null,
    processes: { web: "gunicorn app:app --bind 0.0.0.0:$PORT" },
    versionFrom: /Python 3\.11 from \.python-version/,
    startFrom: /app\.py creates the Flask app app/,
  },
  "python-fastapi": {
    ...plain,
    stack: "python",
    framework: "fastapi",
    versions: { python: ">=3.11" },
    packageManager: "pip",
    lockfiles: ["pyproject.toml"],
    install: "pip install .",
    build: null,
    processes: { web: "uvicorn main:app --host 0.0.0.0 --port $PORT" },
    warnings: [/dependencies are ranges and there is no lockfile/],
    versionFrom:
      /^Python >=3\.11 from requires-python in pyproject\.toml: this platform builds with Python 3\.11\.2, which satisfies it\.$/,
    startFrom: /main\.py creates the FastAPI app app/,
  },
  "python-django": {
    ...plain,
    stack: "python",
    framework: "django",
    versions: { python: "3.11.2" },
    packageManager: "poetry",
    lockfiles: ["pyproject.toml"],
    install: "poetry install --only main --no-root --no-interaction",
    build: "python manage.py collectstatic --noinput",
    processes: { web: "gunicorn mysite.wsgi --bind 0.0.0.0:$PORT" },
    warnings: [noLock("poetry.lock")],
    versionFrom: /Python 3\.11\.2 from runtime\.txt/,
    startFrom: /the Django project mysite/,
  },
  "python-pipenv": {
    ...plain,
    stack: "python",
    framework: "flask",
    versions: { python: "3.11" },
    packageManager: "pipenv",
    lockfiles: ["Pipfile"],
    install: "pipenv install --skip-lock",
    build: null,
    processes: { web: "gunicorn wsgi:application --bind 0.0.0.0:$PORT" },
    warnings: [noLock("Pipfile.lock")],
    versionFrom: /Python 3\.11 from Pipfile's \[requires\]/,
    startFrom: /wsgi\.py creates the Flask app application/,
  },
  "python-main-py": {
    ...plain,
    stack: "python",
    versions: { python: "3.11" },
    packageManager: "pip",
    lockfiles: ["requirements.txt"],
    install: "pip install -r requirements.txt",
    build: null,
    processes: { web: "python main.py" },
    versionFrom: /Python 3\.11 from the platform default .*: this platform builds with Python 3\.11\.2\./,
    startFrom: /main\.py at the top of the source .*; a web process because main\.py reads \$PORT/,
  },
  "python-project-scripts": {
    ...plain,
    stack: "python",
    versions: { python: ">=3.10,<3.14" },
    packageManager: "pip",
    lockfiles: ["pyproject.toml"],
    install: "pip install .",
    build: null,
    processes: { web: "python-project-scripts" },
    versionFrom:
      /Python >=3\.10,<3\.14 from requires-python in pyproject\.toml: this platform builds with Python 3\.11\.2, which satisfies it/,
    startFrom:
      /the console script python-project-scripts \(greeter\.server:main\) of \[project\.scripts\].*; a web process because src\/greeter\/server\.py reads \$PORT/,
  },
  "ruby-rails": {
    ...plain,
    stack: "ruby",
    framework: "rails",
    versions: { ruby: "3.1.2" },
    packageManager: "bundler",
    lockfiles: ["Gemfile"],
    install: "BUNDLE_WITHOUT=development:test bundle install",
    build: "bundle exec rails assets:precompile",
    processes: { web: "bundle exec rails server -b 0.0.0.0 -p $PORT" },
    warnings: [noLock("Gemfile.lock")],
    versionFrom: /Ruby 3\.1\.2 from \.ruby-version/,
    startFrom: /the Rails server/,
  },
  "ruby-sinatra": {
    ...plain,
    stack: "ruby",
    framework: "sinatra",
    versions: { ruby: "3.1.2" },
    packageManager: "bundler",
    lockfiles: ["Gemfile", "Gemfile.lock"],
    install: "BUNDLE_DEPLOYMENT=1 BUNDLE_WITHOUT=development:test bundle install",
    build: null,
    processes: { web: "bundle exec ruby app.rb -o 0.0.0.0 -p $PORT" },
    versionFrom: /Gemfile\.lock's RUBY VERSION/,
    startFrom: /app\.rb requires sinatra and there is no config\.ru/,
  },
  "go-stdlib": {
    ...plain,
    stack: "go",
    versions: { go: "1.19" },
    packageManager: "go",
    lockfiles: ["go.mod"],
    install: "go mod download",
    build: "go build -o bin/go-stdlib .",
    processes: { web: "./bin/go-stdlib" },
    versionFrom: /Go 1\.19 from the go directive in go\.mod/,
    startFrom: /the binary the build makes/,
  },
  "rust-cargo": {
    ...plain,
    stack: "rust",
    versions: { rust: "1.96.0" },
    packageManager: "cargo",
    lockfiles: ["Cargo.toml", "Cargo.lock"],
    install: "cargo vendor --locked",
    build: "cargo build --release --frozen",
    processes: { web: "./bin/rust-cargo" },
    versionFrom: /Rust 1\.96\.0, the platform's \(no rust-toolchain/,
    startFrom: /named after the package in Cargo\.toml/,
  },
  "rust-axum": {
    ...plain,
    stack: "rust",
    versions: { rust: "1.96.0" },
    packageManager: "cargo",
    lockfiles: ["Cargo.toml", "Cargo.lock"],
    install: "cargo vendor --locked",
    build: "cargo build --release --frozen",
    processes: { web: "./bin/rust-axum" },
    versionFrom: /Rust 1\.96\.0, the platform's \(no rust-toolchain/,
    startFrom: /named after the package in Cargo\.toml/,
  },
  "java-maven": {
    ...plain,
    stack: "java",
    versions: { java: "17" },
    packageManager: "maven",
    lockfiles: ["pom.xml"],
    install: null,
    build: "mvn -B -DskipTests package",
    processes: { web: "java -jar target/java-maven-1.0.0.jar" },
    versionFrom: /Java 17 from maven\.compiler\.release in pom\.xml/,
    startFrom: /the jar the build makes/,
  },
  "java-gradle": {
    ...plain,
    stack: "java",
    versions: { java: "17" },
    packageManager: "gradle",
    lockfiles: ["build.gradle.kts", "settings.gradle.kts"],
    install: null,
    build: "gradle build -x test",
    processes: { web: "java -jar build/libs/java-gradle-1.0.0.jar" },
    warnings: [/^No gradlew: /],
    versionFrom: /Java 17 from java\.runtime\.version in system\.properties/,
    startFrom: /the jar the build makes/,
  },
  "php-composer": {
    ...plain,
    stack: "php",
    versions: { php: "^8.1" },
    packageManager: "composer",
    lockfiles: ["composer.json"],
    install: "composer install --no-dev --optimize-autoloader --no-interaction",
    build: null,
    processes: { web: "php -S 0.0.0.0:$PORT -t public" },
    warnings: [noLock("composer.lock")],
    versionFrom: /PHP \^8\.1 from require\.php in composer\.json/,
    startFrom: /built-in server, document root public\//,
  },
  "static-staticfile": {
    ...plain,
    stack: "static",
    versions: {},
    packageManager: "none",
    lockfiles: [],
    install: null,
    build: null,
    processes: { web: "node .skypanel/static-server.mjs --spa site" },
    versionFrom: /needs no toolchain/,
    startFrom: /the Staticfile says to serve site\/, and pushstate: enabled makes it a single-page app/,
  },
  "static-site": {
    ...plain,
    stack: "static",
    versions: {},
    packageManager: "none",
    lockfiles: [],
    install: null,
    build: null,
    processes: { web: "caddy file-server --root public --listen :$PORT" },
    versionFrom: /needs no toolchain/,
    startFrom: /serves public\//,
  },
};

describe("detectBuildPlan on the fixture apps", () => {
  it.each(Object.entries(EXPECTED))("%s", async (name, expected) => {
    const plan = await detectBuildPlan(join(FIXTURES, name));
    const { versionFrom, startFrom, warnings, ...fields } = expected;
    const { reasons, warnings: gotWarnings, dockerfile: _, ...got } = plan;
    expect(got).toEqual(fields);
    expect(gotWarnings).toHaveLength(warnings.length);
    for (const [i, w] of warnings.entries()) expect(gotWarnings[i]).toMatch(w);

    const said = (topic: string) =>
      reasons
        .filter((r) => r.topic === topic)
        .map((r) => r.reason)
        .join("\n");
    expect(said("stack")).not.toBe("");
    expect(said("version")).toMatch(versionFrom);
    expect(said("start")).toMatch(startFrom);
    expect(said("start")).toContain(plan.processes.web);
    expect(said("port")).toMatch(plan.stack === "docker" ? /EXPOSE/ : /port 5000, the default; the app must listen on \$PORT/);
  });

  it("parses the Dockerfile of dockerfile-node into the plan, in order", async () => {
    const plan = await detectBuildPlan(join(FIXTURES, "dockerfile-node"));
    expect(plan.dockerfile).toEqual({
      path: "Dockerfile",
      instructions: [
        { op: "FROM", image: "node:20-slim", stage: null },
        { op: "WORKDIR", path: "/app" },
        { op: "ENV", vars: { NODE_ENV: "production" } },
        { op: "COPY", sources: ["package.json", "package-lock.json"], dest: "./", from: null },
        { op: "RUN", command: "npm ci --omit=dev" },
        { op: "COPY", sources: ["."], dest: ".", from: null },
        { op: "EXPOSE", port: 8080 },
        { op: "CMD", command: ["node", "server.js"] },
      ],
    });
    expect(plan.reasons.find((r) => r.topic === "precedence")?.reason).toMatch(/Also found package\.json \(Node\.js\)\. Dockerfile wins/);
  });

  it("explains why node-typescript-incremental builds before it starts, and why it removes .tsbuildinfo", async () => {
    const plan = await detectBuildPlan(join(FIXTURES, "node-typescript-incremental"));
    const said = (topic: string) => plan.reasons.filter((r) => r.topic === topic).map((r) => r.reason);
    expect(said("typescript")).toEqual([
      "The app starts from dist/index.js, which is not in the source: the build script's tsc writes it into dist/ (outDir in tsconfig.base.json, which tsconfig.json extends), so the build runs before the app starts.",
    ]);
    expect(said("build")).toContain(
      ".tsbuildinfo is in the source but dist/ is not: with incremental builds tsc would take the app as already built and write nothing, so the build removes .tsbuildinfo first.",
    );
  });

  it("refuses node-yarn-berry with what it found and the ways out", async () => {
    const err = await detectBuildPlan(join(FIXTURES, "node-yarn-berry")).catch((e) => e);
    expect(err.code).toBe("BAD_REQUEST");
    expect(err.message).toMatch(
      /^This app uses Yarn 2 or later \("Berry"\): package\.json's packageManager says yarn@4\.5\.3; yarn\.lock is a Yarn 2\+ lockfile \(__metadata\)\. /,
    );
    expect(err.message).toMatch(/bundled Yarn 1 \(1\.22\), which cannot read a Berry lockfile or install Plug'n'Play/);
    expect(err.message).toMatch(/switch to npm .* or pnpm .* or use Yarn 1/);
    expect(err.message).toMatch(/@yarnpkg\/cli-dist/);
  });

  it("says in the error which files it looked for when the source is no known stack", async () => {
    const err = await detectBuildPlan(join(FIXTURES, "unknown-stack")).catch((e) => e);
    expect(err.name).toBe("UnknownStackError");
    expect(err.code).toBe("BAD_REQUEST");
    for (const file of ["Dockerfile", "package.json", "requirements.txt", "Pipfile", "pyproject.toml", "Gemfile", "go.mod", "Cargo.toml"]) {
      expect(err.message).toContain(file);
    }
    for (const file of [
      "pom.xml",
      "build.gradle",
      "composer.json",
      "index.php",
      "Staticfile",
      "index.html",
      "public/index.html",
      "dist/index.html",
    ]) {
      expect(err.message).toContain(file);
    }
    expect(err.message).toMatch(/A Procfile alone does not say which toolchain to install/);
  });
});
