import { describe, expect, it } from "vitest";
import { splitWords } from "./dockerfile-lexer.ts";
import { detectBuildPlan, InvalidSourceFileError, parseDockerfile } from "./index.ts";
import { makeSource } from "./test-sources.ts";

const parse = (text: string) => parseDockerfile(text);
const problem = (text: string): string => {
  try {
    parse(text);
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidSourceFileError);
    return (err as Error).message;
  }
  throw new Error("expected the Dockerfile to be refused");
};

describe("parseDockerfile", () => {
  it("joins continued lines and drops comments and blank lines inside them", () => {
    const { instructions } = parse(
      [
        "FROM debian:12",
        "RUN apt-get update && \\",
        "# a comment in the middle",
        "",
        "    apt-get install -y curl \\  ",
        "    && rm -rf /var/lib/apt/lists/*",
      ].join("\n"),
    );
    expect(instructions[1]).toEqual({
      op: "RUN",
      command: "apt-get update &&     apt-get install -y curl     && rm -rf /var/lib/apt/lists/*",
    });
  });

  it("reads CRLF files and lowercase instructions", () => {
    const { instructions } = parse("from node:20\r\nworkdir /app\r\ncmd node server.js\r\n");
    expect(instructions).toEqual([
      { op: "FROM", image: "node:20", stage: null },
      { op: "WORKDIR", path: "/app" },
      { op: "CMD", command: "node server.js" },
    ]);
  });

  it("keeps the JSON form as an argument list and the shell form as a command line", () => {
    const { instructions, warnings } = parse(
      [
        "FROM node:20",
        'ENTRYPOINT ["node"]',
        "CMD node server.js --port $PORT",
        'RUN ["npm", "ci", "--omit=dev"]',
        'RUN ["sh", "-c", "echo a b"]',
      ].join("\n"),
    );
    expect(instructions.slice(1)).toEqual([
      { op: "ENTRYPOINT", command: ["node"] },
      { op: "CMD", command: "node server.js --port $PORT" },
      { op: "RUN", command: "npm ci --omit=dev" },
      { op: "RUN", command: "sh -c 'echo a b'" },
    ]);
    expect(warnings).toEqual([]);
  });

  it("runs an array that is not valid JSON as a shell command, with a warning", () => {
    const { instructions, warnings } = parse("FROM node:20\nCMD ['node', 'server.js']\n");
    expect(instructions[1]).toEqual({ op: "CMD", command: "['node', 'server.js']" });
    expect(warnings).toEqual([
      "Dockerfile line 2: CMD looks like a JSON array but is not valid JSON (single quotes?), so it runs as a shell command.",
    ]);
  });

  it("runs a bare RUN here-document as the script it holds", () => {
    const { instructions } = parse("FROM debian:12\nRUN <<EOF\nset -e\necho one\necho two\nEOF\nCMD ./app\n");
    expect(instructions.slice(1)).toEqual([
      { op: "RUN", command: "set -e\necho one\necho two" },
      { op: "CMD", command: "./app" },
    ]);
  });

  it("hands a here-document used by a command back to the shell as written", () => {
    const { instructions } = parse("FROM debian:12\nRUN cat <<-'CONF' > /etc/app.conf\n\tport=5000\n\tCONF\nEXPOSE 5000\n");
    expect(instructions.slice(1)).toEqual([
      { op: "RUN", command: "cat <<-'CONF' > /etc/app.conf\n\tport=5000\nCONF" },
      { op: "EXPOSE", port: 5000 },
    ]);
  });

  it("refuses a here-document that is never closed", () => {
    expect(problem("FROM debian:12\nRUN <<EOF\necho forever\n")).toBe(
      "Dockerfile: line 2: the here-document <<EOF is never closed (no line with just EOF)",
    );
  });

  it("refuses here-documents it cannot honour", () => {
    expect(problem("FROM debian:12\nCOPY <<EOF /app/config\nx=1\nEOF\n")).toContain(
      "line 2: COPY with a here-document is not supported; commit the file to the source and COPY it",
    );
    expect(problem("FROM python:3.11\nRUN <<EOF\n#!/usr/bin/env python3\nprint(1)\nEOF\n")).toContain(
      'line 2: a RUN here-document with the interpreter "/usr/bin/env python3" is not supported',
    );
  });

  it("reads both ENV forms, with quotes and escapes", () => {
    const { instructions } = parse(
      'FROM node:20\nENV NODE_ENV=production GREETING="hello world" PATH_PART=a\\ b\nENV LEGACY value with spaces\n',
    );
    expect(instructions.slice(1)).toEqual([
      { op: "ENV", vars: { NODE_ENV: "production", GREETING: "hello world", PATH_PART: "a b" } },
      { op: "ENV", vars: { LEGACY: "value with spaces" } },
    ]);
  });

  it('keeps a backslash inside double quotes unless it escapes ", $ or itself, as BuildKit does', () => {
    const { instructions } = parse('FROM node:20\nENV WIN="C:\\Program Files\\app" SAY="say \\"hi\\"" COST="\\$5"\nWORKDIR "/srv/a\\b"\n');
    expect(instructions.slice(1)).toEqual([
      { op: "ENV", vars: { WIN: "C:\\Program Files\\app", SAY: 'say "hi"', COST: "$5" } },
      { op: "WORKDIR", path: "/srv/a\\b" },
    ]);
  });

  it("reads ARG before FROM and stage names", () => {
    const { instructions } = parse(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Dockerfile/Maven variable, not a template
      "ARG NODE=20\nARG EMPTY\nFROM node:${NODE} AS build\nRUN npm ci\nFROM node:20-slim\nCOPY --from=build /app /app\nCOPY --from=0 /x /y\n",
    );
    expect(instructions).toEqual([
      { op: "ARG", name: "NODE", default: "20" },
      { op: "ARG", name: "EMPTY", default: null },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Dockerfile/Maven variable, not a template
      { op: "FROM", image: "node:${NODE}", stage: "build" },
      { op: "RUN", command: "npm ci" },
      { op: "FROM", image: "node:20-slim", stage: null },
      { op: "COPY", sources: ["/app"], dest: "/app", from: "build" },
      { op: "COPY", sources: ["/x"], dest: "/y", from: "0" },
    ]);
  });

  it("reads COPY in JSON form, and ignores --chown with a warning", () => {
    const { instructions, warnings } = parse('FROM node:20\nCOPY --chown=node:node ["my file.txt", "other", "/app/"]\n');
    expect(instructions[1]).toEqual({ op: "COPY", sources: ["my file.txt", "other"], dest: "/app/", from: null });
    expect(warnings).toEqual([
      "Dockerfile line 2: COPY --chown is ignored: files belong to the app's unprivileged user and keep the mode they have in the source.",
    ]);
  });

  it("honours the escape directive", () => {
    const { instructions } = parse("# escape=`\nFROM mcr.microsoft.com/windows\nRUN echo one `\n    two\nCOPY C:\\app\\ C:\\dest\\\n");
    expect(instructions.slice(1)).toEqual([
      { op: "RUN", command: "echo one     two" },
      { op: "COPY", sources: ["C:\\app\\"], dest: "C:\\dest\\", from: null },
    ]);
  });

  it("lists harmless instructions once each as warnings, with their lines", () => {
    const { instructions, warnings } = parse(
      [
        "FROM node:20",
        'LABEL a="1"',
        'LABEL b="2"',
        "MAINTAINER someone",
        "HEALTHCHECK CMD curl -f http://localhost/",
        "USER node",
        "STOPSIGNAL SIGINT",
        "ONBUILD RUN echo hi",
        "EXPOSE 53/udp 8080/tcp",
        "CMD node server.js",
      ].join("\n"),
    );
    expect(instructions.map((i) => i.op)).toEqual(["FROM", "EXPOSE", "CMD"]);
    expect(warnings).toEqual([
      "Dockerfile line 9: EXPOSE 53/udp is ignored: SkyPanel routes HTTP over TCP only.",
      "Dockerfile lines 2, 3: LABEL is ignored: labels are image metadata and SkyPanel keeps no image.",
      "Dockerfile line 4: MAINTAINER is ignored: it is image metadata (and deprecated).",
      "Dockerfile line 5: HEALTHCHECK is ignored: SkyPanel checks each instance's health itself, over HTTP on $PORT.",
      "Dockerfile line 6: USER is ignored: SkyPanel always runs apps as an unprivileged user of its own.",
      "Dockerfile line 7: STOPSIGNAL is ignored: instances are stopped with SIGTERM, then SIGKILL after a grace period.",
      "Dockerfile line 8: ONBUILD is ignored: it acts only when another image is built FROM this one.",
    ]);
  });

  it.each([
    ["FROM node:20\nVOLUME /data", "line 2: VOLUME is not supported: instances have no persistent disk"],
    ['FROM node:20\nSHELL ["/bin/bash", "-c"]', "line 2: SHELL is not supported"],
    ["FROM node:20\nRUNN npm ci", 'line 2: unknown instruction "RUNN"'],
    ["RUN echo hi\nFROM node:20", "line 1: RUN before the first FROM"],
    ["# only a comment\nARG X=1", "Dockerfile: has no FROM instruction."],
    ["FROM node:20\nEXPOSE 8000-8010", "line 2: EXPOSE 8000-8010: port ranges are not supported"],
    ["FROM node:20\nEXPOSE $PORT", "line 2: EXPOSE $PORT: name the port as a number"],
    ["FROM node:20\nEXPOSE 70000", 'line 2: EXPOSE "70000" is not a port'],
    [
      "FROM node:20\nCOPY --from=nginx:latest /etc/nginx /etc/nginx",
      "line 2: COPY --from=nginx:latest names no earlier stage; SkyPanel cannot pull images",
    ],
    ["FROM node:20\nADD git@github.com:a/b.git /src", "line 2: ADD git@github.com:a/b.git: builds have no network"],
    ["FROM node:20\nCOPY onlyone", "line 2: COPY needs at least one source and a destination"],
    ["FROM node:20\nCOPY --parents a b", "line 2: COPY --parents is not supported"],
    ["FROM node:20\nRUN --mount=type=secret,id=npm npm ci", "line 2: RUN --mount=type=secret,id=npm is not supported"],
    ["FROM node:20\nENV 1BAD=x", 'line 2: ENV "1BAD" is not a valid variable name'],
    ["FROM node:20\nENV ALONE", "line 2: ENV ALONE has no value"],
    ['FROM node:20\nENV A="unclosed', 'line 2: a " quote is never closed'],
    ["FROM node:20\nCMD []", "line 2: CMD is empty"],
    ["FROM node:20 AS\nCMD x", "line 1: FROM takes an image and optionally AS <stage name>"],
    ["FROM --platform=linux/arm64 node:20 AS b@d", 'line 1: "b@d" is not a valid stage name'],
  ])("refuses %j", (text, message) => {
    expect(problem(text)).toContain(message);
  });

  it("names every problem in one error", () => {
    const message = problem('FROM node:20\nVOLUME /a\nUSER node\nSHELL ["sh"]\nFOO bar\n');
    expect(message).toBe(
      'Dockerfile: line 2: VOLUME is not supported: instances have no persistent disk (the runtime is read-only and a restart starts clean); keep data in an add-on such as PostgreSQL or Redis; line 4: SHELL is not supported: it changes how every later RUN and CMD runs; write the shell into the command instead, e.g. RUN ["bash", "-c", "…"]; line 5: unknown instruction "FOO".',
    );
  });

  it("accepts cache mounts and --network with warnings", () => {
    const { instructions, warnings } = parse("FROM node:20\nRUN --mount=type=cache,target=/root/.npm --network=none npm ci\n");
    expect(instructions[1]).toEqual({ op: "RUN", command: "npm ci" });
    expect(warnings).toEqual([
      "Dockerfile line 2: RUN --mount=type=cache is ignored: SkyPanel caches dependencies itself.",
      "Dockerfile line 2: RUN --network is ignored: builds never have network access.",
    ]);
  });
});

