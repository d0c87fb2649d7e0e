import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseNetrc, readNetrcEntry, removeNetrcEntry, writeNetrcEntry } from "./netrc.js";

const OTHERS = `# my machines
machine api.heroku.com
  login me@example.com
  password heroku-token
machine github.com login octo password ghp_x
macdef init
cd /pub
machine not-a-machine password inside-a-macro

default login anonymous password guest
`;

describe("~/.netrc", () => {
  const file = () => join(mkdtempSync(join(tmpdir(), "skypanel-netrc-")), ".netrc");

  it("parses machines, one-line entries, macros and default", () => {
    const entries = parseNetrc(OTHERS);
    expect(entries.map((e) => [e.machine, e.login, e.password])).toEqual([
      ["api.heroku.com", "me@example.com", "heroku-token"],
      ["github.com", "octo", "ghp_x"],
      [null, "anonymous", "guest"],
    ]);
  });

  it("creates the file 0600 with the entry", () => {
    const path = file();
    writeNetrcEntry(path, "127.0.0.1", { login: "ops@example.com", password: "sps_abc" });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, "utf8")).toBe("machine 127.0.0.1\n  login ops@example.com\n  password sps_abc\n");
    expect(readNetrcEntry(path, "127.0.0.1")).toEqual({ login: "ops@example.com", password: "sps_abc" });
  });

  it("keeps other machines' entries byte for byte, adds before default, replaces its own, and tightens a loose mode", () => {
    const path = file();
    writeFileSync(path, OTHERS, { mode: 0o644 });
    writeNetrcEntry(path, "paas.example.com", { login: "api", password: "spt_1" });
    let text = readFileSync(path, "utf8");
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(text).toContain(
      "machine github.com login octo password ghp_x\nmacdef init\ncd /pub\nmachine not-a-machine password inside-a-macro\n\n",
    );
    expect(text.indexOf("machine paas.example.com")).toBeLessThan(text.indexOf("default login"));
    expect(text.replace("machine paas.example.com\n  login api\n  password spt_1\n", "")).toBe(OTHERS);

    writeNetrcEntry(path, "paas.example.com", { login: "me@example.com", password: "spt_2" });
    text = readFileSync(path, "utf8");
    expect(text.match(/paas\.example\.com/g)).toHaveLength(1);
    expect(readNetrcEntry(path, "paas.example.com")).toEqual({ login: "me@example.com", password: "spt_2" });
    expect(readNetrcEntry(path, "api.heroku.com")?.password).toBe("heroku-token");
    expect(readNetrcEntry(path, "not-a-machine")).toBeNull();

    expect(removeNetrcEntry(path, "paas.example.com")).toBe(true);
    expect(readFileSync(path, "utf8")).toBe(OTHERS);
    expect(removeNetrcEntry(path, "paas.example.com")).toBe(false);
  });

  it("refuses values a netrc cannot hold", () => {
    expect(() => writeNetrcEntry(file(), "h", { login: "a b", password: "x" })).toThrow(/spaces/);
    expect(() => writeNetrcEntry(file(), "h", { login: "a", password: "" })).toThrow(/empty/);
  });
});
