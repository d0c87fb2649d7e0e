# Node.js: npm, yarn or pnpm. Three steps, each cached by Nix on its own inputs:
#   deps-built  the dependency layer (fetched by the engine with --ignore-scripts, keyed by the
#               lockfile) with its install scripts run here, offline and sandboxed;
#   deps-prod   the same without devDependencies, for the release;
#   app         the source built against deps-built, shipped with deps-prod.
# A source-only change rebuilds only `app`.
{ toolchain, src, deps, planJson, tools ? "" }:
# src: the source directory (a string path); deps: the dependency layer's store path.
let
  lib = import ./lib.nix { inherit toolchain; };
  plan = builtins.fromJSON planJson;
  pm = plan.packageManager;
  depsLayer = lib.storeInput deps;
  toolsLayer = lib.storeInput tools;
  npmEnv = ''
    export npm_config_cache="$TMPDIR/npm-cache" npm_config_update_notifier=false
    export npm_config_fund=false npm_config_audit=false npm_config_offline=true
    export PATH="${if tools == "" then "" else "${toolsLayer}/bin:"}$PATH"
  '';

  depsBuilt = lib.mkStep {
    name = "node-deps-built";
    env = { deps = depsLayer; };
    script = ''
      ${npmEnv}
      stage dependencies
      mkdir -p "$out"
      cp -R "$deps"/. "$out"/
      chmod -R u+w "$out"
      cd "$out"
      echo "-----> running dependency install scripts (offline, sandboxed)"
      ${if pm == "pnpm" then "pnpm rebuild" else "npm rebuild --foreground-scripts"}
    '';
  };

  depsProd = lib.mkStep {
    name = "node-deps-prod";
    env = { built = depsBuilt; support = lib.support; };
    script = ''
      ${npmEnv}
      stage optimise
      mkdir -p "$out"
      cp -R "$built"/. "$out"/
      chmod -R u+w "$out"
      cd "$out"
      echo "-----> dropping devDependencies"
      ${if pm == "pnpm" then "pnpm prune --prod --offline" else "node $support/prune-dev.mjs ."}
    '';
  };
in
lib.mkStep {
  name = "app";
  env = {
    src = lib.cleanSource (/. + src);
    built = depsBuilt;
    prod = depsProd;
    buildCommand = if plan.build == null then "" else plan.build;
    testCommand = if plan.test == null then "" else plan.test;
    NODE_ENV = "production";
  };
  script = ''
    ${npmEnv}
    stage build
    mkdir -p "$out/app"
    cp -R "$src"/. "$out/app"/
    chmod -R u+w "$out/app"
    cd "$out/app"
    if [ -n "$buildCommand" ] || [ -n "$testCommand" ]; then
      # Build tools may write into node_modules (caches), so they get a private copy.
      cp -R "$built/node_modules" node_modules
      chmod -R u+w node_modules
    fi
    if [ -n "$buildCommand" ]; then
      echo "-----> $buildCommand"
      NODE_ENV=development sh -c "$buildCommand"
    fi
    if [ -n "$testCommand" ]; then
      stage tests
      echo "-----> $testCommand"
      NODE_ENV=test sh -c "$testCommand"
    fi
    stage artifact
    echo "@@skypanel dev-deps $(du -sb "$built" | cut -f1) $(du -sb "$prod" | cut -f1)"
    rm -rf node_modules
    # The release shares the pruned dependency layer instead of carrying its own copy.
    ln -s "$prod/node_modules" node_modules
    echo "-----> app ready"
  '';
}
