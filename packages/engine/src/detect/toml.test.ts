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
    expect(doc.d).toBe("1979-05-27 07:32:00Z");
  });

  it.each([
    ['name = "unclosed\n', "line 1: a string is not closed on its line"],
    ["a = 1\na = 2\n", 'line 2: the key "a" is defined twice'],
    ["a = 1\n[a]\n", 'line 2: "a" is a value, not a table'],
    ["= 1\n", "line 1: expected a key"],
    ["a = 1 2\n", 'line 1: unexpected "2" after a value'],
    ['a = "\\q"\n', "line 1: unknown escape \\q"],
    ["x = [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n", "line 1: values are nested too deeply"],
    ['s = """\nnever closed\n', 'line 3: a """ string is never closed'],
  ])("refuses %j with the line", (text, message) => {
    expect(() => parseToml(text)).toThrow(TomlError);
    expect(() => parseToml(text)).toThrow(message);
  });
});
