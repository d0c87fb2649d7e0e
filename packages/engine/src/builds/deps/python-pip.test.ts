// The boundary of the Python fetch: what of the platform's environment pip may see, the user it
// runs as (a real setpriv run, no network), and pip's failures (its real output) in words.
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildNetwork, DEFAULT_BUILD_NETWORK } from "../network.ts";
import { UNPRIVILEGED, unprivilegedDir } from "../workspace.ts";
import { type PipRun, pipEnv, pipFailure, runPython } from "./python-pip.ts";
import type { FetchContext } from "./types.ts";

const root = mkdtempSync(join(tmpdir(), "skypanel-pip-"));
chmodSync(root, 0o755);
const run: PipRun = {
  cwd: root,
  home: join(root, "home"),
  tmp: join(root, "tmp"),
  cache: join(root, "cache"),
  deadline: Date.now() + 60_000,
  from: "requirements.txt",
};
for (const dir of [run.home, run.tmp, run.cache]) unprivilegedDir(dir);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("pip's environment and user", () => {
  it("passes PIP_INDEX_URL through, and nothing else of the platform's environment", () => {
    const platform = {
      PIP_INDEX_URL: "https://token:secret@mirror.example/simple",
      PIP_FIND_LINKS: "/opt/wheels",
      PIP_CERT: "/root/private-ca.pem",
      DATABASE_URL: "postgres://skypanel:secret@localhost/skypanel",
      HTTPS_PROXY: "http://proxy.example:3128",
    };
    const env = pipEnv(buildNetwork(platform), "/usr/bin:/bin", run);
    expect(env.PIP_INDEX_URL).toBe(platform.PIP_INDEX_URL);
    expect(Object.keys(env).sort()).toEqual(
      expect.arrayContaining(["HOME", "PATH", "PIP_CACHE_DIR", "PIP_CONFIG_FILE", "PIP_INDEX_URL", "TMPDIR"]),
    );
    for (const name of ["PIP_FIND_LINKS", "DATABASE_URL", "HTTPS_PROXY"]) expect(env).not.toHaveProperty(name);
    expect(env.PIP_CERT ?? "/etc/ssl/certs/ca-certificates.crt").toBe("/etc/ssl/certs/ca-certificates.crt");
    expect(pipEnv(DEFAULT_BUILD_NETWORK, "/usr/bin:/bin", run)).not.toHaveProperty("PIP_INDEX_URL");
  });

  it("runs the toolchain's python3 as the unprivileged user, with that environment only", async () => {
    const ctx = {
      path: "/usr/local/bin:/usr/bin:/bin",
      network: DEFAULT_BUILD_NETWORK,
      log: () => {},
      signal: new AbortController().signal,
      timeoutMs: 60_000,
    };
    const script =
      "import json, os, sys; print(json.dumps({'uid': os.getuid(), 'gid': os.getgid(), 'groups': os.getgroups(), 'env': sorted(os.environ), 'python': sys.executable}))";
    const { stdout } = await runPython(ctx as unknown as FetchContext, { ...run, quiet: true }, ["-c", script]);
    const seen = JSON.parse(stdout);
    expect(seen).toMatchObject({ uid: UNPRIVILEGED.uid, gid: UNPRIVILEGED.gid, groups: [] });
    expect(seen.python).not.toMatch(/pyenv/);
    expect(seen.env).not.toContain("PIP_FIND_LINKS");
    expect(seen.env.filter((name: string) => !/^(PIP_|PYTHON|LC_CTYPE$)/.test(name)).sort()).toEqual(["HOME", "LANG", "PATH", "TMPDIR"]);
  });
});

describe("pip's failures, named", () => {
  it("a hash that does not match names the requirement and both hashes", () => {
    const lines = [
      "Collecting six==1.16.0",
      "ERROR: THESE PACKAGES DO NOT MATCH THE HASHES FROM THE REQUIREMENTS FILE. If you have updated the package versions, please update the hashes. Otherwise, examine the package contents carefully; someone may have tampered with them.",
      "    six==1.16.0 from https://files.pythonhosted.org/packages/d9/5a/e7c31adbe875f2abbb91bd84cf2dc52d792b5a01506781dbcf25c91daf11/six-1.16.0-py2.py3-none-any.whl (from -r requirements.txt (line 1)):",
      `        Expected sha256 ${"0".repeat(64)}`,
      "             Got        8abb2f1d86890a2dfb989f9a77cfcfd3e47c2a354b01111771326f8aa26e0254",
    ];
    expect(pipFailure(lines, "uv.lock", "PyPI").message).toBe(
      `uv.lock: the download of six==1.16.0 does not match the hash in uv.lock (expected sha256:${"0".repeat(64)}, got sha256:8abb2f1d86890a2dfb989f9a77cfcfd3e47c2a354b01111771326f8aa26e0254). Either uv.lock is out of date (lock again and commit it) or the file on PyPI changed.`,
    );
  });

  it("requirements.txt with some hashes: the unpinned dependency is named", () => {
    const lines = [
      "ERROR: In --require-hashes mode, all requirements must have their versions pinned with ==. These do not:",
      "    blinker>=1.9.0 from https://files.pythonhosted.org/packages/10/cb/blinker-1.9.0-py3-none-any.whl (from flask==3.1.3->-r requirements.txt (line 1))",
    ];
    expect(pipFailure(lines, "requirements.txt", "PyPI").message).toMatch(
      /^requirements\.txt gives hashes, so every requirement must be pinned with == and hashed: blinker>=1\.9\.0 is not\.$/,
    );
  });

  it("a conflict says what conflicts and why", () => {
    const lines = [
      "ERROR: Cannot install flask==3.1.3 and werkzeug<3 because these package versions have conflicting dependencies.",
      "",
      "The conflict is caused by:",
      "    The user requested werkzeug<3",
      "    flask 3.1.3 depends on werkzeug>=3.1.0",
      "",
      "ERROR: ResolutionImpossible: for help visit https://pip.pypa.io/en/latest/topics/dependency-resolution/#dealing-with-dependency-conflicts",
    ];
    expect(pipFailure(lines, "requirements.txt", "PyPI").message).toBe(
      "requirements.txt: the requirements conflict: Cannot install flask==3.1.3 and werkzeug<3 because these package versions have conflicting dependencies. The user requested werkzeug<3; flask 3.1.3 depends on werkzeug>=3.1.0",
    );
  });

  it("an index out of reach is not taken for a missing package", () => {
    const lines = [
      "WARNING: Retrying (Retry(total=0, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError('<pip._vendor.urllib3.connection.HTTPConnection object at 0x7f21c1848c50>: Failed to establish a new connection: [Errno 111] Connection refused')': /simple/flask/",
      "ERROR: Could not find a version that satisfies the requirement flask (from versions: none)",
      "ERROR: No matching distribution found for flask",
    ];
    expect(pipFailure(lines, "requirements.txt", "the package index mirror.example/simple").message).toMatch(
      /^requirements\.txt: the package index mirror\.example\/simple could not be reached for "flask", so the dependencies cannot be fetched\./,
    );
  });
});
