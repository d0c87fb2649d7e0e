# Node.js: npm, yarn or pnpm. Three steps, each cached by Nix on its own inputs:
#   deps-built  the dependency layer (fetched by the engine with --ignore-scripts, keyed by the
#               lockfile) with its install scripts run here, offline and sandboxed;
#   deps-prod   the same without devDependencies, for the release;
#   app         the source built against deps-built, shipped with deps-prod.
# A source-only change rebuilds only `app`. Processes find the dependencies' commands through
# PATH in .skypanel/env (node_modules/.bin, and yarn or pnpm themselves), as `npm run` would.
# A single-page app (web: node .skypanel/static-server.mjs --spa <dir>, see detect/vite.ts) is
# built for production and its output directory served by support/static-server.mjs.
# runtime: the Node.js release the app asked for when the platform's own does not satisfy it (the
# engine chose it from engines.node/.nvmrc/.node-version and fetched it from the npm registry's
# node-linux-<arch>: bin/node and include/). It comes first on PATH for the install scripts, the
# build, the tests and the release's processes. npm stays the platform's and runs on the
# platform's Node (the registry's Node packages carry no npm, and npm 11 refuses Node < 20.17),
# so only what npm starts (scripts, node-gyp, the app) runs on the chosen Node.
{ toolchain, src, deps, planJson, tools ? "", runtime ? "" }:
# src: the source directory (a string path); deps: the dependency layer's store path.
let
  lib = import ./lib.nix { inherit toolchain; };
  plan = builtins.fromJSON planJson;
  pm = plan.packageManager;
  depsLayer = lib.storeInput deps;
  toolsLayer = lib.storeInput tools;
  pmBin = if pm == "npm" || tools == "" then "" else "${toolsLayer}/bin:";
  nodeBin = if runtime == "" then "" else "${nodeRuntime}/bin:";
  # bin/node is the chosen release, copied: the release's processes then carry node alone, not
  # the layer's 65 MiB of headers (include/, for node-gyp at build time). npm and npx run the
  # platform's npm on the platform's Node.
  nodeRuntime = lib.mkStep {
    name = "node-${plan.versions.node or "runtime"}";
    env = { layer = lib.storeInput runtime; };
    script = ''
      node=$(command -v node)
      npm=$(readlink -f "$(command -v npm)")
      mkdir -p "$out/bin"
      cp "$layer/bin/node" "$out/bin/node"
      printf '#!/bin/sh\nexec "%s" "%s" "$@"\n' "$node" "$npm" > "$out/bin/npm"
      printf '#!/bin/sh\nexec "%s" "%s" "$@"\n' "$node" "$(dirname "$npm")/npx-cli.js" > "$out/bin/npx"
      chmod 0555 "$out/bin/npm" "$out/bin/npx"
      echo "-----> Node $("$out/bin/node" --version) first on PATH (npm $("$out/bin/npm" --version) on the platform's Node $("$node" --version))"
    '';
  };
  # Kept in step with detect/site-dir.ts.
  served = builtins.match "node \\.skypanel/static-server\\.mjs (--spa )?([A-Za-z0-9_][A-Za-z0-9_./-]*|\\.)" (plan.processes.web or "");
  siteDir = if served == null then "" else builtins.elemAt served 1;
  npmEnv = ''
    export npm_config_cache="$TMPDIR/npm-cache" npm_config_update_notifier=false
    export npm_config_fund=false npm_config_audit=false npm_config_offline=true npm_config_progress=false
    export PATH="${nodeBin}${if tools == "" then "" else "${toolsLayer}/bin:"}$PATH"
    ${if runtime == "" then "" else ''
      # node-gyp builds native addons against the chosen Node's headers, offline.
      export npm_config_nodedir="${lib.storeInput runtime}"
    ''}
    . "$support/node-layer.sh"
  '';

  depsBuilt = lib.mkStep {
    name = "node-deps-built";
    env = { deps = depsLayer; support = lib.support; };
    script = ''
      ${npmEnv}
      stage dependencies
      node_layer_copy "$deps" "$out"
      cd "$out"
      echo "-----> running dependency install scripts (offline, sandboxed)"
      node_layer_rebuild ${pm}
      node_layer_relocate "$out"
    '';
  };

  depsProd = lib.mkStep {
    name = "node-deps-prod";
    env = { built = depsBuilt; support = lib.support; };
    script = ''
      ${npmEnv}
      stage optimise
      node_layer_copy "$built" "$out"
      echo "-----> dropping devDependencies"
      node_layer_prune ${pm} "$out"
    '';
  };
in
lib.mkStep {
  name = "app";
  env = {
    src = lib.cleanSource (/. + src);
    built = depsBuilt;
    prod = depsProd;
    support = lib.support;
    buildCommand = if plan.build == null then "" else plan.build;
    testCommand = if plan.test == null then "" else plan.test;
    inherit siteDir;
    # A workspace member's app (detect/workspace-plan.ts): the source is the whole workspace.
    workspaceMember = if plan ? workspace then plan.workspace.member else "";
    # A bundler reads NODE_ENV: a static build made under "development" would ship React's
    # development build, which is larger and slower. Servers keep the build they had.
    buildNodeEnv = if siteDir == "" then "development" else "production";
    NODE_ENV = "production";
  };
  script = ''
    ${npmEnv}
    stage build
    copy_source
    cd "$out/app"
    if [ -n "$buildCommand" ] || [ -n "$testCommand" ]; then
      # Build tools may write into node_modules (caches), so they get a private copy. An app
      # with no dependencies has none to copy.
      if [ -d "$built/node_modules" ]; then
        cp -R "$built/node_modules" node_modules
        chmod -R u+w node_modules
      fi
      node_layer_copy_members "$built" .
    fi
    if [ -n "$buildCommand" ]; then
      echo "-----> $buildCommand"
      NODE_ENV="$buildNodeEnv" sh -c "$buildCommand"
    fi
    if [ -n "$siteDir" ]; then
      case "/$siteDir/" in */../*) fail "The site directory $siteDir leaves the source." ;; esac
      [ -f "$siteDir/index.html" ] || fail "The build did not write $siteDir/index.html, the page this app serves. If Vite writes elsewhere, set build.outDir in vite.config as a plain string."
      mkdir -p .skypanel
      cp "$support/static-server.mjs" .skypanel/static-server.mjs
      echo "-----> serving $siteDir/ as a single-page app with node .skypanel/static-server.mjs"
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
    # A workspace's node_modules hold relative links to its members, which must resolve here.
    if [ -n "$workspaceMember" ]; then node_layer_link "$prod" .; else ln -s "$prod/node_modules" node_modules; fi
    # `yarn start` and `pnpm start` need the platform's yarn and pnpm at run time too.
    runtime_env "PATH=${nodeBin}$out/app/node_modules/.bin:${pmBin}\$PATH"
    echo "-----> app ready"
  '';
}
