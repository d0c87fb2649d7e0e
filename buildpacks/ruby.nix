# Ruby: Bundler on the host's ruby (Debian 12's 3.1), in one step, offline. The gems are the
# dependency layer the engine fetched from the RubyGems mirror (SKYPANEL_RUBYGEMS_URL) with
# `bundle cache --no-install` as the unprivileged user (packages/engine/src/builds/deps/ruby.ts):
# a directory of .gem files, installed here with `bundle install --local` into vendor/bundle
# (BUNDLE_DEPLOYMENT: Gemfile.lock as committed; development and test groups left out). Native
# extensions compile here, with Debian's ruby-dev headers and gcc. A Gemfile without gems needs no
# layer. The release runs `bundle exec …` from $out/app with .skypanel/env naming the Gemfile and
# the bundle (BUNDLE_GEMFILE, BUNDLE_PATH) and the gems' executables first on PATH.
{ toolchain, src, deps, planJson, tools ? "" }:
let
  lib = import ./lib.nix { inherit toolchain; };
  plan = builtins.fromJSON planJson;
in
lib.mkStep {
  name = "app";
  env = {
    src = lib.cleanSource (/. + src);
    gems = lib.storeInput deps;
    buildCommand = if plan.build == null then "" else plan.build;
    testCommand = if plan.test == null then "" else plan.test;
  };
  script = ''
    stage dependencies
    copy_source
    cd "$out/app"
    # The app's own .bundle/config and vendor/cache never decide how this build installs.
    export BUNDLE_APP_CONFIG="$out/app/.skypanel/bundle" BUNDLE_GEMFILE="$out/app/Gemfile"
    export BUNDLE_PATH="$out/app/vendor/bundle" BUNDLE_WITHOUT=development:test
    export BUNDLE_CACHE_PATH="$TMPDIR/gems" BUNDLE_DISABLE_VERSION_CHECK=true BUNDLE_IGNORE_MESSAGES=true
    mkdir -p "$BUNDLE_CACHE_PATH"
    if [ -n "$gems" ]; then cp "$gems"/*.gem "$BUNDLE_CACHE_PATH"/; fi
    deployment=""
    if [ -f Gemfile.lock ]; then export BUNDLE_DEPLOYMENT=true; deployment=BUNDLE_DEPLOYMENT=true; fi
    echo "-----> $(ruby --version | cut -d' ' -f1-2), $(bundle --version): bundle install --local"
    if ! bundle install --local --jobs 2 > "$TMPDIR/bundle.log" 2>&1; then
      cat "$TMPDIR/bundle.log"
      if grep -q 'Gem::Ext::BuildError' "$TMPDIR/bundle.log"; then
        fail "a gem's native extension did not compile (Debian 12's ruby-dev and gcc); the log above says which and why."
      fi
      if grep -q 'Could not find' "$TMPDIR/bundle.log"; then
        fail "Gemfile.lock needs gems the dependency layer does not have; run 'bundle lock' and commit Gemfile.lock."
      fi
      fail "bundle install --local failed; the log above says why."
    fi
    grep -v '^Using \|^Fetching \|^$' "$TMPDIR/bundle.log" || true
    # The .gem archives are in the dependency layer already.
    rm -rf "$BUNDLE_PATH"/ruby/*/cache
    gembin=$(echo "$BUNDLE_PATH"/ruby/*/bin)
    export PATH="$gembin:$PATH"
    runtime_env "BUNDLE_APP_CONFIG=$BUNDLE_APP_CONFIG" "BUNDLE_GEMFILE=$BUNDLE_GEMFILE" "BUNDLE_PATH=$BUNDLE_PATH" \
      "BUNDLE_WITHOUT=$BUNDLE_WITHOUT" $deployment "PATH=$gembin:\$PATH" "RACK_ENV=production"
    run() {
      echo "-----> $1"
      sh -c "$1" || fail "$1 failed; the log above says why."
    }
    stage build
    if [ -n "$buildCommand" ]; then run "$buildCommand"; fi
    if [ -n "$testCommand" ]; then
      stage tests
      run "$testCommand"
    fi
    stage artifact
    echo "-----> app ready"
  '';
}
