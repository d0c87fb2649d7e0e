import { execFileSync, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { bashScript, zshScript } from "./commands/autocomplete.js";
import { COMMANDS } from "./registry.js";
import { runCli } from "./testing/io.ts";

const BIN = fileURLToPath(new URL("../bin/skypanel.js", import.meta.url));

describe("help, version and completion", () => {
  it("bin/skypanel.js prints its version and help as a process, exit 0", () => {
    const version = spawnSync(process.execPath, [BIN, "--version"], { encoding: "utf8" });
    expect(version.status).toBe(0);
    expect(version.stdout).toMatch(/^skypanel\/0\.1\.0 linux-x64 node-v\d+/);
    const help = spawnSync(process.execPath, [BIN, "--help"], { encoding: "utf8" });
    expect(help.status).toBe(0);
    for (const name of Object.keys(COMMANDS)) expect(help.stdout).toContain(`  ${name} `);
  });

  it("every command and alias answers --help with its usage, flags and example, sending nothing", async () => {
    for (const [name, c] of Object.entries(COMMANDS)) {
      for (const spelled of [name, ...(c.aliases ?? [])]) {
        const res = await runCli([spelled, "--help"], { env: { SKYPANEL_URL: "http://127.0.0.1:9" } });
        expect(res.code, spelled).toBe(0);
        expect(res.stdout).toContain(`Usage: skypanel ${c.usage}`);
        for (const flag of Object.keys(c.flags)) expect(res.stdout).toContain(`--${flag}`);
      }
    }
    // After `--` (or inside run's remote command) --help belongs to the remote command.
    expect((await runCli(["run", "-a", "x", "--", "ls", "--help"], { env: { SKYPANEL_URL: "http://127.0.0.1:9" } })).code).toBe(1);
  });

  it("autocomplete prints bash and zsh scripts that their shells accept and that name every command", () => {
    const bash = bashScript();
    execFileSync("bash", ["-n"], { input: bash });
    const completed = execFileSync(
      "bash",
      [
        "-c",
        `${bash}\nCOMP_LINE='skypanel config:s'; COMP_POINT=\${#COMP_LINE}; COMP_WORDS=(skypanel config : s); COMP_CWORD=3; _skypanel; echo "\${COMPREPLY[@]}"`,
      ],
      {
        encoding: "utf8",
      },
    );
    expect(completed.trim().split(" ").sort()).toEqual(["set"]);
    const flags = execFileSync(
      "bash",
      [
        "-c",
        `${bash}\nCOMP_LINE='skypanel deploy --st'; COMP_POINT=\${#COMP_LINE}; COMP_WORDS=(skypanel deploy --st); COMP_CWORD=2; _skypanel; echo "\${COMPREPLY[@]}"`,
      ],
      {
        encoding: "utf8",
      },
    );
    expect(flags.trim()).toBe("--strategy");
    const zsh = zshScript();
    for (const name of Object.keys(COMMANDS)) expect(zsh).toContain(`'${name.replaceAll(":", "\\:")}:`);
    if (spawnSync("zsh", ["--version"]).status === 0) execFileSync("zsh", ["-n"], { input: zsh });
  });
});
