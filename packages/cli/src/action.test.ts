import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { escapeData, getInput, readInputs, writeOutputs } from "../action/inputs.js";

describe("the GitHub Action's inputs and outputs", () => {
  it("reads inputs as the runner passes them: upper-cased, spaces to _, the dash kept (INPUT_API-KEY)", () => {
    const env = { "INPUT_API-KEY": " spt_secret ", INPUT_URL: "https://paas.example.com/", INPUT_APP: "web", INPUT_MY_INPUT: "x" };
    expect(getInput(env, "api-key")).toBe("spt_secret");
    expect(getInput(env, "my input")).toBe("x");
    expect(getInput(env, "API_KEY")).toBe("");
    expect(readInputs(env)).toEqual({
      url: "https://paas.example.com",
      apiKey: "spt_secret",
      app: "web",
      path: ".",
      strategy: "rolling",
      wait: true,
    });
    expect(readInputs({ ...env, INPUT_PATH: "site", INPUT_STRATEGY: "canary", INPUT_WAIT: "False" })).toMatchObject({
      path: "site",
      strategy: "canary",
      wait: false,
    });
  });

  it("refuses a missing required input or a wait that is not true/false", () => {
    expect(() => readInputs({ INPUT_URL: "http://x", INPUT_APP: "a" })).toThrow("Input required and not supplied: api-key");
    expect(() => readInputs({ INPUT_URL: "http://x", INPUT_APP: "a", "INPUT_API-KEY": "k", INPUT_WAIT: "yes" })).toThrow(/true or false/);
  });

  it("appends name=value lines to GITHUB_OUTPUT, a heredoc for multi-line values, keeping what was there", () => {
    const file = join(mkdtempSync(join(tmpdir(), "skypanel-gh-")), "output");
    writeFileSync(file, "earlier=1\n");
    writeOutputs(file, { release: "v3", "build-id": "b-1", url: "" });
    writeOutputs(file, { note: "a\nb" });
    const text = readFileSync(file, "utf8");
    expect(text).toMatch(/^earlier=1\nrelease=v3\nbuild-id=b-1\nurl=\nnote<<(ghadelimiter_\w+)\na\nb\n\1\n$/);
    expect(() => writeOutputs(undefined, { a: "b" })).toThrow(/GITHUB_OUTPUT/);
  });

  it("escapes workflow command data so a message cannot start a second command", () => {
    expect(escapeData("100% failed\n::set-output name=x::y")).toBe("100%25 failed%0A::set-output name=x::y");
  });
});
