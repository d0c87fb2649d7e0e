import { describe, expect, it } from "vitest";
import { parseArgs } from "./args.js";
import { UsageError } from "./errors.js";
import { COMMANDS } from "./registry.js";

const flagsOf = (name: string) => COMMANDS[name]?.flags ?? {};

describe("argument parsing", () => {
  it("reads long, short, inline and negated flags and keeps positionals in order", () => {
    const { flags, args } = parseArgs(["-a", "my-app", "--strategy=canary", "--no-wait", "sub", "--json"], flagsOf("deploy"));
    expect(flags).toEqual({ app: "my-app", strategy: "canary", wait: false, json: true });
    expect(args).toEqual(["sub"]);
    expect(parseArgs(["-amy-app", "--app=x=y"], flagsOf("deploy")).flags.app).toBe("x=y");
    expect(parseArgs(["-n", "5", "-t", "--ps", "web"], flagsOf("logs")).flags).toEqual({ num: "5", tail: true, ps: "web" });
  });

  it("passes everything after -- (and, for run, after the first positional) through untouched", () => {
    expect(parseArgs(["K=V", "--", "--json", "-a"], flagsOf("config:set"))).toEqual({ flags: {}, args: ["K=V", "--json", "-a"] });
    const run = (argv: string[]) => parseArgs(argv, flagsOf("run"), { stopAtPositional: true });
    expect(run(["-a", "app", "node", "-e", "process.exit(3)"])).toEqual({ flags: { app: "app" }, args: ["node", "-e", "process.exit(3)"] });
    expect(run(["--", "sh", "-c", "exit 3"])).toEqual({ flags: {}, args: ["sh", "-c", "exit 3"] });
    expect(run(["-d", "bash"])).toEqual({ flags: { detached: true }, args: ["bash"] });
  });

  it("refuses unknown flags, a missing value and a value given to a switch, as usage errors", () => {
    expect(() => parseArgs(["--force"], flagsOf("apps:destroy"))).toThrow(UsageError);
    expect(() => parseArgs(["--force"], flagsOf("apps:destroy"))).toThrow(/Unknown flag --force/);
    expect(() => parseArgs(["-a"], flagsOf("apps:info"))).toThrow(/-a needs a value \(APP\)/);
    expect(() => parseArgs(["--json=yes"], flagsOf("apps"))).toThrow(/takes no value/);
    expect(parseArgs(["--json=false"], flagsOf("apps")).flags.json).toBe(false);
  });
});
