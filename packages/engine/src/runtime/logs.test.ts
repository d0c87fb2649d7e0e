// Line streams over an instance's log files: splitting, resuming at the saved offset, emptying the file.
import { appendFileSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LogLines } from "./logs.ts";
import { collect, until } from "./testing.ts";

describe("runtime: log lines", () => {
  const dir = mkdtempSync(join(tmpdir(), "skypanel-loglines-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("follows a file by line, and a second reader resumes where the first stopped", async () => {
    const file = join(dir, "stdout");
    writeFileSync(file, "one\ntw");
    const first = new LogLines(file);
    const lines = collect(first);
    await until(() => lines.length === 1, 2000, "the first line");
    appendFileSync(file, "o\r\nthree\n");
    await until(() => lines.length === 3, 2000, "more lines");
    expect(lines).toEqual(["one", "two", "three"]);

    appendFileSync(file, "four\nfi");
    await until(() => lines.length === 4, 2000, "the fourth line");
    first.destroy();
    // "fi" was read but is not a line yet: the next reader starts at it.
    appendFileSync(file, "ve");
    const second = new LogLines(file);
    const resumed = collect(second);
    second.finish();
    await new Promise((r) => second.on("end", r));
    expect(resumed).toEqual(["five"]);
  });

  it("empties the file once past 1 MiB and caught up, losing no line", async () => {
    const file = join(dir, "busy");
    const line = "x".repeat(1023);
    writeFileSync(file, `${line}\n`.repeat(1100));
    const reader = new LogLines(file);
    const lines = collect(reader);
    await until(() => lines.length === 1100, 5000, "1100 lines");
    await until(() => statSync(file).size === 0, 2000, "the file emptied");
    appendFileSync(file, "after\n");
    await until(() => lines.length === 1101, 2000, "the line after emptying");
    expect(lines.at(-1)).toBe("after");
    reader.destroy();
  });
});
