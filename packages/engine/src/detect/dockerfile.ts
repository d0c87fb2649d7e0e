// Dockerfile parsing: parser directives, comments, line continuations, here-documents and
// both the JSON (exec) and the shell form. What the docker buildpack cannot honour is decided
// per instruction:
// - errors (the app would build or behave differently than its author meant):
//   VOLUME (instances have no persistent disk), SHELL (changes how every later command runs),
//   ADD from a URL and COPY --from an image (builds cannot pull or fetch), COPY/ADD
//   here-documents, RUN --mount other than a cache, unknown instructions and flags;
// - warnings, ignored (harmless here): LABEL, MAINTAINER, HEALTHCHECK (SkyPanel checks health
//   itself), USER (apps always run unprivileged), STOPSIGNAL (SIGTERM then SIGKILL),
//   ONBUILD (acts only on images built FROM this one), FROM --platform, COPY --chown/--chmod,
//   RUN --mount=type=cache and --network, EXPOSE of UDP ports.

import { HEREDOC_MARKER, type Heredoc, type LogicalLine, logicalLines, splitWords } from "./dockerfile-lexer.ts";
import { InvalidSourceFileError } from "./errors.ts";
import type { DockerInstruction } from "./plan.ts";
import { shellJoin } from "./shell.ts";

export interface ParsedDockerfile {
  instructions: DockerInstruction[];
  warnings: string[];
}

const IGNORED: Record<string, string> = {
  LABEL: "labels are image metadata and SkyPanel keeps no image",
  MAINTAINER: "it is image metadata (and deprecated)",
  HEALTHCHECK: "SkyPanel checks each instance's health itself, over HTTP on $PORT",
  USER: "SkyPanel always runs apps as an unprivileged user of its own",
  STOPSIGNAL: "instances are stopped with SIGTERM, then SIGKILL after a grace period",
  ONBUILD: "it acts only when another image is built FROM this one",
};
const REJECTED: Record<string, string> = {
  VOLUME:
    "instances have no persistent disk (the runtime is read-only and a restart starts clean); keep data in an add-on such as PostgreSQL or Redis",
  SHELL: 'it changes how every later RUN and CMD runs; write the shell into the command instead, e.g. RUN ["bash", "-c", "…"]',
};
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_REPORTED = 8;

export function parseDockerfile(text: string, file = "Dockerfile"): ParsedDockerfile {
  const problems: string[] = [];
  const ignored = new Map<string, number[]>();
  const warnings: string[] = [];
  const instructions: DockerInstruction[] = [];
  const stages: (string | null)[] = [];
  const { lines, escapeChar } = logicalLines(text, file);

  for (const l of lines) {
    const warn = (message: string) => warnings.push(`${file} line ${l.line}: ${message}`);
    try {
      if (stages.length === 0 && l.keyword !== "FROM" && l.keyword !== "ARG") {
        throw new Error(`${l.keyword} before the first FROM; a Dockerfile starts with FROM (only ARG may come before it)`);
      }
      const reason = IGNORED[l.keyword];
      if (reason !== undefined) {
        ignored.set(l.keyword, [...(ignored.get(l.keyword) ?? []), l.line]);
        continue;
      }
      const rejected = REJECTED[l.keyword];
      if (rejected !== undefined) throw new Error(`${l.keyword} is not supported: ${rejected}`);
      instructions.push(...instruction(l, escapeChar, stages, warn));
    } catch (err) {
      problems.push(`line ${l.line}: ${(err as Error).message}`);
    }
  }
  if (problems.length === 0 && stages.length === 0) problems.push("has no FROM instruction");
  if (problems.length > 0) {
    const more = problems.length > MAX_REPORTED ? ` (and ${problems.length - MAX_REPORTED} more problems)` : "";
    throw new InvalidSourceFileError(file, `${problems.slice(0, MAX_REPORTED).join("; ")}${more}.`);
  }
  for (const [keyword, at] of ignored) {
    const where = at.length === 1 ? `line ${at[0]}` : `lines ${at.join(", ")}`;
    warnings.push(`${file} ${where}: ${keyword} is ignored: ${IGNORED[keyword]}.`);
  }
  return { instructions, warnings };
}

