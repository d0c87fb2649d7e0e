import { describe, expect, it } from "vitest";
import { parseAssignments, shellLines } from "./commands/config.js";
import { UsageError } from "./errors.js";
import { shellQuote } from "./output.js";
import { runCli, stubServer } from "./testing/io.ts";

describe("shell quoting (config --shell)", () => {
  it("single-quotes every value so a shell reads it back byte for byte", async () => {
    expect(shellQuote("plain")).toBe("'plain'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    const vars = { A: "x y", B: '$HOME `id` "q" it\'s\nline2', C: "", D: null };
    const lines = shellLines(vars);
    expect(lines).toHaveLength(3);
    const { execFileSync } = await import("node:child_process");
    const script = `${lines.join("\n")}\nprintf '%s|' "$A" "$B" "$C"`;
    expect(execFileSync("sh", ["-c", script], { encoding: "utf8" })).toBe(`x y|$HOME \`id\` "q" it's\nline2||`);
  });

  it("KEY=VALUE parsing keeps = in values and refuses an argument without =", () => {
    expect(parseAssignments(["A=1", "URL=postgres://u:p@h/db?x=y", "EMPTY="])).toEqual({
      A: "1",
      URL: "postgres://u:p@h/db?x=y",
      EMPTY: "",
    });
    expect(() => parseAssignments(["A=1", "oops"])).toThrow(UsageError);
    expect(() => parseAssignments(["1BAD=x"])).toThrow(/not a config var name/);
    expect(() => parseAssignments([])).toThrow(UsageError);
  });
});

describe("output: JSON, terminal tables, or plain lines (against a recording HTTP stub, not the platform)", () => {
  const apps = [
    { name: "alpha", status: "running", role: "owner", updatedAt: "2026-01-01T00:00:00.000Z" },
    { name: "beta", status: "idle", role: "member", updatedAt: "2026-01-02T00:00:00.000Z" },
  ];
  const withStub = async (fn: (env: NodeJS.ProcessEnv) => Promise<void>) => {
    const stub = await stubServer(() => ({ body: { apps, total: 2, page: 1, perPage: 100 } }));
    try {
      await fn({ SKYPANEL_URL: stub.url, SKYPANEL_API_KEY: "spt_test" });
      expect(stub.requests.every((r) => r.authorization === "Bearer spt_test")).toBe(true);
    } finally {
      await stub.close();
    }
  };

  it("--json prints the API's data, parseable, whether or not stdout is a terminal", () =>
    withStub(async (env) => {
      for (const tty of [false, true]) {
        const res = await runCli(["apps", "--json"], { env, tty });
        expect(JSON.parse(res.stdout)).toEqual(apps);
      }
    }));

  it("piped: tab-separated rows, no header, no escape codes", () =>
    withStub(async (env) => {
      const res = await runCli(["apps"], { env });
      expect(res.stdout).toBe("alpha\trunning\towner\t2026-01-01T00:00:00.000Z\nbeta\tidle\tmember\t2026-01-02T00:00:00.000Z\n");
    }));

  it("on a terminal: a heading and an aligned table in colour; NO_COLOR keeps the table and drops the colour", () =>
    withStub(async (env) => {
      const res = await runCli(["apps"], { env, tty: true });
      expect(res.stdout).toContain("\x1b[1m=== Apps (2)");
      expect(res.stdout).toMatch(/Name +Status +Role +Updated/);
      expect(res.stdout).toMatch(/alpha +running +owner/);
      const plain = await runCli(["apps"], { env: { ...env, NO_COLOR: "1" }, tty: true });
      expect(plain.stdout).not.toContain("\x1b[");
      expect(plain.stdout).toMatch(/=== Apps \(2\)\nName +Status/);
    }));

  it("shows the API's error message on stderr with exit status 1", async () => {
    const stub = await stubServer(() => ({ status: 404, body: { error: { code: "NOT_FOUND", message: "No app called ghost." } } }));
    try {
      const res = await runCli(["apps:info", "-a", "ghost"], { env: { SKYPANEL_URL: stub.url, SKYPANEL_API_KEY: "spt_x" } });
      expect(res).toEqual({ code: 1, stdout: "", stderr: "Error: No app called ghost.\n" });
    } finally {
      await stub.close();
    }
  });
});
