// Go builds against real Nix, the real Go module proxy (proxy.golang.org and sum.golang.org)
// and PGlite: modules fetched as a dependency layer checked against go.sum, a Heroku-shaped app
// whose Dockerfile cannot be honoured, a committed vendor/, and a main.go without go.mod.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Build } from "@skypanel/db";
import { describe, expect, it } from "vitest";
import { detectBuildPlan } from "../detect/index.ts";
import { dockerDependencies } from "./deps/docker.ts";
import { buildsOnOneEngine, copyFixture, runAndGet, wrongAnswers } from "./testing.ts";

type Plan = { processes: Record<string, string>; warnings: string[]; reasons: { topic: string; reason: string }[] };

describe("Go modules through the module proxy (real Nix, real proxy, PGlite)", { timeout: 300_000 }, () => {
  const builds = buildsOnOneEngine("go", "gopher@example.com", { runtime: true });
  const build = (dir: string, existing?: string) => builds.build<Plan>(dir, existing);

  async function answers(b: { build: Build; plan: Plan; log: string }) {
    expect(b.build.status, b.log).toBe("succeeded");
    const res = await runAndGet(b.build.storePath ?? "", b.plan.processes.web ?? "");
    expect(res.status, res.body).toBe(200);
    return res;
  }

  /** A fixture copy no earlier run built, so Nix really builds it instead of reusing a result. */
  const freshCopy = (name: string) => {
    const dir = copyFixture(name);
    writeFileSync(join(dir, "nonce.txt"), `${Date.now()}-${Math.random()}`);
    return dir;
  };

  // The first gin build; the warm rebuild waits for it and builds the same app again.
  let gin: ReturnType<typeof build> | null = null;
  const firstGin = () => {
    gin ??= build(freshCopy("go-gin-gettingstarted"));
    return gin;
  };

  it.concurrent("go-gin-gettingstarted: its Dockerfile FROM heroku/heroku:24-build is set aside, gin comes through the proxy, / answers 200", async () => {
    const b = await firstGin();
    expect(b.build.status, b.log).toBe("succeeded");
    // Deployed as a user's would be: a container behind Caddy, every one of 50 requests a 200.
    expect(wrongAnswers(await builds.throughCaddy(b), /Getting Started with Go/)).toEqual([]);
    expect(b.plan.warnings).toContainEqual(expect.stringMatching(/^The Dockerfile was not used: it builds FROM heroku\/heroku:24-build/));
    expect(b.plan.reasons).toContainEqual({
      topic: "stack",
      reason: expect.stringMatching(/^Dockerfile set aside: .*go\.mod is beside it/),
    });
    expect(b.plan.processes.web).toBe("bin/go-getting-started");
    expect(b.log).toMatch(/go mod download \(modules through \S+, checked against go\.sum\)/);
    expect(b.build.cacheHit).toBe(false);
  });

  it.concurrent("a source-only change rebuilds on the same dependency layer (cache hit)", async () => {
    const first = await firstGin();
    expect(first.build.status, first.log).toBe("succeeded");
    const dir = freshCopy("go-gin-gettingstarted");
    const page = join(dir, "templates", "index.tmpl.html");
    writeFileSync(page, readFileSync(page, "utf8").replace("A sample Go application", "A rebuilt Go application"));
    const b = await build(dir, first.app);
    const res = await answers(b);
    expect(res.body).toMatch(/A rebuilt Go application/);
    expect(b.build.cacheHit).toBe(true);
    expect(b.build.cacheKey).toBe(first.build.cacheKey);
    expect(b.log).toMatch(/dependency layer: cache hit/);
    // gin and what it imports were compiled by a step on go.mod and go.sum alone (which Nix reuses
    // unless a garbage collection took it since): `go build -v` names only the app's own package.
    expect(b.log).toMatch(/-----> dependencies compiled earlier \(\d+ packages and what they import\)/);
    expect(b.log).not.toMatch(/^github\.com\/gin-gonic\/gin$/m);
    expect(b.log).toMatch(/^-----> packages compiled by this build: 1$/m);
  });

  it.concurrent("a go.sum whose hash for gin is wrong fails in the dependency stage, naming the module", async () => {
    const dir = copyFixture("go-gin-gettingstarted");
    const sum = join(dir, "go.sum");
    writeFileSync(sum, readFileSync(sum, "utf8").replace(/^(github\.com\/gin-gonic\/gin v1\.9\.1) h1:\S+$/m, `$1 h1:${"A".repeat(43)}=`));
    const b = await build(dir);
    expect(b.build.status).toBe("failed");
    expect(b.build.stages.find((s) => s.name === "dependencies")?.status).toBe("failed");
    expect(b.build.error).toMatch(/^go\.sum does not match github\.com\/gin-gonic\/gin@v1\.9\.1 as the Go module proxy serves it/);
  });

  it.concurrent("a go.sum without a module's lines fails before the build, asking for go mod tidy", async () => {
    const dir = copyFixture("go-gin-gettingstarted");
    const sum = join(dir, "go.sum");
    writeFileSync(sum, readFileSync(sum, "utf8").replace(/^github\.com\/gin-contrib\/sse v0\.1\.0[ /].*\n/gm, ""));
    const b = await build(dir);
    expect(b.build.status).toBe("failed");
    expect(b.build.stages.find((s) => s.name === "dependencies")?.status).toBe("failed");
    expect(b.build.error).toBe("go.sum has no checksum for github.com/gin-contrib/sse@v0.1.0. Run 'go mod tidy' and commit go.sum.");
  });

  it.concurrent("a go.sum without a module's own checksum fails the build, asking for go mod tidy", async () => {
    const dir = copyFixture("go-gin-gettingstarted");
    const sum = join(dir, "go.sum");
    writeFileSync(sum, readFileSync(sum, "utf8").replace(/^github\.com\/gin-contrib\/sse v0\.1\.0 h1:.*\n/m, ""));
    const b = await build(dir);
    expect(b.build.status).toBe("failed");
    expect(b.build.stages.find((s) => s.name === "build")?.status).toBe("failed");
    expect(b.build.error).toBe("go.sum lacks checksums the build needs. Run 'go mod tidy' and commit go.sum.");
  });

  it.concurrent("a committed vendor/ builds with nothing fetched", async () => {
    const dir = copyFixture("go-stdlib");
    writeFileSync(join(dir, "go.mod"), "module example.com/go-vendored\n\ngo 1.19\n\nrequire github.com/google/uuid v1.6.0\n");
    writeFileSync(
      join(dir, "main.go"),
      readFileSync(join(dir, "main.go"), "utf8")
        .replace('"os"', '"os"\n\n\t"github.com/google/uuid"')
        .replace('"hello from go-stdlib"', '"hello from go-vendored", uuid.NewSHA1(uuid.NameSpaceURL, []byte("x")).String()'),
    );
    const goHome = mkdtempSync(join(tmpdir(), "skypanel-go-vendor-"));
    try {
      const env = {
        PATH: "/usr/bin:/bin",
        HOME: goHome,
        GOMODCACHE: join(goHome, "mod"),
        GOCACHE: join(goHome, "cache"),
        GOTOOLCHAIN: "local",
        GOFLAGS: "-modcacherw",
      };
      for (const args of [
        ["mod", "tidy"],
        ["mod", "vendor"],
      ]) {
        const go = spawnSync("/usr/bin/go", args, { cwd: dir, env, encoding: "utf8" });
        expect(go.status, go.stderr).toBe(0);
      }
    } finally {
      rmSync(goHome, { recursive: true, force: true });
    }
    const b = await build(dir);
    const res = await answers(b);
    expect(res.body).toMatch(/^hello from go-vendored [0-9a-f-]{36}/);
    expect(b.build.stages.find((s) => s.name === "dependencies")?.detail).toBe("nothing to fetch");
  });

  it.concurrent("a go.mod for Go 1.22 gets that toolchain from the module proxy as golang.org/toolchain", async () => {
    const dir = copyFixture("go-stdlib");
    writeFileSync(join(dir, "go.mod"), "module example.com/go-toolchain\n\ngo 1.22.0\n\ntoolchain go1.22.12\n");
    writeFileSync(
      join(dir, "main.go"),
      [
        "package main",
        "",
        'import (\n\t"fmt"\n\t"net/http"\n\t"os"\n\t"runtime"\n)',
        "",
        "func main() {",
        "\tn := 0",
        "\tfor range 3 { // ranging over an int is Go 1.22",
        "\t\tn++",
        "\t}",
        '\thttp.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintf(w, "hello from %s (%d)\\n", runtime.Version(), n) })',
        '\thttp.ListenAndServe(":"+os.Getenv("PORT"), nil)',
        "}",
        "",
      ].join("\n"),
    );
    const b = await build(dir);
    const res = await answers(b);
    expect(res.body).toBe("hello from go1.22.12 (3)\n");
    expect(b.log).toMatch(
      /-----> Go 1\.22\.12 \(go\.mod asks for it; the platform has go1\.19\.\d+\): golang\.org\/toolchain@v0\.0\.1-go1\.22\.12\.linux-/,
    );
  });

  it.concurrent("go-nomod: a lone main.go builds without modules and answers", async () => {
    const b = await build(freshCopy("go-nomod"));
    const res = await answers(b);
    expect(res.body).toMatch(/hello from go-nomod/);
    expect(b.plan.processes.web).toBe("./bin/main");
  });
});

describe("a Dockerfile FROM golang", () => {
  it("with module requirements that are not vendored is refused, pointing at vendor/ or the Go buildpack", async () => {
    const dir = copyFixture("go-gin-gettingstarted");
    writeFileSync(join(dir, "Dockerfile"), 'FROM golang:1.19\nWORKDIR /app\nCOPY . .\nRUN go build -o server .\nCMD ["./server"]\n');
    const plan = await detectBuildPlan(dir);
    expect(plan.stack).toBe("docker");
    expect(() => dockerDependencies(plan, dir)).toThrow(
      /^The Dockerfile builds FROM golang:1\.19, and go\.mod requires github\.com\/gin-gonic\/gin, .* Run 'go mod vendor' and commit vendor\/, or remove the Dockerfile/,
    );
  });
});
