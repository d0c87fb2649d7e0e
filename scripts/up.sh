#!/usr/bin/env bash
# Brings SkyPanel up on its embedded defaults (PGlite in $SKYPANEL_HOME, default ./.skypanel):
# installs what it needs, then runs `npm start` in the foreground. Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/require.sh

require_node
require_build_tools
require_runtime_tools
install_node_modules
exec npm start
