# Python helpers (sourced by python.nix and docker-run.sh / docker-build.mjs). Builds use the
# toolchain's python3 (the host's /usr/bin/python3 by default) and its pip, with no network.
export PIP_CONFIG_FILE=/dev/null PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PIP_NO_INPUT=1

# python_check_version <wanted version>: says so when this Python does not satisfy a plain version
# ("3", "3.11", "3.11.x" no newer than this patch), compared as numbers, never as a text prefix
# (3.11.9 is not satisfied by 3.11.2). Detection refused such apps already
# (packages/engine/src/detect/python-version.ts) and alone checks requires-python specifiers.
python_check_version() {
  python3 - "${1:-}" <<'EOF'
import re, sys
wanted, have = sys.argv[1], sys.version_info[:3]
m = re.fullmatch(r"(\d+)(?:\.(\d+))?(?:\.(\d+))?", wanted)
parts = [int(p) for p in m.groups() if p is not None] if m else []
if parts and (list(have[: len(parts[:2])]) != parts[:2] or (len(parts) == 3 and parts[2] > have[2])):
    print(" !     Python %s was asked for; this platform builds with Python %d.%d.%d." % (wanted, *have))
EOF
}

# python_app_venv <dir>: the Python buildpack's venv, which sees only what the app's dependency
# layer installs into it. No pip of its own: the toolchain's pip installs into it (--python).
python_app_venv() {
  echo "-----> Python $(python3 -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])'): a venv in $1"
  python3 -m venv --without-pip "$1"
}

# python_install_layer <venv> <layer>: the layer's pinned packages, offline (python-install.py),
# compiled to bytecode checked by hash (the store's timestamps are all the same, and the venv is
# read-only at run time, so Python must never try to write it).
python_install_layer() {
  python3 "$support/python-install.py" "$1" "$2"
  python3 -m compileall -q --invalidation-mode unchecked-hash "$1/lib" > /dev/null ||
    echo " !     some installed .py files do not compile; Python will say which when they are imported"
}

# For Dockerfiles (docker-run.sh): RUN pip install has no dependency layer, so its venv sees the
# platform's Python packages.
# python_venv <dir> [<wanted version>]: a venv at <dir> that sees the host's Python packages.
python_venv() {
  python_check_version "${2:-}"
  echo "-----> Python $(python3 -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])'): a venv in $1 that sees the platform's Python packages"
  # Without a pip of its own when the host's pip can serve it: the venv stays tiny.
  if python3 -c 'import pip' 2>/dev/null; then
    python3 -m venv --system-site-packages --without-pip "$1"
  else
    python3 -m venv --system-site-packages "$1"
  fi
}

# python_install <venv> <requirements file> [<label>]: its requirements, offline (python-deps.py).
python_install() {
  "$1/bin/python3" "$support/python-deps.py" "$@"
}