function instruction(l: LogicalLine, escapeChar: string, stages: (string | null)[], warn: (m: string) => void): DockerInstruction[] {
  const { keyword, heredocs } = l;
  if (heredocs.length > 0 && keyword !== "RUN") {
    throw new Error(`${keyword} with a here-document is not supported; commit the file to the source and COPY it`);
  }
  const { flags, rest } = takeFlags(l.args);
  const allow = (...names: string[]) => {
    for (const f of flags) if (!names.includes(f.name)) throw new Error(`${keyword} --${f.name} is not supported`);
  };
  switch (keyword) {
    case "FROM": {
      allow("platform");
      if (flags.length > 0) warn("FROM --platform is ignored: apps build for this machine's platform.");
      const words = splitWords(rest, escapeChar);
      const image = words[0];
      if (image === undefined || !(words.length === 1 || (words.length === 3 && words[1]?.toLowerCase() === "as"))) {
        throw new Error("FROM takes an image and optionally AS <stage name>");
      }
      const stage = words[2] ?? null;
      if (stage !== null && !/^[A-Za-z][A-Za-z0-9_.-]*$/.test(stage)) throw new Error(`"${stage}" is not a valid stage name`);
      stages.push(stage);
      return [{ op: "FROM", image, stage }];
    }
    case "ARG": {
      allow();
      const words = splitWords(rest, escapeChar);
      if (words.length === 0) throw new Error("ARG needs a name");
      return words.map((word) => {
        const eq = word.indexOf("=");
        const name = eq === -1 ? word : word.slice(0, eq);
        if (!NAME.test(name)) throw new Error(`"${name}" is not a valid ARG name`);
        return { op: "ARG", name, default: eq === -1 ? null : word.slice(eq + 1) };
      });
    }
    case "ENV":
      allow();
      return [{ op: "ENV", vars: envVars(rest, escapeChar) }];
    case "WORKDIR": {
      allow();
      const path = splitWords(rest, escapeChar).join(" ");
      if (path === "") throw new Error("WORKDIR needs a path");
      return [{ op: "WORKDIR", path }];
    }
    case "COPY":
    case "ADD":
      return [copy(keyword, flags, rest, escapeChar, stages, warn)];
    case "RUN":
      return [{ op: "RUN", command: runCommand(flags, rest, heredocs, warn) }];
    case "CMD":
    case "ENTRYPOINT": {
      allow();
      const command = execOrShell(keyword, rest, warn);
      if (command.length === 0) throw new Error(`${keyword} is empty`);
      return [{ op: keyword, command }];
    }
    case "EXPOSE":
      allow();
      return expose(rest, escapeChar, warn);
    default:
      throw new Error(`unknown instruction ${JSON.stringify(keyword.slice(0, 40))}`);
  }
}

