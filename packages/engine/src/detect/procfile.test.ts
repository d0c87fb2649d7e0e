import { describe, expect, it } from "vitest";
import { parseProcfile } from "./index.ts";

const refusal = (text: string): string => {
  try {
    parseProcfile(text);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error("expected the Procfile to be refused");
};

describe("parseProcfile", () => {
  it("reads name: command lines in order, skipping comments and blank lines", () => {
    const text =
      "# processes\n\nweb: node web.js --port $PORT\r\n  worker:   node worker.js  \nrelease: node migrate.js\nclock: sh -c 'sleep 1; echo tick'\n";
    expect(parseProcfile(text)).toEqual({
      web: "node web.js --port $PORT",
      worker: "node worker.js",
      release: "node migrate.js",
      clock: "sh -c 'sleep 1; echo tick'",
    });
  });

  it("keeps colons inside the command", () => {
    expect(parseProcfile("web: gunicorn app:app --bind 0.0.0.0:$PORT")).toEqual({ web: "gunicorn app:app --bind 0.0.0.0:$PORT" });
  });

  it("accepts names of 63 letters, digits, dashes and underscores", () => {
    const name = `${"a".repeat(60)}-_9`;
    expect(parseProcfile(`${name}: run`)).toEqual({ [name]: "run" });
  });

  it("keeps a process type named __proto__ as an ordinary entry", () => {
    const parsed = parseProcfile("web: a\n__proto__: b\n");
    expect(Object.keys(parsed)).toEqual(["web", "__proto__"]);
    expect(Object.getOwnPropertyDescriptor(parsed, "__proto__")?.value).toBe("b");
  });

  it("refuses control characters in a command", () => {
    expect(refusal("web: node a.js\x1b[31m")).toBe('Procfile: line 1: the command of "web" contains control characters.');
  });

  it("refuses an over-long command", () => {
    expect(refusal(`web: ${"x".repeat(9000)}`)).toBe('Procfile: line 1: the command of "web" is longer than 8192 characters.');
  });

  it("refuses a Procfile with no entries", () => {
    expect(refusal("# nothing here\n\n")).toBe('Procfile: declares no process types; add a line like "web: <command>".');
  });

  it("names the file it was given", () => {
    expect(refusal("oops")).toMatch(/^Procfile: line 1/);
    expect(() => parseProcfile("oops", "Procfile.dev")).toThrow(/^Procfile\.dev: line 1: expected "name: command", got "oops"\.$/);
  });
});
