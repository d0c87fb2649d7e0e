#!/usr/bin/env bash
# Every test SkyPanel has, on a fresh Debian 12 machine as root: installs what the tests need
# (Debian's chromium, a reachable PostgreSQL), then runs lint, typecheck, the unit, db and API
# tests on embedded PGlite and on real PostgreSQL (a fresh database per test file), and the
# browser tests in Debian's Chromium against the platform started as the README says.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/require.sh
started=$(date +%s)
step() { say "── $* ($(($(date +%s) - started))s)"; }

require_node

step "system packages"
require_npm11
[ -x /usr/bin/chromium ] || apt_install chromium
require_build_tools
require_runtime_tools
# The custom-domain tests run Debian's pebble: a mock DNS server (pebble-challtestsrv) and an ACME CA.
command -v pebble-challtestsrv >/dev/null || apt_install pebble
# The Nix tests copy a closure over ssh:// to a store behind an sshd they start on loopback.
[ -x /usr/sbin/sshd ] || apt_install_quiet_services openssh-server
# The Ruby build tests serve Debian's packaged gems, repackaged, from a mock RubyGems mirror.
dpkg -s ruby-rack ruby-webrick >/dev/null 2>&1 || apt_install ruby-rack ruby-webrick
# The REST contract test runs Schemathesis against the generated OpenAPI document.
require_schemathesis
# The /metrics test checks the exposition with promtool, Prometheus's own parser.
require_promtool
# The embedded Prometheus test runs Debian's prometheus and prometheus-alertmanager.
require_embedded_prometheus
# The control database failover test (apps/bff/src/chaos/patroni-failover.chaos.test.ts) runs Debian's Patroni and etcd.
require_patroni
# The full-disk chaos case mounts a small ext4 image on a loop device as SKYPANEL_HOME.
require_loop_fs
# The traffic protection tests (router/traffic.test.ts) run SkyPanel's own Caddy: built once per
# machine and cached (/var/cache/skypanel/caddy/<hash>/caddy), so only the first run pays.
require_custom_caddy || die "SkyPanel's Caddy (packages/engine/caddy) could not be built: the traffic protection tests need it"

step "PostgreSQL for the db and add-on tests"
# The tests create and drop their own databases, and add-on roles, through this URL.
if [ -z "${SKYPANEL_TEST_PG_URL:-}" ]; then
  require_postgres_server
  if psql "postgres://postgres@127.0.0.1:5432/postgres" -Atqc 'select 1' >/dev/null 2>&1; then
    export SKYPANEL_TEST_PG_URL="postgres://postgres@127.0.0.1:5432/postgres"
  else
    is_root || die "cannot log in to PostgreSQL at 127.0.0.1:5432; set SKYPANEL_TEST_PG_URL to a server where the user may CREATE DATABASE and CREATE ROLE"
    # A role of the tests' own (the superuser is reached by peer authentication only).
    (cd / && runuser -u postgres -- psql -qc "DO \$\$ BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'skypanel_test') THEN
        CREATE ROLE skypanel_test LOGIN CREATEDB CREATEROLE PASSWORD 'skypanel_test';
      ELSE
        ALTER ROLE skypanel_test LOGIN CREATEDB CREATEROLE PASSWORD 'skypanel_test';
      END IF; END \$\$;" >/dev/null)
    export SKYPANEL_TEST_PG_URL="postgres://skypanel_test:skypanel_test@127.0.0.1:5432/postgres"
  fi
fi
psql "$SKYPANEL_TEST_PG_URL" -Atqc 'select 1' >/dev/null || die "cannot connect to $SKYPANEL_TEST_PG_URL"
say "PostgreSQL: ${SKYPANEL_TEST_PG_URL%%@*}@…"

step "Redis for the add-on tests"
if [ -z "${SKYPANEL_TEST_REDIS_URL:-}" ]; then
  require_redis_server
  export SKYPANEL_TEST_REDIS_URL="redis://127.0.0.1:6379"
fi
require_redis_sentinel
redis-cli -u "$SKYPANEL_TEST_REDIS_URL" ping 2>/dev/null | grep -q PONG || die "cannot reach Redis at $SKYPANEL_TEST_REDIS_URL"

step "npm ci"
install_node_modules

step "lint and format (biome)"
npx biome ci .

step "typecheck"
npx turbo run typecheck --output-logs=errors-only

step "unit, db and API tests (vitest; PGlite and PostgreSQL)"
SKYPANEL_TEST_DRIVERS=pglite,postgres npx vitest run

step "browser tests (Playwright in Debian Chromium)"
npx playwright test

step "all tests passed"
