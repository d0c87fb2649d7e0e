# Shared by every buildpack. A step is one derivation that runs a shell script with the
# toolchain's PATH, seeing only its inputs (the source, dependency layers, support files)
# and the toolchain's read-only sandbox paths. The engine follows the build's progress
# through "@@skypanel stage <name>" lines the scripts print, and takes a line
# "@@skypanel error <why>" as the build's error message.
#
# The artifact: $out/app is the app directory; the runtime runs the plan's process commands
# there with $PORT set, and first sets the variables listed in $out/app/.skypanel/env (lines of
# NAME=value, written with runtime_env; "$PATH" in a value stands for the PATH the runtime
# gives anyway). That is how a web command finds its runtime, e.g. a Python venv's bin/.
{ toolchain }:
rec {
  mkStep = { name, script, env ? { } }:
    derivation ({
      inherit name;
      system = builtins.currentSystem;
      builder = "/bin/sh";
      args = [ "-e" "-u" "-c" ''
        stage() { echo "@@skypanel stage $1"; }
        fail() { echo "@@skypanel error $1"; exit 1; }
        # The app directory: a writable copy of the source in $out/app.
        copy_source() {
          mkdir -p "$out/app"
          cp -R "$src"/. "$out/app"/
          chmod -R u+w "$out/app"
        }
        runtime_env() {
          mkdir -p "$out/app/.skypanel"
          for pair in "$@"; do printf '%s\n' "$pair" >> "$out/app/.skypanel/env"; done
        }
        export HOME="$TMPDIR/home"
        mkdir -p "$HOME"
        ${script}
      '' ];
      PATH = toolchain.PATH;
    } // env);

  # The source as the build sees it: no VCS data, no dependencies brought along from a laptop.
  cleanSource = path: builtins.path {
    inherit path;
    name = "source";
    filter = p: type:
      let base = baseNameOf p;
      in !(base == ".git" || base == "node_modules" || base == ".skypanel" || base == "__pycache__");
  };

  # A store path the engine made (e.g. a dependency layer), as a proper build input.
  storeInput = path: if path == "" then "" else builtins.storePath path;

  support = ./support;
}
