#!/usr/bin/env bash
# Brings SkyPanel up on its embedded defaults (PGlite in $SKYPANEL_HOME, default ./.skypanel):
# installs what it needs (Nix, Caddy, nspawn, and PostgreSQL and Redis for add-ons, from Debian;
# npm 11), starts the add-on servers, then runs `npm start` in the foreground. Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/require.sh

require_node
require_npm11
require_build_tools
require_runtime_tools
require_addon_servers
# SKYPANEL_CADDY=custom: build SkyPanel's own Caddy (rate limits, WAF) if this machine has none
# yet; auto (the default) uses it only when already built, so a first start does not wait minutes.
if [ "${SKYPANEL_CADDY:-auto}" = custom ]; then require_custom_caddy || die "SKYPANEL_CADDY=custom, but SkyPanel's Caddy could not be built (see above)"; fi
# SKYPANEL_PROMETHEUS=1: the platform runs its own Prometheus and Alertmanager (Debian's binaries).
if flag_on "${SKYPANEL_PROMETHEUS:-}"; then require_embedded_prometheus; fi
install_node_modules
exec npm start
