# Shared by up.sh and test.sh: check or install what SkyPanel needs, saying clearly what is missing.

say() { printf '[skypanel] %s\n' "$*"; }
die() { printf '[skypanel] %s\n' "$*" >&2; exit 1; }
is_root() { [ "$(id -u)" = 0 ]; }

apt_updated=""
# apt_install PACKAGE... : installs Debian packages when run as root, else says what to install.
apt_install() {
  is_root || die "missing: $*; install them with: apt-get install $* (as root)"
  command -v apt-get >/dev/null || die "missing: $*; this is not a Debian-like system, install them by hand"
  if [ -z "$apt_updated" ]; then
    say "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    apt_updated=1
  fi
  say "installing from Debian: $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# Like apt_install, but the packages' services are not started (a test starts its own sshd).
apt_install_quiet_services() {
  is_root || die "missing: $*; install them with: apt-get install $* (as root)"
  local guard=/usr/sbin/policy-rc.d had_guard=""
  [ -e "$guard" ] && had_guard=1
  [ -n "$had_guard" ] || printf '#!/bin/sh\nexit 101\n' > "$guard"
  chmod +x "$guard"
  apt_install "$@"
  [ -n "$had_guard" ] || rm -f "$guard"
}

require_node() {
  command -v node >/dev/null || die "Node.js 20.19+ is needed (Debian 12's own nodejs is 18): install it from nodejs.org or NodeSource"
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
    || die "Node.js 20.19+ is needed; this is $(node --version)"
  command -v npm >/dev/null || die "npm is needed (it comes with Node.js)"
}

# npm ci when node_modules is missing or older than the lockfile.
install_node_modules() {
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "npm ci"
    # Browsers come from Debian (chromium), never from Playwright's downloader.
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
  fi
}

# The build toolchain: Nix for sandboxed builds, and the host toolchains the buildpacks use
# (Debian's node is not used: the platform's own Node.js runs the JavaScript builds).

require_build_tools() {
  local missing=()
  command -v nix-build >/dev/null || missing+=(nix-bin)
  command -v git >/dev/null || missing+=(git)
  # Builds see the host's /usr, not /usr/local: a Go in /usr/local/go does not count.
  [ -x /usr/bin/go ] || missing+=(golang-go)
  # Java builds use Debian's JDK 17 by its path (another JDK on the machine does not count) and
  # Debian's Maven when the app commits no wrapper.
  [ -x "/usr/lib/jvm/java-17-openjdk-$(dpkg --print-architecture 2>/dev/null)/bin/javac" ] || missing+=(openjdk-17-jdk-headless)
  [ -x /usr/share/maven/bin/mvn ] || missing+=(maven)
  # Rust builds use Debian's rustc-web and cargo-web (1.96; bookworm's own rustc is 1.63); rustup's
  # toolchain in ~/.cargo is invisible to builds. Older than 1.96 counts as missing.
  /usr/bin/cargo --version 2>/dev/null | awk '{ split($2, v, "."); ok = v[1] > 1 || (v[1] == 1 && v[2] >= 96) } END { exit !ok }' || missing+=(rustc-web cargo-web)
  [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
  /usr/bin/python3 -c 'import flask' 2>/dev/null || missing+=(python3-flask)
  command -v gunicorn >/dev/null || missing+=(gunicorn)
  /usr/bin/python3 -c 'import fastapi' 2>/dev/null || missing+=(python3-fastapi)
  command -v uvicorn >/dev/null || missing+=(uvicorn)
  # pip from Debian keeps each app's venv small (no private pip); gcc lets Go build quickly.
  /usr/bin/python3 -m pip --version >/dev/null 2>&1 || missing+=(python3-pip)
  command -v gcc >/dev/null || missing+=(gcc)
  # Ruby builds: Debian 12's Ruby 3.1 and Bundler 2.3; ruby-dev's headers (and gcc) for native extensions.
  [ -x /usr/bin/ruby ] || missing+=(ruby)
  [ -d /usr/include/ruby-3.1.0 ] || missing+=(ruby-dev)
  [ -x /usr/bin/bundle ] || missing+=(bundler)
  # PHP builds: Debian's PHP 8.2 and Composer (its fetch unzips archives), with the extensions apps
  # commonly require (ext-mbstring…); an app requiring one missing here is refused by name.
  [ -x /usr/bin/php ] || missing+=(php-cli)
  [ -x /usr/bin/composer ] || missing+=(composer unzip)
  local ext
  for ext in mbstring xml curl zip intl bcmath; do
    [ -e "/etc/php/8.2/mods-available/$ext.ini" ] || missing+=("php-$ext")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    if is_root; then apt_install "${missing[@]}"; else say "builds need: ${missing[*]} (apt-get install them as root)"; fi
  fi
  require_nix_build_users
}

# Nix runs each build as one of the nixbld users. Debian's nix-bin does not create them (its
# nix-setup-systemd package would, along with a daemon we do not use), so do what that
# package's postinst does.
require_nix_build_users() {
  getent group nixbld >/dev/null && return 0
  if ! is_root; then
    say "warning: no nixbld group; Nix builds cannot run as unprivileged build users"
    return 0
  fi
  say "creating the nixbld group and build users nixbld1..10"
  groupadd --force --system nixbld
  local n
  for n in $(seq 1 10); do
    id "nixbld$n" >/dev/null 2>&1 || useradd --system --comment "Nix build user $n" \
      --home-dir /var/empty --gid nixbld --groups nixbld --no-user-group \
      --shell /usr/sbin/nologin "nixbld$n"
  done
}

# What running apps need from Debian. Packages whose services the platform starts itself (it
# drives Caddy through its admin API) are installed without starting their services.
require_runtime_tools() {
  command -v caddy >/dev/null || apt_install_quiet_services caddy
  # Instances: systemd-nspawn containers (bubblewrap where nspawn cannot run), each in its own
  # network namespace (iproute2) behind per-instance nftables rules; setpriv (util-linux) drops
  # to the app's uid. Services stay off: no machined, and the runtime loads its own rules.
  local runtime_missing=()
  [ -x /usr/bin/systemd-nspawn ] || runtime_missing+=(systemd-container)
  [ -x /usr/bin/bwrap ] || runtime_missing+=(bubblewrap)
  [ -x /usr/sbin/nft ] || runtime_missing+=(nftables)
  [ -x /usr/sbin/ip ] || runtime_missing+=(iproute2)
  if [ ${#runtime_missing[@]} -gt 0 ]; then
    if is_root; then apt_install_quiet_services "${runtime_missing[@]}"; else say "running apps needs: ${runtime_missing[*]} (apt-get install them as root)"; fi
  fi
  # A Caddy config load replaces its listeners; with this on, the kernel hands connections still
  # queued on a closing listener to its successor instead of resetting them (Linux 5.14+).
  if is_root && [ -w /proc/sys/net/ipv4/tcp_migrate_req ] && [ "$(cat /proc/sys/net/ipv4/tcp_migrate_req)" != 1 ]; then
    say "setting net.ipv4.tcp_migrate_req=1, so Caddy's config reloads drop no queued connection"
    echo 1 > /proc/sys/net/ipv4/tcp_migrate_req
  fi
}

# npm 11 (the version package.json's packageManager names); a fresh machine may bring npm 10.
require_npm11() {
  local major
  major=$(npm --version 2>/dev/null | cut -d. -f1)
  [ "${major:-0}" -ge 11 ] && return 0
  is_root || die "npm 11 is needed (this is $(npm --version)); run: npm install -g npm@11"
  say "npm $(npm --version) is older than 11: installing npm 11 from the npm registry"
  npm install -g --no-audit --no-fund npm@11 >/dev/null
  hash -r
  [ "$(npm --version | cut -d. -f1)" -ge 11 ] || die "npm 11 did not install; run: npm install -g npm@11"
}

# This machine's PostgreSQL server (Debian's), installed and started when absent: the platform
# makes PostgreSQL add-ons on it with a role of its own, and the tests make their databases there.
require_postgres_server() {
  if ! command -v pg_lsclusters >/dev/null || [ -z "$(pg_lsclusters -h 2>/dev/null)" ]; then
    is_root || die "no PostgreSQL server here; install it with: apt-get install postgresql (as root)"
    apt_install postgresql postgresql-client
  fi
  if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    is_root || die "PostgreSQL is not running on 127.0.0.1:5432; start it with: pg_ctlcluster <version> main start (as root)"
    local version
    version=$(pg_lsclusters -h | awk '$2 == "main" { print $1; exit }')
    [ -n "$version" ] || die "PostgreSQL is installed but has no 'main' cluster; make one with: pg_createcluster <version> main"
    say "starting PostgreSQL $version"
    # --skip-systemctl-redirect: there may be no systemd (a container); pg_ctlcluster starts it itself.
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
    local _
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
  pg_isready -q -h 127.0.0.1 -p 5432 || die "PostgreSQL did not start on 127.0.0.1:5432; see /var/log/postgresql/"
}

# This machine's Redis server (Debian's), installed and started when nothing answers on 6379.
require_redis_server() {
  command -v redis-server >/dev/null && command -v redis-cli >/dev/null || apt_install redis-server redis-tools
  redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG && return 0
  is_root || die "Redis is not running on 127.0.0.1:6379; start it with: redis-server --daemonize yes (as root)"
  say "starting Redis"
  # Debian's service where systemd runs; else a server of our own, on loopback only, no disk writes.
  systemctl start redis-server 2>/dev/null || redis-server --bind 127.0.0.1 --port 6379 --daemonize yes --save "" >/dev/null
  local _
  for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG && break; sleep 1; done
  redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG || die "Redis did not start on 127.0.0.1:6379"
}

# Redis Sentinel, for the shared event bus's Sentinel tests (packages/engine/src/events/redis-sentinel.test.ts).
# The tests run sentinels of their own on free loopback ports; the package's service is not started.
require_redis_sentinel() {
  command -v redis-sentinel >/dev/null || apt_install_quiet_services redis-sentinel
}

# The deploy bench's peer proxy (nginx in front of the same app, beside Caddy); its service is not started.
require_nginx() {
  command -v nginx >/dev/null || apt_install_quiet_services nginx-light
}

# The add-on servers the platform uses by default (SKYPANEL_ADDON_LOCAL_SERVERS=auto), unless the
# operator named servers of their own or opted out.
require_addon_servers() {
  [ "${SKYPANEL_ADDON_LOCAL_SERVERS:-auto}" = off ] && return 0
  is_root || { say "not root: add-ons need SKYPANEL_ADDON_POSTGRES_URL / SKYPANEL_ADDON_REDIS_URL"; return 0; }
  [ -n "${SKYPANEL_ADDON_POSTGRES_URL:-}" ] || require_postgres_server
  [ -n "${SKYPANEL_ADDON_REDIS_URL:-}" ] || require_redis_server
}

# Schemathesis (PyPI) fuzzes the REST face against its OpenAPI document (the contract test,
# apps/bff/src/rest/openapi.contract.test.ts). Pinned, in a venv of its own made once and reused;
# the test finds it through SKYPANEL_SCHEMATHESIS_VENV.
SCHEMATHESIS_VERSION=4.32.5
require_schemathesis() {
  local cache=/var/cache/skypanel
  is_root || cache="${XDG_CACHE_HOME:-$HOME/.cache}/skypanel"
  local venv="${SKYPANEL_SCHEMATHESIS_VENV:-$cache/schemathesis-$SCHEMATHESIS_VERSION}"
  # The marker is written last: a venv left half-made by an interrupted install is made again.
  if [ ! -f "$venv/.installed" ]; then
    /usr/bin/python3 -c 'import venv, ensurepip' 2>/dev/null || apt_install python3-venv
    say "installing Schemathesis $SCHEMATHESIS_VERSION (PyPI) into $venv"
    # Only a venv is ever removed, never a folder the variable was pointed at by mistake.
    if [ -e "$venv" ] && [ ! -e "$venv/pyvenv.cfg" ]; then die "$venv exists and is not a Python venv; remove it or set SKYPANEL_SCHEMATHESIS_VENV elsewhere"; fi
    rm -rf "$venv"
    mkdir -p "$(dirname "$venv")"
    /usr/bin/python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION" \
      || die "could not install Schemathesis $SCHEMATHESIS_VERSION from PyPI into $venv"
    touch "$venv/.installed"
  fi
  export SKYPANEL_SCHEMATHESIS_VENV="$venv"
}

# promtool (Debian's prometheus package) checks the /metrics exposition with Prometheus's own
# parser (apps/bff/src/prometheus.test.ts). Only the tool is wanted: the package's daemon is kept
# from starting (policy-rc.d), so nothing listens on :9090 after the install.
require_promtool() {
  command -v promtool >/dev/null && return 0
  apt_install_quiet_services prometheus
  command -v promtool >/dev/null || die "Debian's prometheus package installed no promtool"
}

# SKYPANEL_PROMETHEUS=1: the platform runs its own Prometheus and Alertmanager as child processes
# (packages/engine/src/metrics/embedded-prometheus). Debian's packages bring the binaries; their
# own daemons are kept from starting, so nothing but the platform's children listen afterwards.
require_embedded_prometheus() {
  local missing=()
  command -v prometheus >/dev/null || missing+=(prometheus)
  command -v prometheus-alertmanager >/dev/null || missing+=(prometheus-alertmanager)
  [ ${#missing[@]} -eq 0 ] || apt_install_quiet_services "${missing[@]}"
  command -v prometheus >/dev/null || die "Debian's prometheus package installed no prometheus binary"
  command -v prometheus-alertmanager >/dev/null || die "Debian's prometheus-alertmanager package installed no prometheus-alertmanager binary"
}

# True when the environment turns a flag on the way the platform reads it (1, true or yes).
flag_on() { case "${1:-}" in 1 | true | yes) return 0 ;; *) return 1 ;; esac }

# SkyPanel's own Caddy (packages/engine/caddy: Caddy plus per-app rate limits, in-flight limits and
# the Coraza WAF with the OWASP Core Rule Set), built with the machine's Go from the Go module
# proxy, checked against the committed go.sum, once per machine: the binary is cached under
# /var/cache/skypanel/caddy/<hash of the build's files>/caddy, so every clone of the same source
# reuses it. The hash is the one packages/engine/src/router/custom-caddy.ts computes.
CUSTOM_CADDY_GO=${SKYPANEL_GO:-/usr/local/go/bin/go}
custom_caddy_cache() {
  if is_root; then echo /var/cache/skypanel/caddy; else echo "${XDG_CACHE_HOME:-$HOME/.cache}/skypanel/caddy"; fi
}
# The sha256 of each build file's path and content, files in byte order of their paths.
custom_caddy_hash() {
  local src="$1" f
  (cd "$src" && find . -type f \( -name '*.go' -o -name go.mod -o -name go.sum \) | sed 's|^\./||' | LC_ALL=C sort |
    while IFS= read -r f; do printf '%s\0' "$f"; cat "$f"; printf '\0'; done | sha256sum | cut -c1-16)
}
custom_caddy_path() { echo "$(custom_caddy_cache)/$(custom_caddy_hash "${1:-packages/engine/caddy}")/caddy"; }

# require_custom_caddy [SOURCE_DIR]: prints nothing and returns 0 when the cached binary exists;
# builds it (saying so, and how long it took) when it does not; returns 1 when Go is missing.
require_custom_caddy() {
  local src="${1:-packages/engine/caddy}"
  local bin
  bin=$(custom_caddy_path "$src")
  [ -x "$bin" ] && return 0
  if [ ! -x "$CUSTOM_CADDY_GO" ]; then
    say "no Go toolchain at $CUSTOM_CADDY_GO: cannot build the custom Caddy (set SKYPANEL_GO to a go binary)"
    return 1
  fi
  local dir tmp started
  dir=$(dirname "$bin")
  mkdir -p "$dir"
  tmp=$(mktemp "$dir/caddy.XXXXXX")
  started=$(date +%s)
  say "building the custom Caddy ($("$CUSTOM_CADDY_GO" version | cut -d' ' -f3), modules from the Go module proxy) into $bin; the first build takes a few minutes"
  # -mod=readonly: the committed go.mod and go.sum are used as they are (never rewritten), and every
  # downloaded module is checked against go.sum (and the checksum database, through the proxy).
  # GOTOOLCHAIN=local: this machine's Go or a clear failure, never a toolchain fetched on the side;
  # no VCS stamp, so the binary does not depend on the clone's git state.
  if ! (cd "$src" && GOFLAGS='-mod=readonly -buildvcs=false' GOTOOLCHAIN=local GOPROXY=https://proxy.golang.org CGO_ENABLED=0 \
    "$CUSTOM_CADDY_GO" build -trimpath -ldflags='-s -w' -o "$tmp" .); then
    rm -f "$tmp"
    say "the custom Caddy did not build"
    return 1
  fi
  # Renamed into place last, so a build cut short never leaves a binary that looks finished.
  mv -f "$tmp" "$bin"
  say "custom Caddy built in $(($(date +%s) - started))s: $bin"
}

# The highly available control database test (packages/db/src/ha/failover.test.ts) runs Debian's
# Patroni (3.0) with etcd (3.4) and PostgreSQL 15, as processes of its own with their own config
# in a temporary folder. The packages' daemons are kept from starting (policy-rc.d); on a systemd
# machine etcd-server's postinst still enables etcd.service for the next boot, so that unit (the
# package's own) is disabled again: nothing of theirs listens afterwards.
require_patroni() {
  local missing=()
  [ -x /usr/bin/patroni ] || missing+=(patroni python3-psycopg2 python3-etcd)
  [ -x /usr/bin/etcd ] || missing+=(etcd-server)
  [ -x /usr/bin/etcdctl ] || missing+=(etcd-client)
  [ -x /usr/lib/postgresql/15/bin/postgres ] || missing+=(postgresql-15)
  [ ${#missing[@]} -eq 0 ] && return 0
  apt_install_quiet_services "${missing[@]}"
  if [ -d /run/systemd/system ]; then
    local unit
    for unit in etcd.service patroni.service; do
      systemctl is-enabled --quiet "$unit" 2>/dev/null && systemctl disable --now --quiet "$unit"
    done
  fi
  [ -x /usr/bin/patroni ] || die "Debian's patroni package installed no /usr/bin/patroni"
  [ -x /usr/bin/etcd ] || die "Debian's etcd-server package installed no /usr/bin/etcd"
}

# The full-disk chaos case (apps/bff/src/chaos/full-disk.chaos.test.ts) puts SKYPANEL_HOME on a
# small ext4 image of its own: truncate, mkfs.ext4, losetup, mount and fallocate (root only).
require_loop_fs() {
  local missing=()
  command -v mkfs.ext4 >/dev/null || missing+=(e2fsprogs)
  command -v losetup >/dev/null && command -v fallocate >/dev/null || missing+=(util-linux)
  command -v mount >/dev/null || missing+=(mount)
  [ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
  [ -e /dev/loop-control ] || die "no /dev/loop-control: the full-disk chaos test needs loop devices (modprobe loop, or a container given them)"
}