// BuildKit's word lexer (moby/buildkit frontend/dockerfile/shell/lex.go, processStopOn and
// processDoubleQuote): outside quotes the escape character escapes anything; between single
// quotes nothing is special; between double quotes it escapes only ", $ and itself, and any
// other backslash is left as it is ("These chars can be escaped, all other \'s are left as-is").
describe("splitWords, against BuildKit's quoting rules", () => {
  it.each([
    [String.raw`"C:\dir\file"`, [String.raw`C:\dir\file`]],
    [String.raw`"say \"hi\""`, ['say "hi"']],
    [String.raw`"\$HOME"`, ["$HOME"]],
    [String.raw`"a\\b"`, [String.raw`a\b`]],
    [String.raw`"a\nb"`, [String.raw`a\nb`]],
    [String.raw`'a\b' 'it''s'`, [String.raw`a\b`, "its"]],
    [String.raw`a\ b c`, ["a b", "c"]],
    [String.raw`\n\"x`, ['n"x']],
    [String.raw`mixed"quo ted"'and'\ more`, ["mixedquo tedand more"]],
    ["trailing\\", ["trailing"]],
  ])("with \\: %s", (text, words) => {
    expect(splitWords(text)).toEqual(words);
  });

  it.each([
    ['"C:\\dir\\"', ["C:\\dir\\"]],
    ['"say `"hi`""', ['say "hi"']],
    ['"a``b" "`$x"', ["a`b", "$x"]],
    ["a` b `\\n", ["a b", "\\n"]],
  ])("with the escape directive `: %s", (text, words) => {
    expect(splitWords(text, "`")).toEqual(words);
  });

  it("refuses a quote that is never closed", () => {
    expect(() => splitWords('"open \\"')).toThrow('a " quote is never closed');
  });
});

