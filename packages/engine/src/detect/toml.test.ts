import { describe, expect, it } from "vitest";
import { parseToml, TomlError } from "./toml.ts";

describe("parseToml", () => {
  it("reads tables, dotted keys, strings, numbers, booleans and comments", () => {
    const doc = parseToml(
      [
        "# top",
        'title = "x" # trailing',
        "[package]",
        'name = "rust-cargo"',
        "edition = 2021",
        "publish = false",
        "[tool.poetry.dependencies]",
        'python = "^3.11"',
        "site.url = 'https://example.com/a\\b'",
        'quoted."key with space" = "v"',
      ].join("\n"),
    );
    expect(JSON.parse(JSON.stringify(doc))).toEqual({
      title: "x",
      package: { name: "rust-cargo", edition: 2021, publish: false },
      tool: { poetry: { dependencies: { python: "^3.11", site: { url: "https://example.com/a\\b" }, quoted: { "key with space": "v" } } } },
    });
  });

  it("reads multi-line arrays with comments and trailing commas, and inline tables", () => {
    const doc = parseToml(
      'dependencies = [\n  "fastapi>=0.110",  # web\n  # a comment line\n  "uvicorn[standard]",\n]\ngunicorn = { version = "^21", extras = ["gthread"] }\n',
    );
    expect(JSON.parse(JSON.stringify(doc))).toEqual({
      dependencies: ["fastapi>=0.110", "uvicorn[standard]"],
      gunicorn: { version: "^21", extras: ["gthread"] },
    });
  });

  it("reads arrays of tables", () => {
    const doc = parseToml('[[bin]]\nname = "a"\n[[bin]]\nname = "b"\npath = "src/b.rs"\n');
    expect(JSON.parse(JSON.stringify(doc))).toEqual({ bin: [{ name: "a" }, { name: "b", path: "src/b.rs" }] });
  });

  it("reads basic string escapes and multi-line strings", () => {
    const doc = parseToml(
      'a = "tab\\tquote\\"\\u00e9"\nb = """\nline one\nline two\\\n   continued"""\nc = \'\'\'raw \\n\'\'\'\nd = 1979-05-27 07:32:00Z\n',
    );
    expect(doc.a).toBe('tab\tquote"é');
    expect(doc.b).toBe("line one\nline twocontinued");
    expect(doc.c).toBe("raw \\n");
    expect(doc.d).toBe("1979-05-27T07:32:00.000Z");
  });

  it("hands back plain data: tables without a prototype, a __proto__ key as an ordinary key", () => {
    const doc = parseToml('[tool.x]\n"__proto__" = { polluted = true }\n');
    expect(Object.getPrototypeOf(doc)).toBe(null);
    expect(Object.getPrototypeOf(doc.tool)).toBe(null);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.parse(JSON.stringify(doc))).toEqual({ tool: { x: { ["__proto__"]: { polluted: true } } } });
  });

  // Python's tomllib (which the Python build uses) refuses each of these; the old hand-written
  // reader accepted them, so detection and the build disagreed about the same file.
  it.each([
    ["requires-python = >=3.11\n", "line 1, column 19: invalid value"],
    ["[project]\nname = 'a'\n[project]\nversion = '1'\n", "line 3, column 2: trying to redefine an already defined table or value"],
    ["tool.x = 1\n[tool]\ny = 2\n", "line 2, column 2: trying to redefine an already defined table or value"],
  ])("refuses %j as tomllib does", (text, message) => {
    expect(() => parseToml(text)).toThrow(message);
  });

  it.each([
    ['name = "unclosed\n', "line 1, column 17: control characters are not allowed in strings"],
    ["a = 1\na = 2\n", "line 2, column 1: trying to redefine an already defined table or value"],
    ["a = 1\n[a]\n", "line 2, column 2: trying to redefine an already defined table or value"],
    ["= 1\n", "line 1, column 1: unexpected end of key"],
    ["a = 1 2\n", "line 1, column 7: each key-value declaration must be followed by an end-of-line"],
    ['a = "\\q"\n', "line 1, column 7: unrecognised escape sequence"],
    [
      "x = [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n",
      "line 1, column 37: document contains excessively nested structures",
    ],
    ['s = """\nnever closed\n', "line 1, column 5: unfinished string"],
  ])("refuses %j with the line", (text, message) => {
    expect(() => parseToml(text)).toThrow(TomlError);
    expect(() => parseToml(text)).toThrow(message);
  });

  it("refuses a dotted key 100,000 tables deep without overflowing the stack", () => {
    expect(() => parseToml(`a${".a".repeat(100_000)} = 1\n`)).toThrow("tables and values are nested more than 32 deep");
  });
});
