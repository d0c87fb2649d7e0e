# Python helpers (sourced by python.nix and docker-build.mjs). Builds use the toolchain's
# python3 (the host's /usr/bin/python3 by default) and cannot reach PyPI.
export PIP_CONFIG_FILE=/dev/null PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PIP_NO_INPUT=1

# python_venv <dir> [<wanted version>]: a venv at <dir> that sees the host's Python packages.
python_venv() {
  have=$(python3 -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')
  case "${2:-}" in
    "" | "$have" | "${have%.*}" | "${have%.*}".*) ;;
    *) echo " !     Python $2 was asked for; this platform builds with Python $have." ;;
  esac
  echo "-----> Python $have: a venv in $1 that sees the platform's Python packages"
  # Without a pip of its own when the host's pip can serve it: the venv stays tiny.
  if python3 -c 'import pip' 2>/dev/null; then
    python3 -m venv --system-site-packages --without-pip "$1"
  else
    python3 -m venv --system-site-packages "$1"
  fi
}

# python_install <venv> <manifest> [<label>]: the manifest's requirements, offline (python-deps.py).
python_install() {
  "$1/bin/python3" "$support/python-deps.py" "$@"
}