describe("the docker stack's plan", () => {
  it("takes CMD, EXPOSE and the base image from the stage the final one is built FROM", async () => {
    const dir = makeSource({
      Dockerfile: [
        "FROM python:3.12-slim AS base",
        "EXPOSE 8000",
        'CMD ["python", "-m", "http.server", "8000"]',
        "FROM base AS final",
        "COPY . /srv",
      ].join("\n"),
    });
    const plan = await detectBuildPlan(dir);
    expect(plan).toMatchObject({
      stack: "docker",
      versions: { python: "3.12" },
      port: 8000,
      processes: { web: "python -m http.server 8000" },
    });
  });

  it("joins an exec-form ENTRYPOINT with CMD, and warns about extra exposed ports", async () => {
    const dir = makeSource({
      Dockerfile: 'FROM golang:1.22\nEXPOSE 8080 9090\nENTRYPOINT ["./app", "--log"]\nCMD ["serve", "--addr", ":8080"]\n',
    });
    const plan = await detectBuildPlan(dir);
    expect(plan.processes.web).toBe("./app --log serve --addr :8080");
    expect(plan.versions).toEqual({ go: "1.22" });
    expect(plan.port).toBe(8080);
    expect(plan.warnings).toEqual(["Dockerfile: only port 8080 is routed; EXPOSE 9090 is ignored."]);
    expect(plan.reasons.find((r) => r.topic === "start")?.reason).toBe(
      "web runs the Dockerfile's ENTRYPOINT and CMD: ./app --log serve --addr :8080",
    );
  });

  it("lets a Procfile replace the Dockerfile's CMD and add processes", async () => {
    const dir = makeSource({ Dockerfile: "FROM node:20\nCMD node server.js\n", Procfile: "web: node other.js\nworker: node worker.js\n" });
    const plan = await detectBuildPlan(dir);
    expect(plan.processes).toEqual({ web: "node other.js", worker: "node worker.js" });
  });

  it("needs a CMD, an ENTRYPOINT or a Procfile", async () => {
    const err = await detectBuildPlan(makeSource({ Dockerfile: "FROM nginx:1.25\nCOPY site /usr/share/nginx/html\n" })).catch((e) => e);
    expect(err.message).toBe(
      'Could not find how to start this app: the Dockerfile\'s final stage has no CMD or ENTRYPOINT. Add a Procfile with a line like "web: <command that listens on $PORT>".',
    );
  });

  it("uses port 5000 when nothing is exposed", async () => {
    const plan = await detectBuildPlan(makeSource({ Dockerfile: "FROM debian:12\nCMD ./run\n" }));
    expect(plan.port).toBe(5000);
    expect(plan.versions).toEqual({});
  });
});
