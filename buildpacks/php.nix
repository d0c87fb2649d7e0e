# PHP: Debian 12's php-cli (8.2) and composer, in one step, offline.
#   - the dependency layer the engine fetched (packages/engine/src/builds/deps/php.ts): vendor/ as
#     `composer install --no-scripts --no-plugins --no-autoloader --no-dev --prefer-dist` left it
#     from the mirror SKYPANEL_COMPOSER_REPOSITORY_URL names, and the composer.lock it used; it
#     replaces any vendor/ the source brought;
#   - none: composer.json requires no package (or there is no composer.json).
# Then `composer dump-autoload --optimize --no-dev` writes vendor/autoload.php (no scripts, no
# plugins, no network). The release runs the plan's web command (PHP's built-in server,
# `php -S 0.0.0.0:$PORT -t public`) from $out/app with the host's /usr/bin/php.
{ toolchain, src, deps, planJson, tools ? "" }:
let
  lib = import ./lib.nix { inherit toolchain; };
in
lib.mkStep {
  name = "app";
  env = {
    src = lib.cleanSource (/. + src);
    packages = lib.storeInput deps;
  };
  script = ''
    stage build
    copy_source
    cd "$out/app"
    export COMPOSER_HOME="$TMPDIR/composer" COMPOSER_CACHE_DIR=/dev/null COMPOSER_DISABLE_NETWORK=1 COMPOSER_NO_INTERACTION=1
    echo "-----> $(php -r 'echo "PHP ", PHP_VERSION;'), $(composer --version --no-ansi 2>/dev/null | head -n 1)"
    if [ -n "$packages" ]; then
      echo "-----> vendor/ from the dependency layer"
      rm -rf vendor
      cp -R "$packages/vendor" vendor
      chmod -R u+w vendor
      [ -f composer.lock ] || cp "$packages/composer.lock" composer.lock
    fi
    if [ -f composer.json ]; then
      echo "-----> composer dump-autoload --optimize --no-dev (offline)"
      if ! composer dump-autoload --optimize --no-dev --no-scripts --no-plugins --no-ansi > "$TMPDIR/composer.log" 2>&1; then
        cat "$TMPDIR/composer.log"
        fail "composer dump-autoload failed; the log above says why."
      fi
      cat "$TMPDIR/composer.log"
    fi
    stage artifact
    echo "-----> app ready"
  '';
}
