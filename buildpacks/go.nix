# Go: `go build` offline. Where modules come from:
#   - the dependency layer the engine fetched through the Go module proxy
#     (packages/engine/src/builds/deps/go.ts): a module proxy tree read with GOPROXY=file://…;
#     Go checks each module against go.sum as it unpacks it into a module cache in $TMPDIR, and
#     -mod=readonly builds go.mod and go.sum as committed;
#   - a committed vendor/ (-mod=vendor), with nothing fetched;
#   - none: a module with no requirements (the standard library), or a main.go with no go.mod,
#     which the plan builds with GO111MODULE=off.
# When go.mod asks for a newer Go than the platform's, the layer also holds that toolchain as the
# module golang.org/toolchain (its version in .skypanel-go-toolchain): it is unpacked here and
# put first on PATH, as Go 1.21+ would switch to it itself.
# Caches live in $TMPDIR. Go's defaults otherwise (cgo when a C compiler is there, no -trimpath):
# then Go 1.19 links against the toolchain's precompiled standard library instead of compiling
# it again (about 1 s instead of 30).
#
# Two steps, so a change to the app's code does not compile gin and the rest again:
#   - dependencies: on go.mod and go.sum alone (with the layer and the toolchain), compiles into
#     a GOCACHE, which Nix keeps while they stay the same, every package of each module go.mod
#     requires directly (`<module>/...`, those that load; of a module of more than 100 packages,
#     an SDK's, only its root) and what they import. Without the code, which packages the app
#     imports is unknown: every package of every required module was measured on gin at 1157
#     packages, 280 s and 400 MB, the direct ones at 6 (with their imports 27 s, 41 MB; the app
#     compiles 53). What it cannot compile (a directory replacement, say) is left to the app step;
#   - app: copies that GOCACHE (writable, with new mtimes: Go drops entries unused for 5 days
#     by mtime, and the store's are from 1970) and builds as before.
# Go's cache key holds a package's directory (no -trimpath), GOROOT, flags, cgo and its compiler:
# both steps use the same $TMPDIR (/build in Nix's sandbox), PATH and `goEnv`, so they match.
# Skipped where it cannot help: no go.mod (standard library only), vendor/ (its packages sit in
# $out/app, another path in every build), nothing fetched; and, for now, a fetched toolchain (it
# would have to be unpacked in both steps). A failing or empty step never fails the build: the
# app step then compiles everything. `go build` runs with -v: the log names what it compiled.
{ toolchain, src, deps, planJson, tools ? "" }:
let
  lib = import ./lib.nix { inherit toolchain; };
  plan = builtins.fromJSON planJson;
  source = /. + src;
  modules = lib.storeInput deps;

  # What the dependencies step may read of the source: go.mod and go.sum at its root.
  moduleFiles = builtins.path {
    path = source;
    name = "go-module-files";
    filter = p: type: type == "regular" && dirOf p == toString source && (baseNameOf p == "go.mod" || baseNameOf p == "go.sum");
  };

  # Settings both steps share: the dependencies' cache keys depend on them.
  goEnv = ''
    export GOSUMDB=off GOTOOLCHAIN=local
    export GOCACHE="$TMPDIR/go-cache" GOPATH="$TMPDIR/go" GOMODCACHE="$TMPDIR/go/pkg/mod"
  '';
  layerEnv = ''
    export GOPROXY="file://$modules" GOFLAGS="-mod=readonly -modcacherw -buildvcs=false"
  '';

  dependencies = lib.mkStep {
    name = "go-dependencies";
    env = { inherit moduleFiles modules; };
    script = ''
      mkdir -p "$out" "$TMPDIR/module"
      cp -R "$moduleFiles"/. "$TMPDIR/module"/
      chmod -R u+w "$TMPDIR/module"
      cd "$TMPDIR/module"
      ${goEnv}
      ${layerEnv}
      log="$TMPDIR/go.log"
      patterns=""
      for module in $(go list -m -e -f '{{if not .Main}}{{if not .Indirect}}{{.Path}}{{end}}{{end}}' all 2> "$log"); do
        loads=$(go list -e -f '{{if not .Error}}{{if not .DepsErrors}}{{.ImportPath}}{{end}}{{end}}' "$module/..." 2>> "$log" || true)
        if [ "$(echo "$loads" | wc -w)" -le 100 ]; then patterns="$patterns $loads"
        elif echo "$loads" | grep -qxF "$module"; then patterns="$patterns $module"; fi
      done
      count=$(echo $patterns | wc -w)
      echo "-----> compiling $count packages of the modules go.mod requires directly, and what they import (kept while go.mod, go.sum and the layer stay the same)"
      if [ "$count" -gt 0 ]; then
        # Packages that do not compile leave the others in the cache; the app step compiles them if it needs them.
        go build $patterns >> "$log" 2>&1 || { tail -n 5 "$log"; echo "-----> some did not compile (above); the app's build compiles what it needs of them"; }
      fi
      if [ -d "$GOCACHE" ] && [ "$count" -gt 0 ]; then
        mv "$GOCACHE" "$out/go-cache"
        echo "$count" > "$out/packages"
      fi
      # Never a failure: an empty $out leaves the compiling to the app step.
      true
    '';
  };
  compiled =
    if modules == "" || !(builtins.pathExists (source + "/go.mod")) || builtins.pathExists (source + "/vendor/modules.txt")
      || builtins.pathExists (modules + "/.skypanel-go-toolchain")
    then "" else dependencies;
