// Go's detection shapes (modules, binary names, a main.go without go.mod) and the Dockerfile
// that is set aside for a native manifest when its base image cannot be honoured.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { detectBuildPlan, InvalidSourceFileError } from "./index.ts";
import { detect, FIXTURES, said } from "./test-sources.ts";

const HEROKU_DOCKERFILE = "FROM heroku/heroku:24-build AS build\nCOPY . /app\nWORKDIR /app\nCMD /app/bin/web\n";

describe("a Dockerfile whose base image cannot be honoured, beside a native manifest", () => {
  it("go-gin-gettingstarted (Heroku's Go app) builds as Go, the warning and the reason naming the Dockerfile's images", async () => {
    const plan = await detectBuildPlan(join(FIXTURES, "go-gin-gettingstarted"));
    expect(plan).toMatchObject({
      stack: "go",
      packageManager: "go",
      lockfiles: ["go.mod", "go.sum"],
      build: "go build -o bin/go-getting-started .",
      processes: { web: "bin/go-getting-started" },
    });
    expect(plan.dockerfile).toBeUndefined();
    expect(plan.warnings).toEqual([
      "The Dockerfile was not used: it builds FROM heroku/heroku:24-build and heroku/heroku:24, which SkyPanel cannot build. This app builds as Go from go.mod instead; base the Dockerfile on node:*, python:* or golang:* to use it, or remove it.",
    ]);
    expect(said(plan, "stack")).toBe(
      "Dockerfile set aside: it builds FROM heroku/heroku:24-build and heroku/heroku:24, which SkyPanel cannot build (no Docker engine or image registry here; its images must be node:*, python:* or golang:*), and go.mod is beside it.\ngo.mod found: Go.",
    );
    expect(said(plan, "start")).toMatch(/web from the Procfile: bin\/go-getting-started/);
  });

  it("falls back to package.json too, with the image read through a global ARG", async () => {
    const plan = await detect({
      Dockerfile: `ARG BASE=heroku/heroku:24\nFROM $BASE\n${HEROKU_DOCKERFILE.split("\n").slice(1).join("\n")}`,
      "package.json": JSON.stringify({ name: "app", scripts: { start: "node server.js" } }),
    });
    expect(plan.stack).toBe("nodejs");
    expect(plan.warnings[0]).toMatch(
      /^The Dockerfile was not used: it builds FROM heroku\/heroku:24, which SkyPanel cannot build\. This app builds as Node\.js from package\.json/,
    );
  });

  it("a Dockerfile stage FROM an unknown image is enough to set it aside; the next manifest by precedence is used", async () => {
    const plan = await detect({
      Dockerfile:
        'FROM golang:1.19 AS build\nRUN go build -o /out/app .\nFROM gcr.io/distroless/base\nCOPY --from=build /out/app /app\nCMD ["/app"]\n',
      "go.mod": "module example.com/app\n\ngo 1.19\n",
      "main.go": "package main\n\nfunc main() {}\n",
      "package.json": JSON.stringify({ name: "assets" }),
    });
    expect(plan.stack).toBe("go");
    expect(plan.warnings).toEqual([
      expect.stringMatching(/^The Dockerfile was not used: it builds FROM gcr\.io\/distroless\/base,/),
      "package.json (Node.js) ignored: this app builds as Go. Remove the file if that is not what you meant.",
    ]);
  });

  it("a Dockerfile FROM an image SkyPanel has still wins over the manifest beside it", async () => {
    const plan = await detect({
      Dockerfile: 'FROM golang:1.19\nWORKDIR /app\nCOPY . .\nRUN go build -o server .\nCMD ["./server"]\n',
      "go.mod": "module example.com/app\n\ngo 1.19\n",
      "main.go": "package main\n\nfunc main() {}\n",
    });
    expect(plan.stack).toBe("docker");
    expect(said(plan, "precedence")).toMatch(/^Also found go\.mod \(Go\)\. Dockerfile wins/);
  });

  it("a Dockerfile alone FROM an unknown image stays the docker stack (its build names the image)", async () => {
    const plan = await detect({ Dockerfile: HEROKU_DOCKERFILE });
    expect(plan.stack).toBe("docker");
    expect(plan.warnings.some((w) => w.includes("was not used"))).toBe(false);
  });
});

describe("Go detection", () => {
  it("go-nomod: a lone main.go builds without modules, as bin/main", async () => {
    const plan = await detectBuildPlan(join(FIXTURES, "go-nomod"));
    expect(plan).toMatchObject({
      stack: "go",
      versions: { go: "1.19" },
      packageManager: "go",
      lockfiles: [],
      install: null,
      build: "GO111MODULE=off go build -o bin/main .",
      processes: { web: "./bin/main" },
    });
    expect(said(plan, "stack")).toBe("main.go found: Go.");
    expect(plan.warnings).toEqual([
      "No go.mod: the build cannot fetch modules or pin a Go version. Run 'go mod init <module path>' and commit go.mod.",
    ]);
  });

  it("a main.go beside package.json leaves the app to Node.js; beside go.mod it is not named twice", async () => {
    const node = await detect({
      "package.json": JSON.stringify({ name: "app", scripts: { start: "node ." } }),
      "main.go": "package main\n",
    });
    expect(node.stack).toBe("nodejs");
    expect(node.warnings).toContain("main.go (Go) ignored: this app builds as Node.js. Remove the file if that is not what you meant.");
    const mod = await detect({ "go.mod": "module example.com/app\n", "main.go": "package main\n" });
    expect(mod.warnings).toEqual([]);
    expect(said(mod, "precedence")).toBe("");
  });

  it("a main.go outside package main with no go.mod is refused", async () => {
    const err = await detect({ "main.go": "package helpers\n" }).catch((e) => e);
    expect(err).toBeInstanceOf(InvalidSourceFileError);
    expect(err.message).toMatch(/^main\.go: is not in package main/);
  });

  it("names the binary as Heroku's Go buildpack does: the module's last element, before a /vN suffix", async () => {
    const v2 = await detect({ "go.mod": "module github.com/acme/api/v2\n\ngo 1.19\n", "main.go": "package main\n" });
    expect(v2).toMatchObject({ build: "go build -o bin/api .", processes: { web: "./bin/api" } });
    const odd = await detect({ "go.mod": "module example.com/$(reboot)\n", "main.go": "package main\n" });
    expect(odd).toMatchObject({ build: "go build -o bin/app .", processes: { web: "./bin/app" } });
  });
});

describe("cgo", () => {
  const mod = "module example.com/c\n\ngo 1.19\n";
  it('names the file of the main package that imports "C", alone or in an import block', async () => {
    const alone = await detect({ "go.mod": mod, "main.go": 'package main\n\n// #include <stdio.h>\nimport "C"\n\nfunc main() {}\n' });
    expect(said(alone, "cgo")).toMatch(/^main\.go imports "C": built with cgo/);
    const block = await detect({
      "go.mod": mod,
      "cmd/web/main.go": 'package main\n\nimport (\n\t"fmt"\n\t"C"\n)\n\nfunc main() { fmt.Println() }\n',
    });
    expect(said(block, "cgo")).toMatch(/^cmd\/web\/main\.go imports "C"/);
  });

  it("says nothing for plain Go, a test file's cgo, or the word C in a string", async () => {
    const plain = await detect({
      "go.mod": mod,
      "main.go": 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("import \\"C\\"") }\n',
      "main_test.go": 'package main\n\nimport "C"\n',
    });
    expect(said(plain, "cgo")).toBe("");
  });
});
