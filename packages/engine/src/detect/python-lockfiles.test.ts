// Detection of the Python fixtures that come with a lockfile (uv.lock, pdm.lock, poetry.lock,
// Pipfile.lock) or in the shape of Heroku's getting-started app: the plan names the lockfile the
// dependency layer is keyed by, and no "not reproducible" warning is left.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { detectBuildPlan } from "./index.ts";
import { FIXTURES } from "./test-sources.ts";

describe("Python apps with lockfiles", () => {
  it.each([
    [
      "python-fastapi-uv",
      ["pyproject.toml", "uv.lock"],
      "uv",
      "uv sync --locked --no-dev --no-install-project",
      "uvicorn main:app --host 0.0.0.0 --port $PORT",
    ],
    ["python-pdm", ["pyproject.toml", "pdm.lock"], "pdm", "pdm sync --prod --no-self", "gunicorn app:app --bind 0.0.0.0:$PORT"],
    [
      "python-poetry",
      ["pyproject.toml", "poetry.lock"],
      "poetry",
      "poetry install --only main --no-root --no-interaction",
      "gunicorn app:app --bind 0.0.0.0:$PORT",
    ],
    [
      "python-pipenv-locked",
      ["Pipfile", "Pipfile.lock"],
      "pipenv",
      "pipenv install --deploy",
      "gunicorn wsgi:application --bind 0.0.0.0:$PORT",
    ],
  ])("%s: the plan names %j", async (name, lockfiles, packageManager, install, web) => {
    const plan = await detectBuildPlan(join(FIXTURES, name));
    expect(plan).toMatchObject({ stack: "python", lockfiles, packageManager, install, processes: { web } });
    expect(plan.warnings).toEqual([]);
  });

  it("python-django-gettingstarted: Heroku's shape, Procfile web, collectstatic at build", async () => {
    const plan = await detectBuildPlan(join(FIXTURES, "python-django-gettingstarted"));
    expect(plan).toMatchObject({
      stack: "python",
      framework: "django",
      versions: { python: "3.11" },
      packageManager: "pip",
      lockfiles: ["requirements.txt"],
      build: "python manage.py collectstatic --noinput",
      processes: { web: "gunicorn gettingstarted.wsgi" },
    });
    expect(plan.warnings).toEqual([]);
  });

  it("prefers uv.lock to pdm.lock when a PEP 621 project has both", async () => {
    const dir = mkdtempSync(join(tmpdir(), "skypanel-py-"));
    try {
      writeFileSync(join(dir, "pyproject.toml"), '[project]\nname = "x"\nversion = "0"\ndependencies = ["flask"]\n');
      writeFileSync(join(dir, "uv.lock"), "version = 1\n");
      writeFileSync(join(dir, "pdm.lock"), "[metadata]\n");
      writeFileSync(join(dir, "Procfile"), "web: python app.py\n");
      expect((await detectBuildPlan(dir)).lockfiles).toEqual(["pyproject.toml", "uv.lock"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
