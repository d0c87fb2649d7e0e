// The Python version rule: what an app asks for (runtime.txt, .python-version, Pipfile
// [requires], requires-python) is checked as numbers against the platform's Python — Debian 12's
// 3.11.2 here, another when the build passes its toolchain's — and refused naming what is there.
import { describe, expect, it } from "vitest";
import { detectBuildPlan } from "./index.ts";
import { detect, makeSource, type SourceFile, said } from "./test-sources.ts";

const app = { "requirements.txt": "", "main.py": 'import os\nos.environ["PORT"]\n' };
const pyproject = (requires: string) => `[project]\nname = "x"\nversion = "1"\nrequires-python = ${JSON.stringify(requires)}\n`;
const refusal = (files: Record<string, SourceFile>) =>
  detect({ ...app, ...files }).then(
    () => "accepted",
    (e: Error) => e.message,
  );

describe("the Python version an app asks for, against the platform's 3.11.2", () => {
  it.each([
    [".python-version", "3.11\n", "3.11"],
    [".python-version", "3\n", "3"],
    [".python-version", "# pyenv\n3.11.2\n", "3.11.2"],
    [".python-version", "3.11.0", "3.11.0"],
    ["runtime.txt", "python-3.11.1\n", "3.11.1"],
  ])("%s saying %j is used", async (file, text, version) => {
    const plan = await detect({ ...app, [file]: text });
    expect(plan.versions.python).toBe(version);
    expect(said(plan, "version")).toBe(`Python ${version} from ${file}: this platform builds with Python 3.11.2, which satisfies it.`);
  });

  it.each([
    [".python-version", "3.12\n", ".python-version: asks for Python 3.12"],
    [".python-version", "3.11.4\n", ".python-version: asks for Python 3.11.4"],
    [".python-version", "3.1\n", ".python-version: asks for Python 3.1"],
    [".python-version", "2\n", ".python-version: asks for Python 2"],
    ["runtime.txt", "python-3.13.0\n", "runtime.txt: asks for Python 3.13.0"],
  ])("%s saying %j is refused, naming the platform's Python", async (file, text, start) => {
    expect(await refusal({ [file]: text })).toBe(
      `${start}; this platform builds with Python 3.11.2 only. Ask for 3.11 (or a 3.11.x no newer than 3.11.2) to build here.`,
    );
  });

  it("Pipfile [requires] is checked the same way", async () => {
    const pipfile = (requires: string) => ({ Pipfile: `[packages]\n[requires]\n${requires}\n`, "main.py": 'os.environ["PORT"]\n' });
    const ok = await detect(pipfile('python_version = "3.11"'));
    expect(said(ok, "version")).toBe("Python 3.11 from Pipfile's [requires]: this platform builds with Python 3.11.2, which satisfies it.");
    const err = await detect(pipfile('python_full_version = "3.12.1"')).catch((e) => e);
    expect(err.message).toMatch(/^Pipfile: \[requires\] asks for Python 3\.12\.1; this platform builds with Python 3\.11\.2 only/);
  });

  it.each([[">=3.10,<3.13"], ["~=3.11"], ["~=3.11.0"], ["==3.11.*"], [">=3.8, !=3.11.0"], ["<4"], ["===3.11.2"]])(
    "requires-python %j is satisfied",
    async (requires) => {
      const plan = await detect({ "pyproject.toml": pyproject(requires), "main.py": "" });
      expect(plan.versions.python).toBe(requires);
      expect(said(plan, "version")).toBe(
        `Python ${requires} from requires-python in pyproject.toml: this platform builds with Python 3.11.2, which satisfies it.`,
      );
    },
  );

  it.each([[">=3.12"], ["==3.11"], ["~=3.11.3"], ["<3.11"], ["!=3.11.*"], [">3.11.2"]])(
    "requires-python %j is refused",
    async (requires) => {
      expect(await refusal({ "pyproject.toml": pyproject(requires) })).toBe(
        `pyproject.toml: requires-python asks for Python ${requires}; this platform builds with Python 3.11.2 only. Ask for 3.11 (or a 3.11.x no newer than 3.11.2) to build here.`,
      );
    },
  );

  it("requires-python must hold too when .python-version chose the version", async () => {
    const plan = await detect({ ...app, "pyproject.toml": pyproject(">=3.10"), ".python-version": "3.11\n" });
    expect(said(plan, "version")).toBe(
      "Python 3.11 from .python-version: this platform builds with Python 3.11.2, which satisfies it, and requires-python >=3.10 in pyproject.toml.",
    );
    expect(await refusal({ "pyproject.toml": pyproject(">=3.12"), ".python-version": "3.11\n" })).toMatch(
      /^pyproject\.toml: requires-python asks for Python >=3\.12;/,
    );
  });

  it.each([
    [".python-version", "3.11; rm -rf /\n", /^\.python-version: should hold a CPython version like "3\.11", not "3\.11; rm -rf \/"\.$/],
    [".python-version", "pypy3.10\n", /^\.python-version: should hold a CPython version like "3\.11"/],
    [
      ".python-version",
      "99999999.1\n",
      /^\.python-version: "99999999\.1" is not something SkyPanel can read as Python a version like "3\.11"\.$/,
    ],
    [".python-version", "3.11\u0007\n", /^\.python-version: should hold a CPython version/],
    ["runtime.txt", "python-3.11.2.1\n", /^runtime\.txt: should read like "python-3\.11\.2"/],
    [
      "pyproject.toml",
      pyproject(">=3.11; import os"),
      /^pyproject\.toml: requires-python ">=3\.11; import os" is not something SkyPanel can read as Python a specifier like ">=3\.10,<3\.13"\.$/,
    ],
    ["pyproject.toml", pyproject(">=3.11rc1"), /^pyproject\.toml: requires-python ">=3\.11rc1" is not something SkyPanel can read/],
    ["pyproject.toml", pyproject("~=3"), /is not something SkyPanel can read/],
    ["pyproject.toml", pyproject(",".repeat(40)), /is not something SkyPanel can read/],
    [
      "pyproject.toml",
      '[project]\nname = "x"\nrequires-python = 3.11\n',
      /^pyproject\.toml: \[project\] requires-python should be a string/,
    ],
  ])("%s saying %j is refused as unreadable", async (file, text, message) => {
    expect(await refusal({ [file]: text })).toMatch(message);
  });

  it("checks against the Python the build pipeline passes, not a fixed one", async () => {
    const plan = await detectBuildPlan(makeSource({ ...app, ".python-version": "3.12.4\n" }), { python: "3.12.7" });
    expect(said(plan, "version")).toBe("Python 3.12.4 from .python-version: this platform builds with Python 3.12.7, which satisfies it.");
    const err = await detectBuildPlan(makeSource({ ...app, ".python-version": "3.11\n" }), { python: "3.12.7" }).catch((e) => e);
    expect(err.message).toMatch(/^\.python-version: asks for Python 3\.11; this platform builds with Python 3\.12\.7 only\. Ask for 3\.12/);
  });
});
