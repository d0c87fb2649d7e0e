// Python apps that are not Django, Flask or FastAPI: the start command each shape gets
// ([project.scripts], python -m pkg, main.py/app.py, another web framework), whether it is a web
// process or a worker, and the Procfile winning over all of it.
import { describe, expect, it } from "vitest";
import { detect, said } from "./test-sources.ts";

const SERVES = 'import os\nfrom http.server import HTTPServer\nHTTPServer(("", int(os.environ["PORT"])), None)\n';
const pyproject = (extra: string) => `[project]\nname = "shop-api"\nversion = "1.0"\ndependencies = []\n${extra}`;

describe("Python entry points when nothing else says how to start", () => {
  it.each([
    ["main.py", "python main.py"],
    ["app.py", "python app.py"],
    ["server.py", "python server.py"],
  ])("%s at the top that reads $PORT is the web process", async (file, web) => {
    const plan = await detect({ "requirements.txt": "requests\n", [file]: SERVES, "helpers.py": "" });
    expect(plan.processes).toEqual({ web });
    expect(said(plan, "start")).toBe(
      `${web}: ${file} at the top of the source ([project.scripts] first, then a package's __main__.py, then main.py, app.py or server.py); a web process because ${file} reads $PORT.`,
    );
    expect(plan.warnings).toEqual([]);
  });

  it("main.py comes before app.py", async () => {
    const plan = await detect({ "requirements.txt": "", "app.py": SERVES, "main.py": SERVES });
    expect(plan.processes.web).toBe("python main.py");
  });

  it("a package with __main__.py in a src/ layout runs with python -m and src/ on the path", async () => {
    const plan = await detect({
      "pyproject.toml": pyproject(""),
      "src/shop_api/__init__.py": "",
      "src/shop_api/__main__.py": "from shop_api.web import serve\nserve()\n",
      "src/shop_api/web.py": SERVES,
      "main.py": "print('a stray script')\n",
    });
    expect(plan.processes).toEqual({ web: "PYTHONPATH=src python -m shop_api" });
    expect(said(plan, "start")).toMatch(
      /src\/shop_api\/__main__\.py makes the package shop_api runnable .*; a web process because src\/shop_api\/web\.py reads \$PORT/,
    );
  });

  it("a package with __main__.py at the top: python -m; with several, the one named after the project", async () => {
    const one = await detect({ "requirements.txt": "aiohttp\n", "bot/__main__.py": "" });
    expect(one.processes).toEqual({ web: "python -m bot" });
    expect(said(one, "start")).toMatch(/a web process because aiohttp is a dependency/);
    expect(said(one, "framework")).toBe("aiohttp: aiohttp is a dependency; its apps start from their own script.");

    const named = await detect({ "pyproject.toml": pyproject(""), "tools/__main__.py": "", "shop_api/__main__.py": SERVES });
    expect(named.processes.web).toBe("python -m shop_api");
  });

  it("[project.scripts]: the only script, or the one named after the project, comes before __main__.py and main.py", async () => {
    const only = await detect({
      "pyproject.toml": pyproject('[project.scripts]\nserve = "shop_api.cli:main"\n'),
      "shop_api/cli.py": SERVES,
      "shop_api/__main__.py": "",
      "main.py": "",
    });
    expect(only.processes).toEqual({ web: "serve" });
    expect(said(only, "start")).toMatch(
      /^serve: the console script serve \(shop_api\.cli:main\) of \[project\.scripts\] in pyproject\.toml, whose launcher the build writes/,
    );

    const named = await detect({
      "pyproject.toml": pyproject('[project.scripts]\nmigrate = "shop_api.db:migrate"\nshop-api = "shop_api.app:run"\n'),
      "requirements.txt": "tornado\n",
      "shop_api/app.py": "",
    });
    expect(named.processes).toEqual({ web: "shop-api" });
  });

  it("several scripts, none named after the project, fall through to main.py and the plan says why", async () => {
    const plan = await detect({
      "pyproject.toml": pyproject('[project.scripts]\nmigrate = "shop_api.db:migrate"\nseed = "shop_api.db:seed"\n'),
      "main.py": SERVES,
    });
    expect(plan.processes.web).toBe("python main.py");
    const none = await detect({ "pyproject.toml": pyproject('[project.scripts]\na = "x:a"\nb = "x:b"\n') }).catch((e) => e);
    expect(none.message).toMatch(/\[project\.scripts\] has a, b and none is named after the project/);
  });

  it("a script that is not a safe command is never offered", async () => {
    const plan = await detect({
      "pyproject.toml": pyproject('[project.scripts]\n"x; rm -rf /" = "shop:main"\nok = "shop:main; import os"\n'),
      "main.py": SERVES,
    });
    expect(plan.processes.web).toBe("python main.py");
  });

  it.each([
    ["starlette", "app = Starlette(routes=routes)", "uvicorn main:app --host 0.0.0.0 --port $PORT", "uvicorn"],
    ["litestar", "app = Litestar([index])", "uvicorn main:app --host 0.0.0.0 --port $PORT", "uvicorn"],
    ["quart", "app = Quart(__name__)", "hypercorn main:app --bind 0.0.0.0:$PORT", "hypercorn"],
    ["sanic", 'app = Sanic("shop")', "sanic main:app --host 0.0.0.0 --port $PORT", "sanic"],
    ["falcon", "app = falcon.App()", "gunicorn main:app --bind 0.0.0.0:$PORT", "gunicorn"],
    ["bottle", "app = Bottle()", "gunicorn main:app --bind 0.0.0.0:$PORT", "gunicorn"],
  ])("%s: its app object served the way its docs say", async (dep, code, web, server) => {
    const plan = await detect({ "requirements.txt": `${dep}\n${server}\n`, "main.py": `${code}\n` });
    expect(plan.processes).toEqual({ web });
    expect(said(plan, "start")).toMatch(/main\.py creates the \w+ app app, served by \w+ as its docs do/);
    expect(plan.warnings).toEqual([]);
  });

  it("an ASGI framework's server missing from the dependencies is a warning", async () => {
    const plan = await detect({ "requirements.txt": "starlette\n", "api/app.py": "application = Starlette()\n" });
    expect(plan.processes.web).toBe("uvicorn api.app:application --host 0.0.0.0 --port $PORT");
    expect(plan.warnings).toEqual([
      "The start command uses uvicorn, which requirements.txt does not list: add it, or the app will not start.",
    ]);
  });

  it("a Flask app object that cannot be found falls back to main.py", async () => {
    const plan = await detect({ "requirements.txt": "flask\n", "main.py": "from shop import make\nmake().run(port=8000)\n" });
    expect(plan.processes).toEqual({ web: "python main.py" });
    expect(said(plan, "start")).toMatch(/a web process because flask is a dependency/);
  });

  it("a script with no web framework that does not read $PORT is a worker, with a warning", async () => {
    const plan = await detect({ "requirements.txt": "requests\nredis\n", "main.py": "while True:\n    poll_queue()\n" });
    expect(plan.processes).toEqual({ worker: "python main.py" });
    expect(plan.warnings).toEqual([
      'python main.py runs as a worker process, with no route: python main.py does not look like a web server: no web framework or server is a dependency, and it neither reads $PORT nor imports http.server. If it serves HTTP on $PORT, add a Procfile with "web: python main.py".',
    ]);
    expect(said(plan, "start")).toMatch(
      /^worker: python main\.py: main\.py at the top of the source .*, unless a Procfile declares processes\.\nNo web process \(python main\.py does not look like a web server/,
    );
  });

  it("a Procfile wins: its web replaces the entry, and a declared process drops the guessed worker", async () => {
    const web = await detect({ "requirements.txt": "", "main.py": SERVES, Procfile: "web: gunicorn shop:app\n" });
    expect(web.processes).toEqual({ web: "gunicorn shop:app" });
    expect(said(web, "start")).toMatch(/web from the Procfile: gunicorn shop:app \(instead of the default python main\.py\)/);

    const worker = await detect({ "requirements.txt": "", "main.py": "poll()\n", Procfile: "clock: python clock.py\n" });
    expect(worker.processes).toEqual({ clock: "python clock.py" });
    expect(worker.warnings).toEqual([]);
  });

  it("nothing to start and no Procfile: the error names what was looked for", async () => {
    const err = await detect({ "requirements.txt": "requests\n", "notes.py": "" }).catch((e) => e);
    expect(err.message).toBe(
      'Could not find how to start this app: no [project.scripts] entry, package with __main__.py, main.py, app.py or server.py. Add a Procfile with a line like "web: <command that listens on $PORT>".',
    );
  });
});

describe("the package manager a uv or PDM app reports", () => {
  it.each([
    ["uv.lock", "uv"],
    ["pdm.lock", "pdm"],
  ])("%s: %s", async (lock, packageManager) => {
    const plan = await detect({ "pyproject.toml": pyproject(""), [lock]: "", "main.py": SERVES });
    expect(plan.packageManager).toBe(packageManager);
  });
});
