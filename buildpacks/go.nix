# Go: `go build` offline, in one step. No module proxy is reachable from builds (GOPROXY=off):
# stdlib-only modules build as they are (GOFLAGS=-mod=mod), modules with dependencies need a
# committed vendor/ directory (-mod=vendor); the engine refuses others before the build
# (packages/engine/src/builds/deps/go.ts). Caches live in $TMPDIR. Go's defaults otherwise (cgo
# when a C compiler is there, no -trimpath): then Go 1.19 links against the toolchain's
# precompiled standard library instead of compiling it again (about 1 s instead of 30).
# The web command is the binary the plan's build makes (./bin/app), run from $out/app.
{ toolchain, src, deps, planJson, tools ? "" }:
let
  lib = import ./lib.nix { inherit toolchain; };
  plan = builtins.fromJSON planJson;
in
lib.mkStep {
  name = "app";
  env = {
    src = lib.cleanSource (/. + src);
    wantedGo = plan.versions.go or "";
    buildCommand = if plan.build == null then "" else plan.build;
    testCommand = if plan.test == null then "" else plan.test;
  };
  script = ''
    stage build
    mkdir -p "$out/app"
    cp -R "$src"/. "$out/app"/
    chmod -R u+w "$out/app"
    cd "$out/app"
    export GOPROXY=off GOSUMDB=off GOTOOLCHAIN=local
    export GOCACHE="$TMPDIR/go-cache" GOPATH="$TMPDIR/go" GOMODCACHE="$TMPDIR/go/pkg/mod"
    if [ -f vendor/modules.txt ]; then mode=vendor; else mode=mod; fi
    export GOFLAGS="-mod=$mode -buildvcs=false"
    have=$(go env GOVERSION)
    echo "-----> $have (go.mod asks for go $wantedGo), modules: -mod=$mode, no module proxy"
    run() {
      echo "-----> $1"
      if ! sh -c "$1" > "$TMPDIR/go.log" 2>&1; then
        cat "$TMPDIR/go.log"
        if grep -q 'GOPROXY=off' "$TMPDIR/go.log"; then
          fail "go could not download a module: builds cannot reach a Go module proxy. Run 'go mod vendor' and commit the vendor/ directory."
        fi
        fail "$1 failed ($have); the log above says why."
      fi
      cat "$TMPDIR/go.log"
    }
    if [ -n "$buildCommand" ]; then run "$buildCommand"; fi
    if [ -n "$testCommand" ]; then
      stage tests
      run "$testCommand"
    fi
    stage artifact
    echo "-----> app ready"
  '';
}
