// Lockfile parsing for the vulnerability scan, with hostile input, and severity mapping: no network.
import { describe, expect, it } from "vitest";
import { goModVersions, LockfileError, npmLockVersions, requirementsVersions, yarnLockVersions } from "./lockfiles.ts";
import { fixedIn } from "./npm.ts";
import { describeFindings, normalizeSeverity } from "./severity.ts";

describe("lockfiles the scan reads", () => {
  it("package-lock v3: nested and scoped packages once each; the app, workspace members, links and non-registry versions left out", () => {
    const lock = {
      lockfileVersion: 3,
      packages: {
        "": { name: "app", version: "1.0.0" },
        "node_modules/minimist": { version: "0.0.8" },
        "node_modules/@scope/pkg": { version: "2.0.0" },
        "node_modules/a/node_modules/minimist": { version: "1.2.8" },
        "node_modules/b/node_modules/minimist": { version: "1.2.8" },
        "packages/member": { name: "member", version: "0.1.0" },
        "node_modules/member": { link: true, resolved: "packages/member" },
        "node_modules/from-git": { version: "git+ssh://git@example.com/x.git#abc" },
      },
    };
    const set = npmLockVersions("package-lock.json", JSON.stringify(lock));
    expect(set.packages).toEqual([
      { name: "@scope/pkg", version: "2.0.0" },
      { name: "minimist", version: "0.0.8" },
      { name: "minimist", version: "1.2.8" },
    ]);
    expect(set.skipped).toBe(1);
  });

  it("package-lock v1: the nested tree, however deep, without recursion", () => {
    // Written as text: JSON.stringify itself recurses.
    let deps = `{"leaf":{"version":"1.0.0"}}`;
    for (let i = 0; i < 5000; i++) deps = `{"p${i}":{"version":"1.0.0","dependencies":${deps}}}`;
    const set = npmLockVersions("npm-shrinkwrap.json", `{"lockfileVersion":1,"dependencies":${deps}}`);
    expect(set.packages).toHaveLength(5001);
  });

  it("hostile package-lock: not JSON, not an object, odd names and versions, __proto__ keys, a huge one", () => {
    expect(() => npmLockVersions("package-lock.json", "{ not json")).toThrow(LockfileError);
    expect(() => npmLockVersions("package-lock.json", "[1,2]")).toThrow(/not a lockfile/);
    const odd = npmLockVersions(
      "package-lock.json",
      JSON.stringify({
        packages: {
          "node_modules/__proto__": { version: "1.0.0" },
          "node_modules/../../etc": { version: "1.0.0" },
          "node_modules/has space": { version: "1.0.0" },
          "node_modules/ok": { version: ["1.0.0"] },
          "node_modules/long": { version: `1.0.0-${"x".repeat(200)}` },
          [`node_modules/${"n".repeat(300)}`]: { version: "1.0.0" },
          "node_modules/fine": { version: "3.1.4" },
          "node_modules/null": null,
        },
      }),
    );
    // __proto__ is no npm name (none starts with _): skipped like the rest, and no object was polluted.
    expect(odd.packages).toEqual([{ name: "fine", version: "3.1.4" }]);
    expect(odd.skipped).toBe(6);
    expect(({} as Record<string, unknown>).version).toBeUndefined();
    const many = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`node_modules/p${i}`, { version: "1.0.0" }]));
    expect(npmLockVersions("package-lock.json", JSON.stringify({ packages: many })).packages).toHaveLength(20_000);
  });

  it("yarn.lock, classic and Berry: the block's package and version; workspaces and patches left out; junk ignored", () => {
    const classic = `# yarn lockfile v1\n\n"@babel/core@^7.0.0", "@babel/core@^7.1.0":\n  version "7.2.0"\n  resolved "https://registry.yarnpkg.com/x"\n\nminimist@0.0.8:\n  version "0.0.8"\n`;
    expect(yarnLockVersions(classic).packages).toEqual([
      { name: "@babel/core", version: "7.2.0" },
      { name: "minimist", version: "0.0.8" },
    ]);
    const berry = `__metadata:\n  version: 6\n\n"minimist@npm:^1.2.0":\n  version: 1.2.8\n  resolution: "minimist@npm:1.2.8"\n\n"app@workspace:.":\n  version: 0.0.0-use.local\n`;
    const set = yarnLockVersions(berry);
    expect(set.packages).toEqual([{ name: "minimist", version: "1.2.8" }]);
    expect(set.skipped).toBe(1);
    expect(yarnLockVersions("\u0000\u0001garbage:\n  version\n::::\n").packages).toEqual([]);
  });

  it("requirements.txt: exact pins (extras, markers, hashes, continuations) are read; ranges, options and URLs are counted as skipped", () => {
    const text = [
      "# pinned",
      "Jinja2==2.10",
      "requests[security] == 2.19.0 ; python_version >= '3'",
      "flask==1.0 \\",
      "    --hash=sha256:abc",
      "django>=4",
      "numpy==1.*",
      "-r other.txt",
      "git+https://example.com/x.git#egg=x",
      "",
    ].join("\n");
    const set = requirementsVersions(text);
    expect(set.packages).toEqual([
      { name: "flask", version: "1.0" },
      { name: "Jinja2", version: "2.10" },
      { name: "requests", version: "2.19.0" },
    ]);
    expect(set.skipped).toBe(3);
  });

  it("go.mod: require lines and blocks, indirect ones too; replace, comments and odd lines left out", () => {
    const text = `module example.com/app\n\ngo 1.21\n\nrequire github.com/gin-gonic/gin v1.9.0\n\nrequire (\n\tgolang.org/x/net v0.7.0 // indirect\n\t"golang.org/x/text" v0.3.7\n\tbad..module v1.0.0\n\tgithub.com/x/y notaversion\n)\n\nreplace golang.org/x/net => ../net\n`;
    const set = goModVersions(text);
    expect(set.packages).toEqual([
      { name: "github.com/gin-gonic/gin", version: "v1.9.0" },
      { name: "golang.org/x/net", version: "v0.7.0" },
      { name: "golang.org/x/text", version: "v0.3.7" },
    ]);
    expect(set.skipped).toBe(2);
  });
});

