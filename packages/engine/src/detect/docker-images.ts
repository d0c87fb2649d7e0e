// The base images a Dockerfile may build FROM here. There is no Docker engine or image
// registry: a Dockerfile runs on the platform's own toolchains (buildpacks/docker.nix), so
// only the official images of those toolchains can be honoured. Detection uses this to set a
// Dockerfile aside for a native manifest beside it; the docker buildpack to refuse the rest.
import type { DockerInstruction } from "./plan.ts";

export type ImageToolchain = "node" | "python" | "go";

/** Official images whose toolchain this platform has, by image name. */
const IMAGES: Record<string, ImageToolchain> = { node: "node", python: "python", golang: "go" };
const IMAGE = /^(?:docker\.io\/)?(?:library\/)?([a-z0-9][a-z0-9._-]*)(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

/** What the docker buildpack can build FROM, in words for an error or a warning. */
export const SUPPORTED_IMAGES = "node:*, python:* or golang:*";

/** ${NAME}, ${NAME:-word}, ${NAME:+word} and $NAME from `vars`, as Docker expands them. */
export function expandVariables(text: string, vars: Record<string, string>): string {
  return text.replace(
    /\\\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([-+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (whole, braced, op, word, bare) => {
      if (whole === "\\$") return "$";
      const value = vars[braced ?? bare];
      if (op === "-") return value ? value : word;
      if (op === "+") return value ? word : "";
      return value ?? "";
    },
  );
}

export interface DockerStage {
  image: string;
  name: string | null;
  /** The earlier stage this one is built FROM, or null for an image. */
  parent: number | null;
  instructions: DockerInstruction[];
}

/** The Dockerfile's stages, each FROM expanded with the ARGs declared before the first FROM. */
export function dockerStages(instructions: DockerInstruction[]): DockerStage[] {
  const globals: Record<string, string> = {};
  const stages: DockerStage[] = [];
  for (const i of instructions) {
    if (i.op === "FROM") {
      const image = expandVariables(i.image, globals);
      const parent = stages.findIndex((s) => s.name !== null && s.name.toLowerCase() === image.toLowerCase());
      stages.push({ image, name: i.stage, parent: parent === -1 ? null : parent, instructions: [] });
    } else if (stages.length === 0) {
      if (i.op === "ARG") globals[i.name] = i.default === null ? "" : expandVariables(i.default, globals);
    } else {
      stages.at(-1)?.instructions.push(i);
    }
  }
  return stages;
}

/** The platform toolchain an image stands for, or null when the platform has none for it. */
export function imageToolchain(image: string): ImageToolchain | null {
  const name = IMAGE.exec(image)?.[1];
  return name !== undefined && Object.hasOwn(IMAGES, name) ? (IMAGES[name] as ImageToolchain) : null;
}

/** The images (not stages of the same file) a Dockerfile builds FROM that cannot be honoured here. */
export function unsupportedImages(instructions: DockerInstruction[]): string[] {
  const images = dockerStages(instructions)
    .filter((s) => s.parent === null && imageToolchain(s.image) === null)
    .map((s) => s.image);
  return [...new Set(images)];
}
