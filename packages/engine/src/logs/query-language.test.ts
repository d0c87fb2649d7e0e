import { describe, expect, it } from "vitest";
import { ValidationError } from "../errors.ts";
import { isEmptyLogQuery, MAX_QUERY_LENGTH, parseLogQuery } from "./query-language.ts";

const empty = { words: [], phrases: [], excludeWords: [], excludePhrases: [], levels: [], statuses: [] };

describe("the log search language", () => {
  it.each([
    ["timeout", { words: ["timeout"] }],
    ["  two   words ", { words: ["two", "words"] }],
    ['"connection refused"', { phrases: ["connection refused"] }],
    ['-healthcheck -"GET /ping"', { excludeWords: ["healthcheck"], excludePhrases: ["GET /ping"] }],
    ["level:error", { levels: ["error"] }],
    ["level:WARNING,error level:error", { levels: ["warn", "error"] }],
    ["status:404", { statuses: [{ from: 404, to: 404 }] }],
    ["status:500..599", { statuses: [{ from: 500, to: 599 }] }],
    [
      "status:5xx,404",
      {
        statuses: [
          { from: 500, to: 599 },
          { from: 404, to: 404 },
        ],
      },
    ],
    ["process:web", { processType: "web" }],
    ["instance:1A2B3C4D", { instancePrefix: "1a2b3c4d" }],
    ["since:30s", { sinceMs: 30_000 }],
    ["since:30m", { sinceMs: 1_800_000 }],
    ["since:1h", { sinceMs: 3_600_000 }],
    ["since:2d since:1h", { sinceMs: 3_600_000 }],
    // Colons that are not keys stay words: times, URLs, a pasted "Error:".
    ["12:30 http://x.example/a Error:", { words: ["12:30", "http://x.example/a", "Error:"] }],
    // A lone dash, and a dash inside a word, are text.
    ["a - b well-known", { words: ["a", "-", "b", "well-known"] }],
    ['-> -- -x "a"', { words: ["->", "--"], excludeWords: ["x"], phrases: ["a"] }],
  ] as const)("%s", (text, want) => {
    expect(parseLogQuery(text)).toEqual({ ...empty, ...want });
  });

  it("takes everything at once", () => {
    expect(parseLogQuery('timeout "db pool" -retry level:error status:500..599 process:worker instance:ab since:2d')).toEqual({
      words: ["timeout"],
      phrases: ["db pool"],
      excludeWords: ["retry"],
      excludePhrases: [],
      levels: ["error"],
      statuses: [{ from: 500, to: 599 }],
      processType: "worker",
      instancePrefix: "ab",
      sinceMs: 2 * 86_400_000,
    });
  });

  it("knows a blank query from one that narrows", () => {
    expect(isEmptyLogQuery(parseLogQuery("   "))).toBe(true);
    expect(isEmptyLogQuery(parseLogQuery("since:1h"))).toBe(false);
  });

  it.each([
    ['"connection refused', /quote at character 1 is never closed/],
    ['timeout "a', /quote at character 9 is never closed/],
    ['say"hi"', /quote inside a word/],
    ['"a"b', /space after the closing quote/],
    ['""', /hold nothing/],
    ["colour:red", /"colour:" is not a search key; use level:, status:/],
    ["level:loud", /level:loud is not a level/],
    ["level:", /level: needs a value/],
    ["status:600", /600 is not an HTTP status/],
    ["status:abc", /"abc" is not an HTTP status/],
    ["status:599..500", /backwards; write the lower code first \(status:500..599\)/],
    ["status:500..", /"" is not an HTTP status/],
    ["status:1..2..3", /is not an HTTP status/],
    ["process:web;drop", /not a process type/],
    ["process:web process:worker", /give process: once/],
    ["instance:xyz", /not an instance id/],
    ["instance:%", /not an instance id/],
    ["instance:ab instance:cd", /give instance: once/],
    ["since:yesterday", /since:yesterday is not a duration/],
    ["since:0m", /longer than nothing/],
    ["since:400d", /more than a year/],
    ["-level:error", /-level: is not supported/],
    ["a\u0000b", /control characters/],
    ["x".repeat(MAX_QUERY_LENGTH + 1), /at most 500/],
    [Array.from({ length: 21 }, (_, i) => `w${i}`).join(" "), /21 terms; at most 20/],
  ])("refuses %j with a ValidationError that names the problem", (text, message) => {
    let error: unknown;
    try {
      parseLogQuery(text);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(/^Log search: /);
    expect((error as Error).message).toMatch(message);
  });
});