describe("severity", () => {
  it("maps each source's words and CVSS scores onto critical, high, moderate, low; anything else is unrated", () => {
    expect(["critical", "HIGH", "Important", "moderate", "MEDIUM", "low", "info"].map(normalizeSeverity)).toEqual([
      "critical",
      "high",
      "high",
      "moderate",
      "moderate",
      "low",
      "low",
    ]);
    expect([9.8, 9.0, 8.9, 7, 6.9, 4, 3.9, 0.1, "7.5"].map(normalizeSeverity)).toEqual([
      "critical",
      "critical",
      "high",
      "high",
      "moderate",
      "moderate",
      "low",
      "low",
      "high",
    ]);
    expect(
      [0, -1, 11, Number.NaN, "", "urgent", "__proto__", "constructor", null, undefined, {}, "x".repeat(100)].map(normalizeSeverity),
    ).toEqual(Array(12).fill(null));
  });

  it("says the findings as the build log does, and reads the first fixed version off a plain range", () => {
    expect(describeFindings([])).toBe("no findings");
    expect(describeFindings([{ severity: "critical" }, { severity: "moderate" }, { severity: null }])).toBe(
      "3 findings (1 critical, 1 moderate, 1 unrated)",
    );
    expect(fixedIn("<0.2.4")).toBe("0.2.4");
    expect(fixedIn(">=1.0.0 <1.2.6")).toBe("1.2.6");
    expect(fixedIn("<=1.0.0 || >=2.0.0 <2.1.0")).toBeNull();
    expect(fixedIn("*")).toBeNull();
  });
});
