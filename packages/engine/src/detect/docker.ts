// The docker stack: the Dockerfile says how to build, so the plan is its parsed instructions,
// the web command from the final stage's ENTRYPOINT/CMD and the port from its EXPOSE.
import { parseDockerfile } from "./dockerfile.ts";
import type { DockerInstruction } from "./plan.ts";
import { shellJoin } from "./shell.ts";
import { reason, type StackDetection, type StackRule } from "./stack.ts";

const DOCKERFILE = "Dockerfile";

/** Official images whose tag is the toolchain version, so the plan can name it. */
const TOOLCHAIN_IMAGES: Record<string, string> = {
  node: "node",
  python: "python",
  golang: "go",
  ruby: "ruby",
  rust: "rust",
  php: "php",
  openjdk: "java",
  "eclipse-temurin": "java",
  amazoncorretto: "java",
};

export const docker: StackRule = {
  stack: "docker",
  markers: [DOCKERFILE],
  async detect(tree) {
    const text = (await tree.readText(DOCKERFILE)) as string;
    const { instructions, warnings } = parseDockerfile(text, DOCKERFILE);
    const final = finalStage(instructions);
    const reasons = [
      reason("build", `The ${DOCKERFILE}'s ${instructions.length} instructions are the build; no buildpack defaults apply.`),
    ];
    const detection: StackDetection = {
      stack: "docker",
      framework: null,
      versions: {},
      packageManager: "none",
      lockfiles: [DOCKERFILE],
      install: null,
      build: null,
      test: null,
      web: null,
      reasons,
      warnings,
      dockerfile: { path: DOCKERFILE, instructions },
    };

    const from = final.find((i) => i.op === "FROM");
    const toolchain = from ? imageToolchain(from.image) : null;
    if (toolchain) {
      detection.versions[toolchain.name] = toolchain.version;
      reasons.push(reason("version", `${toolchain.name} ${toolchain.version} from the final stage's base image ${from?.image}.`));
    } else {
      reasons.push(
        reason(
          "version",
          `The base image ${from?.image ?? "(none)"} names no toolchain version SkyPanel knows; the Dockerfile brings its own.`,
        ),
      );
    }

    const start = startCommand(final);
    if (start) {
      detection.web = start.command;
      reasons.push(reason("start", `web runs the ${DOCKERFILE}'s ${start.from}: ${start.command}`));
    } else {
      detection.noWeb = `the ${DOCKERFILE}'s final stage has no CMD or ENTRYPOINT`;
    }

    const exposed = final.filter((i): i is Extract<DockerInstruction, { op: "EXPOSE" }> => i.op === "EXPOSE");
    const port = exposed[0]?.port;
    if (port !== undefined) {
      detection.port = port;
      reasons.push(reason("port", `port ${port} from EXPOSE in the ${DOCKERFILE}; the app is also told it through $PORT.`));
      const others = exposed.slice(1).map((e) => e.port);
      if (others.length > 0) warnings.push(`${DOCKERFILE}: only port ${port} is routed; EXPOSE ${others.join(", ")} is ignored.`);
    }
    return detection;
  },
};

/**
 * The instructions of the stage that becomes the app, with those of the stages it is built
 * FROM (by name) before them: CMD, ENTRYPOINT and EXPOSE are inherited that way.
 */
function finalStage(instructions: DockerInstruction[]): DockerInstruction[] {
  const stages: DockerInstruction[][] = [];
  for (const i of instructions) {
    if (i.op === "FROM") stages.push([i]);
    else stages.at(-1)?.push(i);
  }
  const chain: DockerInstruction[][] = [];
  let stage = stages.at(-1);
  while (stage && chain.length < stages.length) {
    chain.unshift(stage);
    const head = stage[0];
    const parent = head?.op === "FROM" ? stages.find((s) => s[0]?.op === "FROM" && s[0].stage === head.image && s !== stage) : undefined;
    stage = parent;
  }
  // The FROM that names a real image comes first, so versions come from it.
  return chain.flat();
}

function startCommand(stage: DockerInstruction[]): { command: string; from: string } | null {
  let cmd: string[] | string | null = null;
  let entrypoint: string[] | string | null = null;
  for (const i of stage) {
    if (i.op === "CMD") cmd = i.command;
    if (i.op === "ENTRYPOINT") entrypoint = i.command;
  }
  const line = (c: string[] | string) => (Array.isArray(c) ? shellJoin(c) : c);
  if (entrypoint === null) return cmd === null ? null : { command: line(cmd), from: "CMD" };
  // Docker's rules: a shell-form ENTRYPOINT ignores CMD; an exec-form one gets CMD as arguments.
  if (!Array.isArray(entrypoint) || cmd === null) return { command: line(entrypoint), from: "ENTRYPOINT" };
  const args = Array.isArray(cmd) ? cmd : ["/bin/sh", "-c", cmd];
  return { command: shellJoin([...entrypoint, ...args]), from: "ENTRYPOINT and CMD" };
}

function imageToolchain(image: string): { name: string; version: string } | null {
  const m = /^(?:docker\.io\/)?(?:library\/)?([a-z0-9-]+):(\d+(?:\.\d+){0,2})(?:[-@].*)?$/.exec(image);
  if (!m) return null;
  const name = TOOLCHAIN_IMAGES[m[1] as string];
  return name && Object.hasOwn(TOOLCHAIN_IMAGES, m[1] as string) ? { name, version: m[2] as string } : null;
}