function copy(
  op: "COPY" | "ADD",
  flags: Flag[],
  rest: string,
  escapeChar: string,
  stages: (string | null)[],
  warn: (m: string) => void,
): DockerInstruction {
  let from: string | null = null;
  for (const f of flags) {
    if (f.name === "from" && op === "COPY") {
      const earlier = stages.slice(0, -1);
      const index = Number(f.value);
      const known = earlier.includes(f.value) || (/^\d+$/.test(f.value) && index < earlier.length);
      if (!known)
        throw new Error(
          `COPY --from=${f.value} names no earlier stage; SkyPanel cannot pull images, only copy from stages of this Dockerfile`,
        );
      from = f.value;
    } else if (f.name === "chown" || f.name === "chmod") {
      warn(`${op} --${f.name} is ignored: files belong to the app's unprivileged user and keep the mode they have in the source.`);
    } else if (f.name !== "link") {
      throw new Error(`${op} --${f.name} is not supported`);
    }
  }
  const json = rest.startsWith("[") ? jsonArray(rest) : null;
  const words = json ?? splitWords(rest, escapeChar);
  if (words.length < 2) throw new Error(`${op} needs at least one source and a destination`);
  const sources = words.slice(0, -1);
  const dest = words.at(-1) as string;
  if (op === "ADD") {
    const remote = sources.find((s) => /^(https?|git|ssh):\/\//i.test(s) || /^git@/.test(s));
    if (remote !== undefined) throw new Error(`ADD ${remote}: builds have no network; put the file in the source and COPY it`);
  }
  return { op, sources, dest, from };
}

function runCommand(flags: Flag[], rest: string, heredocs: Heredoc[], warn: (m: string) => void): string {
  for (const f of flags) {
    if (f.name === "mount" && /(^|,)type=cache(,|$)/.test(f.value))
      warn("RUN --mount=type=cache is ignored: SkyPanel caches dependencies itself.");
    else if (f.name === "network") warn("RUN --network is ignored: builds never have network access.");
    else if (f.name === "mount") throw new Error(`RUN --mount=${f.value} is not supported (only type=cache, which is ignored)`);
    else throw new Error(`RUN --${f.name} is not supported`);
  }
  if (heredocs.length > 0) {
    // `RUN <<EOF` alone runs the document as a script; otherwise the shell gets the line and
    // its documents back exactly as written, which is valid shell.
    if (rest.replace(HEREDOC_MARKER, "").trim() === "") {
      return heredocs
        .map((h) => {
          const body = h.lines.map((line) => (h.stripTabs ? line.replace(/^\t+/, "") : line)).join("\n");
          const shebang = /^#!(.*)/.exec(body)?.[1]?.trim();
          if (shebang !== undefined && !/^\/(usr\/)?bin\/(env\s+)?(ba|da)?sh\b/.test(shebang)) {
            throw new Error(`a RUN here-document with the interpreter "${shebang}" is not supported; RUN it with that interpreter instead`);
          }
          return body;
        })
        .join("\n");
    }
    return [rest, ...heredocs.flatMap((h) => [...h.lines, h.word])].join("\n");
  }
  const command = execOrShell("RUN", rest, warn);
  const line = Array.isArray(command) ? shellJoin(command) : command;
  if (line === "") throw new Error("RUN is empty");
  return line;
}

function expose(rest: string, escapeChar: string, warn: (m: string) => void): DockerInstruction[] {
  const words = splitWords(rest, escapeChar);
  if (words.length === 0) throw new Error("EXPOSE needs a port");
  const out: DockerInstruction[] = [];
  for (const word of words) {
    if (word.includes("$"))
      throw new Error(`EXPOSE ${word}: name the port as a number; SkyPanel reads it before any build variable exists`);
    if (/^\d+-\d+(\/\w+)?$/.test(word)) throw new Error(`EXPOSE ${word}: port ranges are not supported; an app gets one port`);
    const m = /^(\d{1,5})(?:\/(tcp|udp))?$/i.exec(word);
    const port = Number(m?.[1]);
    if (!m || port < 1 || port > 65535)
      throw new Error(`EXPOSE ${JSON.stringify(word)} is not a port (1 to 65535, optionally /tcp or /udp)`);
    if (m[2]?.toLowerCase() === "udp") warn(`EXPOSE ${word} is ignored: SkyPanel routes HTTP over TCP only.`);
    else out.push({ op: "EXPOSE", port });
  }
  return out;
}

function envVars(rest: string, escapeChar: string): Record<string, string> {
  const words = splitWords(rest, escapeChar);
  const first = words[0];
  if (first === undefined) throw new Error("ENV needs a name and a value");
  const pairs: [string, string][] = [];
  if (!first.includes("=")) {
    // The old form, `ENV NAME value with spaces`: the rest of the line is the value.
    const value = /^\S+\s+([\s\S]*)$/.exec(rest)?.[1] ?? "";
    if (value === "") throw new Error(`ENV ${first} has no value (write ENV ${first}=value)`);
    pairs.push([first, splitWords(value, escapeChar).join(" ")]);
  } else {
    for (const word of words) {
      const eq = word.indexOf("=");
      if (eq === -1) throw new Error(`ENV ${JSON.stringify(word)} is not NAME=value`);
      pairs.push([word.slice(0, eq), word.slice(eq + 1)]);
    }
  }
  for (const [name] of pairs) {
    if (!NAME.test(name))
      throw new Error(`ENV ${JSON.stringify(name)} is not a valid variable name (letters, digits and _, not starting with a digit)`);
  }
  return Object.fromEntries(pairs);
}

/** CMD, ENTRYPOINT and RUN take a JSON array (exec form) or a shell command line. */
function execOrShell(keyword: string, rest: string, warn: (m: string) => void): string[] | string {
  if (!rest.startsWith("[")) return rest;
  const parsed = jsonArray(rest);
  if (parsed !== null) return parsed;
  // Docker runs an array it cannot parse as a shell command; say so, it is usually a typo.
  warn(`${keyword} looks like a JSON array but is not valid JSON (single quotes?), so it runs as a shell command.`);
  return rest;
}

function jsonArray(text: string): string[] | null {
  try {
    const value: unknown = JSON.parse(text);
    if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value;
  } catch {
    // not JSON: the caller decides
  }
  return null;
}

interface Flag {
  name: string;
  value: string;
}

const FLAG = /^--([A-Za-z][A-Za-z0-9-]*)(?:=(\S*))?(?:\s+|$)/;

function takeFlags(args: string): { flags: Flag[]; rest: string } {
  const flags: Flag[] = [];
  let rest = args;
  for (;;) {
    const m = FLAG.exec(rest);
    if (!m) return { flags, rest: rest.trim() };
    flags.push({ name: (m[1] as string).toLowerCase(), value: m[2] ?? "" });
    rest = rest.slice(m[0].length);
  }
}
