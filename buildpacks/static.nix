# A static site: the directory the plan's web command names (detection's choice: ".",
# public/, dist/ or build/, or a Staticfile's root), copied to $out/app/<dir>, served by
# SkyPanel's own file server (support/static-server.mjs, shipped as
# $out/app/.skypanel/static-server.mjs; with --spa it answers client-side routes with
# index.html). Detection names it in the web command for a Staticfile; for an index.html site
# the engine makes it the web command, see packages/engine/src/builds/deps/static.ts. A Procfile
# web that names no site directory ships the whole source. Nothing runs at build time.
{ toolchain, src, deps, planJson, tools ? "" }:
let
  lib = import ./lib.nix { inherit toolchain; };
  plan = builtins.fromJSON planJson;
  web = plan.processes.web or "";
  # Kept in step with detect/site-dir.ts: `node .skypanel/static-server.mjs [--spa] <dir>`.
  named = builtins.match ".*\\.skypanel/static-server\\.mjs (--spa )?([A-Za-z0-9_][A-Za-z0-9_./-]*|\\.).*" web;
  site = if named == null then "." else builtins.elemAt named 1;
in
lib.mkStep {
  name = "app";
  env = {
    src = lib.cleanSource (/. + src);
    support = lib.support;
    inherit site;
  };
  script = ''
    stage build
    case "/$site/" in */../*) fail "The site directory $site leaves the source." ;; esac
    [ -d "$src/$site" ] || fail "The site directory $site is not in the source."
    mkdir -p "$out/app/$site" "$out/app/.skypanel"
    cp -R "$src/$site"/. "$out/app/$site"/
    cp "$support/static-server.mjs" "$out/app/.skypanel/static-server.mjs"
    stage artifact
    echo "-----> serving $site/ with node .skypanel/static-server.mjs"
  '';
}
