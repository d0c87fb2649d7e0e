// @ts-check
// Help text, made from the command table so it cannot drift from what the parser accepts.
import { COMMANDS } from "./registry.js";

const COMMON = `Environment:
  SKYPANEL_URL       the platform (default http://127.0.0.1:3000)
  SKYPANEL_API_KEY   a token that wins over the one \`skypanel login\` stored in ~/.netrc
  HEROKU_API_KEY     the Heroku token migrate:* reads (never a flag)
  NO_COLOR           no colour even on a terminal

The app is -a/--app, else the one the git remote named skypanel points at.`;

export function generalHelp() {
  const names = Object.keys(COMMANDS);
  const width = Math.max(...names.map((n) => n.length)) + 2;
  const lines = names.map((n) => `  ${n.padEnd(width)}${COMMANDS[n]?.summary ?? ""}`);
  return `SkyPanel from the terminal, with Heroku's verbs.

Usage: skypanel COMMAND [flags]

Commands:
${lines.join("\n")}

Every read command takes --json. \`skypanel COMMAND --help\` shows a command's flags.

${COMMON}`;
}

/** @param {string} name a canonical command name */
export function commandHelp(name) {
  const c = COMMANDS[name];
  if (!c) return `No command "${name}". \`skypanel help\` lists them.`;
  const flags = Object.entries(c.flags).map(([flag, s]) => {
    const left = `${s.short ? `-${s.short}, ` : "    "}--${flag}${s.type === "string" ? ` ${s.value ?? "VALUE"}` : ""}`;
    return [left, s.help ?? ""];
  });
  const width = Math.max(0, ...flags.map(([l]) => (l ?? "").length)) + 2;
  return [
    `Usage: skypanel ${c.usage}`,
    "",
    `${c.summary[0]?.toUpperCase()}${c.summary.slice(1)}.`,
    ...(c.aliases?.length ? ["", `Aliases: ${c.aliases.join(", ")}`] : []),
    ...(flags.length ? ["", "Flags:", ...flags.map(([l, h]) => `  ${(l ?? "").padEnd(width)}${h}`)] : []),
    "",
    "Example:",
    `  $ ${c.example}`,
  ].join("\n");
}
