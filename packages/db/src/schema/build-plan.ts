// The build plan: what detection (packages/engine/src/detect) decided about an app's source, and
// why. It is stored with the build (builds.plan), shown to the user, and is the only input the
// buildpacks get besides the source and the dependency layer. Declared here, beside the column,
// so the column, the engine and the API's consumers share one type (the engine imports db).

export const STACKS = ["nodejs", "python", "ruby", "go", "rust", "java", "php", "static", "docker"] as const;
export type Stack = (typeof STACKS)[number];

export const FRAMEWORKS = ["express", "nextjs", "nestjs", "vite", "django", "flask", "fastapi", "rails", "sinatra"] as const;
export type Framework = (typeof FRAMEWORKS)[number];

export type PackageManager =
  | "npm"
  | "yarn"
  | "pnpm"
  | "pip"
  | "poetry"
  | "pipenv"
  | "uv"
  | "pdm"
  | "bundler"
  | "go"
  | "cargo"
  | "maven"
  | "gradle"
  | "composer"
  | "none";

/** One Dockerfile instruction the docker buildpack honours, already parsed. */
export type DockerInstruction =
  | { op: "FROM"; image: string; stage: string | null }
  | { op: "ARG"; name: string; default: string | null }
  | { op: "ENV"; vars: Record<string, string> }
  | { op: "WORKDIR"; path: string }
  | { op: "COPY" | "ADD"; sources: string[]; dest: string; from: string | null }
  | { op: "RUN"; command: string }
  | { op: "EXPOSE"; port: number }
  | { op: "CMD" | "ENTRYPOINT"; command: string[] | string };

export interface BuildPlan {
  stack: Stack;
  framework: Framework | null;
  /** Requested toolchain versions, e.g. { node: "20" } or { python: "3.11" }. */
  versions: Record<string, string>;
  packageManager: PackageManager;
  /** Files (relative to the source root) whose contents key the dependency cache. */
  lockfiles: string[];
  /** Shell commands, run in the source directory; null when the step does not apply. */
  install: string | null;
  build: string | null;
  test: string | null;
  /** Process types and their commands: Procfile entries, or `web` from the stack's default. */
  processes: Record<string, string>;
  /** Procfile `release`: run once before a release goes live. */
  release: string | null;
  /** The port the app is told to listen on through $PORT. */
  port: number;
  /** Why each decision was made, in words for the user, in the order they were made. */
  reasons: { topic: string; reason: string }[];
  /** Things the user should know that did not stop detection. */
  warnings: string[];
  /** For the docker stack only: the Dockerfile, parsed. */
  dockerfile?: { path: string; instructions: DockerInstruction[] };
  /**
   * Node.js only, when the app's root directory is a workspace member (detect/workspace-plan.ts):
   * the source is the whole workspace, `member` the app's folder in it, `members` every member's.
   */
  workspace?: { tool: "npm" | "pnpm"; root: string; member: string; members: string[] };
}