in
lib.mkStep {
  name = "app";
  env = {
    src = lib.cleanSource source;
    inherit modules compiled;
    wantedGo = plan.versions.go or "";
    buildCommand = if plan.build == null then "" else plan.build;
    testCommand = if plan.test == null then "" else plan.test;
  };
  script = ''
    stage build
    copy_source
    cd "$out/app"
    ${goEnv}
    if [ -n "$modules" ] && [ -f "$modules/.skypanel-go-toolchain" ]; then
      toolchain=$(cat "$modules/.skypanel-go-toolchain")
      echo "-----> unpacking golang.org/toolchain@$toolchain from the dependency layer"
      (cd "$TMPDIR" && GOPROXY="file://$modules" GOFLAGS=-modcacherw go mod download "golang.org/toolchain@$toolchain")
      goroot="$GOMODCACHE/golang.org/toolchain@$toolchain"
      chmod 0555 "$goroot"/bin/* "$goroot"/pkg/tool/*/*
      export PATH="$goroot/bin:$PATH"
    fi
    if [ ! -f go.mod ]; then
      mode="none (no go.mod)"; export GOPROXY=off GOFLAGS="-buildvcs=false"
    elif [ -f vendor/modules.txt ]; then
      mode="vendor/"; export GOPROXY=off GOFLAGS="-mod=vendor -buildvcs=false"
    elif [ -n "$modules" ]; then
      mode="the fetched layer, checked against go.sum"
      ${layerEnv}
    else
      mode="none to fetch"; export GOPROXY=off GOFLAGS="-mod=mod -buildvcs=false"
    fi
    have=$(go env GOVERSION)
    echo "-----> $have (go.mod asks for go $wantedGo), modules: $mode"
    if [ -n "$compiled" ] && [ -d "$compiled/go-cache" ]; then
      echo "-----> dependencies compiled earlier ($(cat "$compiled/packages") packages and what they import): $compiled"
      mkdir -p "$GOCACHE"
      cp -R "$compiled/go-cache"/. "$GOCACHE"/
      chmod -R u+w "$GOCACHE"
    fi
    run() {
      echo "-----> $1"
      if ! sh -c "$1" > "$TMPDIR/go.log" 2>&1; then
        cat "$TMPDIR/go.log"
        if grep -q 'missing go.sum entry' "$TMPDIR/go.log"; then
          fail "go.sum lacks checksums the build needs. Run 'go mod tidy' and commit go.sum."
        fi
        if grep -q 'no required module provides package\|updates to go.mod needed' "$TMPDIR/go.log"; then
          fail "go.mod does not match the code's imports. Run 'go mod tidy' and commit go.mod and go.sum."
        fi
        if [ ! -f go.mod ] && grep -q 'cannot find package' "$TMPDIR/go.log"; then
          fail "the code imports packages outside the standard library, and there is no go.mod to fetch them. Run 'go mod init <module path>' and 'go mod tidy', and commit go.mod and go.sum."
        fi
        if [ -f vendor/modules.txt ] && grep -q 'GOPROXY=off\|inconsistent vendoring' "$TMPDIR/go.log"; then
          fail "vendor/ does not match go.mod. Run 'go mod vendor' and commit vendor/."
        fi
        fail "$1 failed ($have); the log above says why."
      fi
      cat "$TMPDIR/go.log"
    }
    if [ -n "$buildCommand" ]; then
      # -v: go build names each package it compiles (not those the cache had).
      flags="$GOFLAGS"; export GOFLAGS="$GOFLAGS -v"
      run "$buildCommand"
      export GOFLAGS="$flags"
      echo "-----> packages compiled by this build: $(grep -c '^[^ :#][^ :#]*$' "$TMPDIR/go.log" || true)"
    fi
    if [ -n "$testCommand" ]; then
      stage tests
      run "$testCommand"
    fi
    stage artifact
    echo "-----> app ready"
  '';
}
