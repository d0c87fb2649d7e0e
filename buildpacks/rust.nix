# Rust: `cargo build --release --frozen` (the plan's build) offline, with the platform's rustc
# and cargo (Debian's rustc-web and cargo-web in /usr/bin; a rust-toolchain file was checked
# against them at detection, rustup is never used). Crates come from the dependency layer the
# engine fetched with `cargo vendor --locked` (packages/engine/src/builds/deps/rust.ts): a
# directory source that replaces crates.io in CARGO_HOME's config, whose files Cargo checks
# against Cargo.lock and the layer's .cargo-checksum.json files. Cargo.lock is the source's, or
# the layer's when the source has none (resolved at fetch, with a warning). Build scripts and
# proc macros run here, in the sandbox, with no network.
#
# Two steps, so a change to the app's code does not compile every crate again:
#   - dependencies: the same build on the Cargo manifests alone (each package's targets stubbed
#     out), whose target/ Nix keeps and reuses while the manifests, Cargo.lock and the layer stay
#     the same. If the stubs do not build (targets at unusual paths), it is left empty and the
#     app step compiles everything;
#   - app: the real build, starting from that target/.
# Both build in $TMPDIR/app with target/ in $TMPDIR, so Cargo finds the crates it compiled fresh.
# The artifact ships the app's files (not a target/ of its own) and the binaries the build made,
# as bin/<name>, which the plan's web command runs; target/release/<name> links to them, for a
# Procfile written for Heroku's Rust buildpack.
{ toolchain, src, deps, planJson, tools ? "" }:
let
  lib = import ./lib.nix { inherit toolchain; };
  plan = builtins.fromJSON planJson;
  crates = lib.storeInput deps;
  buildCommand = if plan.build == null then "" else plan.build;

  # What decides which crates compile, and how: Cargo manifests, Cargo.lock, .cargo/config.
  manifests = builtins.path {
    path = /. + src;
    name = "cargo-manifests";
    filter = p: type:
      let base = baseNameOf p;
      in if type == "directory" then !(base == ".git" || base == "target" || base == "node_modules" || base == ".skypanel")
         else base == "Cargo.toml" || base == "Cargo.lock"
           || ((base == "config.toml" || base == "config") && baseNameOf (dirOf p) == ".cargo");
  };

  # Cargo's settings in both steps: crates.io replaced by the layer. The vendored crates' paths
  # would end up in panic messages, and so tie the artifact to the layer: they are renamed
  # (Cargo joins this rustflags array with the app's own).
  cargoSetup = ''
    export CARGO_HOME="$TMPDIR/cargo-home" CARGO_TARGET_DIR="$TMPDIR/target"
    export CARGO_TERM_COLOR=never CARGO_TERM_PROGRESS_WHEN=never CARGO_INCREMENTAL=0
    mkdir -p "$CARGO_HOME"
    if [ -n "$crates" ]; then
      if [ ! -f Cargo.lock ]; then cp "$crates/Cargo.lock" Cargo.lock; chmod u+w Cargo.lock; fi
      cat > "$CARGO_HOME/config.toml" <<EOF
    [source.crates-io]
    replace-with = "vendored-sources"

    [source.vendored-sources]
    directory = "$crates/vendor"

    [build]
    rustflags = ["--remap-path-prefix=$crates/vendor=/cargo/vendor"]
    EOF
    fi
  '';

  dependencies = lib.mkStep {
    name = "rust-dependencies";
    env = { inherit manifests crates buildCommand; };
    script = ''
      mkdir -p "$out" "$TMPDIR/app"
      cp -R "$manifests"/. "$TMPDIR/app"/
      chmod -R u+w "$TMPDIR/app"
      cd "$TMPDIR/app"
      ${cargoSetup}
      # Stubs for every package's usual targets and the .rs paths its manifest names.
      find . -name Cargo.toml | while read -r manifest; do
        dir=''${manifest%/Cargo.toml}
        mkdir -p "$dir/src"
        [ -e "$dir/src/lib.rs" ] || : > "$dir/src/lib.rs"
        [ -e "$dir/src/main.rs" ] || echo 'fn main() {}' > "$dir/src/main.rs"
        grep -o '"[^"]*\.rs"' "$manifest" | tr -d '"' | while read -r rs; do
          case "$rs" in /*|*..*) continue ;; esac
          mkdir -p "$dir/$(dirname "$rs")"
          [ -e "$dir/$rs" ] || echo 'fn main() {}' > "$dir/$rs"
        done
      done
      echo "-----> compiling the crates on their own (kept while Cargo.toml, Cargo.lock and the crates stay the same): $buildCommand"
      if sh -c "$buildCommand" > "$TMPDIR/cargo.log" 2>&1; then
        grep -c '^ *Compiling' "$TMPDIR/cargo.log" | sed 's/^/-----> compiled: /; s/$/ packages/'
        mv "$CARGO_TARGET_DIR" "$out/target"
      else
        tail -n 5 "$TMPDIR/cargo.log"
        echo "-----> the crates did not compile on their own (above); the app's build compiles them"
      fi
    '';
  };
in
lib.mkStep {
  name = "app";
  env = {
    src = lib.cleanSource (/. + src);
    inherit crates buildCommand;
    compiled = if crates == "" || buildCommand == "" then "" else dependencies;
    wantedRust = plan.versions.rust or "";
    testCommand = if plan.test == null then "" else plan.test;
  };
  script = ''
    stage build
    mkdir -p "$TMPDIR/app"
    cp -R "$src"/. "$TMPDIR/app"/
    chmod -R u+w "$TMPDIR/app"
    rm -rf "$TMPDIR/app/target"
    cd "$TMPDIR/app"
    ${cargoSetup}
    if [ -n "$crates" ]; then mode="the fetched layer, checked against Cargo.lock"; else mode="none to fetch"; fi
    have=$(rustc --version | cut -d' ' -f2)
    echo "-----> rustc $have, cargo $(cargo --version | cut -d' ' -f2) (the plan says Rust $wantedRust), crates: $mode"
    if [ -n "$wantedRust" ] && [ "$(printf '%s\n%s\n' "$wantedRust" "$have" | sort -V | head -n 1)" != "$wantedRust" ]; then
      fail "the plan was made for Rust $wantedRust, and this machine's rustc is $have: install Debian's rustc-web and cargo-web (scripts/up.sh does)."
    fi
    if [ -n "$compiled" ] && [ -d "$compiled/target" ]; then
      echo "-----> crates compiled earlier: $compiled"
      # With their times (all the store's): a copy newer than what it was built from, e.g. a
      # build script's binary newer than its output, would make Cargo run and compile it again.
      cp -R --preserve=timestamps "$compiled/target" "$CARGO_TARGET_DIR"
      chmod -R u+w "$CARGO_TARGET_DIR"
    fi
    run() {
      echo "-----> $1"
      if ! sh -c "$1" > "$TMPDIR/cargo.log" 2>&1; then
        cat "$TMPDIR/cargo.log"
        needs=$(grep -o '[^ ]* requires rustc [0-9.]*' "$TMPDIR/cargo.log" | head -n 1 || true)
        if [ -n "$needs" ]; then
          fail "$needs, newer than the platform's Rust $have. Use versions that build with Rust $have (cargo update --precise), and commit Cargo.lock."
        fi
        if grep -q 'needs to be updated but --frozen was passed\|needs to be updated but --locked was passed' "$TMPDIR/cargo.log"; then
          fail "Cargo.lock does not match Cargo.toml. Run 'cargo update --workspace' (or 'cargo build') and commit Cargo.lock."
        fi
        fail "$1 failed (rustc $have); the log above says why."
      fi
      cat "$TMPDIR/cargo.log"
    }
    if [ -n "$buildCommand" ]; then run "$buildCommand"; fi
    if [ -n "$testCommand" ]; then
      stage tests
      run "$testCommand"
    fi

    stage artifact
    copy_source
    rm -rf "$out/app/target"
    cd "$out/app"
    # The binaries: the executable files directly in target/release (libraries and build output
    # have a dot in their names or sit in folders; binary names have none).
    mkdir -p bin target/release
    made=0
    for f in "$CARGO_TARGET_DIR"/release/*; do
      name=''${f##*/}
      case "$name" in *.*) continue ;; esac
      if [ -f "$f" ] && [ -x "$f" ]; then
        cp "$f" "bin/$name"
        ln -s "../../bin/$name" "target/release/$name"
        made=$((made + 1))
      fi
    done
    if [ "$made" = 0 ]; then fail "the build made no binary to run: Cargo.toml has no [[bin]] and there is no src/main.rs."; fi
    echo "-----> $made binaries in bin/: $(ls target/release | tr '\n' ' ')"
    echo "-----> app ready"
  '';
}
