# A Dockerfile, built without a Docker engine: its parsed instructions (the plan's
# dockerfile.instructions) run on the platform's own toolchains in one sandboxed step, by
# support/docker-build.mjs. Base images must be node:*, python:* or golang:* (the engine checks
# this, and what else it cannot honour, before the build: packages/engine/src/builds/deps/docker.ts).
#   ARG, ENV, WORKDIR, COPY/ADD (the source, filtered by .dockerignore; earlier stages; local
#   archives unpacked) and RUN (sandboxed, no network) act on a directory per stage;
#   RUN npm ci / npm install / yarn / pnpm install use the dependency layer the engine fetched
#   (support/docker-run.sh); RUN pip install -r … installs offline into a venv at $out/venv.
#   EXPOSE, CMD and ENTRYPOINT are the plan's port and web command.
# $out/app is the final stage's WORKDIR; its ENV (and the venv's bin/ on PATH) is .skypanel/env.
{ toolchain, src, deps, planJson, tools ? "" }:
let
  lib = import ./lib.nix { inherit toolchain; };
  plan = builtins.fromJSON planJson;
  nodePm = if builtins.elem plan.packageManager [ "npm" "yarn" "pnpm" ] then plan.packageManager else "";
in
lib.mkStep {
  name = "app";
  env = {
    src = lib.cleanSource (/. + src);
    support = lib.support;
    instructions = builtins.toJSON plan.dockerfile.instructions;
    passAsFile = [ "instructions" ];
    SKYPANEL_NODE_DEPS = lib.storeInput deps;
    SKYPANEL_NODE_PM = nodePm;
    tools = lib.storeInput tools;
  };
  script = ''
    stage build
    if [ -n "$tools" ]; then export PATH="$tools/bin:$PATH"; fi
    node "$support/docker-build.mjs"
    stage artifact
    echo "-----> app ready"
  '';
}
