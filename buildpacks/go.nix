# Go: `go build` offline, in one step. Where modules come from:
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
# The web command is the binary the plan's build makes (./bin/<name>), run from $out/app.
{ toolchain, src, deps, planJson, tools ? "" }:
let
  lib = import ./lib.nix { inherit toolchain; };
  plan = builtins.fromJSON planJson;
in
lib.mkStep {
  name = "app";
  env = {
    src = lib.cleanSource (/. + src);
    modules = lib.storeInput deps;
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
    export GOSUMDB=off GOTOOLCHAIN=local
    export GOCACHE="$TMPDIR/go-cache" GOPATH="$TMPDIR/go" GOMODCACHE="$TMPDIR/go/pkg/mod"
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
      export GOPROXY="file://$modules" GOFLAGS="-mod=readonly -modcacherw -buildvcs=false"
    else
      mode="none to fetch"; export GOPROXY=off GOFLAGS="-mod=mod -buildvcs=false"
    fi
    have=$(go env GOVERSION)
    echo "-----> $have (go.mod asks for go $wantedGo), modules: $mode"
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
    if [ -n "$buildCommand" ]; then run "$buildCommand"; fi
    if [ -n "$testCommand" ]; then
      stage tests
      run "$testCommand"
    fi
    stage artifact
    echo "-----> app ready"
  '';
}
