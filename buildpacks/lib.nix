# Shared by every buildpack. A step is one derivation that runs a shell script with the
# toolchain's PATH, seeing only its inputs (the source, dependency layers, support files)
# and the toolchain's read-only sandbox paths. The engine follows the build's progress
# through "@@skypanel stage <name>" lines the scripts print.
{ toolchain }:
rec {
  mkStep = { name, script, env ? { } }:
    derivation ({
      inherit name;
      system = builtins.currentSystem;
      builder = "/bin/sh";
      args = [ "-e" "-u" "-c" ''
        stage() { echo "@@skypanel stage $1"; }
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
