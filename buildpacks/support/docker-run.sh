# Sourced before every Dockerfile RUN line (docker-build.mjs). The line runs in the sandbox, with
# no network; the commands below stand in for the image's package managers:
#   npm ci / npm install, yarn [install], pnpm install   the dependency layer the engine fetched
#                                                        before the build, put in place here with
#                                                        its install scripts run offline;
#   pip install -r <file> / pip install <names>          an offline install into the app's venv;
#   go mod download                                      nothing: modules are vendored or absent;
#   apt-get, apk, corepack, …                            a clear error, or nothing to do.
. "$support/node-layer.sh"
. "$support/python.sh"
skypanel_venv="$out/venv"
if [ -d "$skypanel_venv" ]; then export PATH="$skypanel_venv/bin:$PATH" VIRTUAL_ENV="$skypanel_venv"; fi
fail() { echo "@@skypanel error $1"; exit 1; }

# skypanel_node_install <pm> <args…>
skypanel_node_install() {
  pm=$1
  shift
  omit_dev=
  [ "${NODE_ENV:-}" = production ] && omit_dev=1
  prev=
  for arg in "$@"; do
    case "$arg" in
      --omit=dev | --production | --production=true | --only=prod | --only=production | --prod | -P) omit_dev=1 ;;
      --include=dev | --production=false | --dev | -D) omit_dev= ;;
      dev) [ "$prev" = --omit ] && omit_dev=1 ;;
      -*) ;;
      *)
        case "$prev" in
          --omit | --include | --only | --loglevel | --registry | --cache | --prefix | -w | --workspace | --network-timeout | --modules-folder | --cwd) ;;
          *) fail "RUN $pm install $arg: adding packages fetches them from the network, which builds cannot reach. Add $arg to package.json (and the lockfile) instead." ;;
        esac
        ;;
    esac
    prev=$arg
  done
  [ -n "${SKYPANEL_NODE_DEPS:-}" ] || fail "RUN $pm install: no dependency layer was fetched for this build."
  [ "$pm" = "$SKYPANEL_NODE_PM" ] || fail "RUN $pm install: this build fetched its dependencies with $SKYPANEL_NODE_PM."
  [ -f package.json ] || fail "RUN $pm install: there is no package.json in the WORKDIR; COPY package.json there first."
  echo "-----> $pm: the dependencies SkyPanel fetched before the build; install scripts run here, offline"
  rm -rf node_modules
  if [ ! -d "$SKYPANEL_NODE_DEPS/node_modules" ]; then
    echo "       (package.json has no dependencies)"
    return 0
  fi
  cp -R "$SKYPANEL_NODE_DEPS/node_modules" node_modules && chmod -R u+w node_modules || fail "RUN $pm install: the dependency layer could not be put in place."
  node_layer_relocate "$PWD"
  node_layer_rebuild "$pm" || fail "RUN $pm install: a dependency's install script failed (see the log above)."
  if [ -n "$omit_dev" ]; then
    echo "-----> dropping devDependencies"
    node_layer_prune "$pm" "$PWD" || fail "RUN $pm install: devDependencies could not be dropped."
  fi
}

npm() {
  case "${1:-}" in
    ci | install | i | clean-install | add)
      [ "$1" = add ] && fail "RUN npm add: adding packages needs the network; add them to package.json instead."
      shift
      skypanel_node_install npm "$@"
      ;;
    *) command npm "$@" ;;
  esac
}

yarn() {
  case "${1:-}" in
    "" | install | -* )
      [ "${1:-}" = install ] && shift
      skypanel_node_install yarn "$@"
      ;;
    add) fail "RUN yarn add: adding packages needs the network; add them to package.json instead." ;;
    *) command yarn "$@" ;;
  esac
}

pnpm() {
  case "${1:-}" in
    install | i)
      shift
      skypanel_node_install pnpm "$@"
      ;;
    add) fail "RUN pnpm add: adding packages needs the network; add them to package.json instead." ;;
    *) command pnpm "$@" ;;
  esac
}

corepack() { echo "-----> corepack $*: nothing to do, SkyPanel brings its own yarn and pnpm"; }

# System package managers, as commands on PATH (their names are not valid shell function names).
skypanel_shims="$TMPDIR/skypanel-shims"
if [ ! -d "$skypanel_shims" ]; then
  mkdir -p "$skypanel_shims"
  for tool in apt-get apt apk yum dnf microdnf; do
    printf '#!/bin/sh\necho "@@skypanel error RUN %s $*: builds cannot install system packages (no network, no root). Use what the platform'"'"'s toolchains bring, or ask the operator to install it on the build hosts."\nexit 1\n' "$tool" > "$skypanel_shims/$tool"
    chmod +x "$skypanel_shims/$tool"
  done
fi
export PATH="$skypanel_shims:$PATH"

# skypanel_pip_install <pip install arguments…>
skypanel_pip_install() {
  [ -d "$skypanel_venv" ] || python_venv "$skypanel_venv" ""
  export PATH="$skypanel_venv/bin:$PATH" VIRTUAL_ENV="$skypanel_venv"
  names="$TMPDIR/skypanel-pip-names.txt"
  : > "$names"
  files=
  while [ $# -gt 0 ]; do
    case "$1" in
      -r | --requirement) files="$files $2"; shift ;;
      -r* ) files="$files ${1#-r}" ;;
      --requirement=*) files="$files ${1#--requirement=}" ;;
      -c | --constraint | -i | --index-url | --extra-index-url | -f | --find-links | -t | --target | --prefix | --root) shift ;;
      -e | --editable) printf '%s\n' "$2" >> "$names"; shift ;;
      -*) ;;
      *) printf '%s\n' "$1" >> "$names" ;;
    esac
    shift
  done
  for f in $files; do python_install "$skypanel_venv" "$f"; done
  if [ -s "$names" ]; then python_install "$skypanel_venv" "$names" "RUN pip install"; fi
}

pip() {
  if [ "${1:-}" = install ]; then
    shift
    skypanel_pip_install "$@"
  else
    command python3 -m pip "$@"
  fi
}
pip3() { pip "$@"; }

skypanel_python() {
  py=$1
  shift
  if [ "${1:-}" = -m ] && { [ "${2:-}" = pip ] || [ "${2:-}" = pip3 ]; }; then
    shift 2
    pip "$@"
  elif command -v "$py" > /dev/null; then
    command "$py" "$@"
  else
    command python3 "$@"
  fi
}
python() { skypanel_python python "$@"; }
python3() { skypanel_python python3 "$@"; }

go() {
  if [ "${1:-}" = mod ] && [ "${2:-}" = download ]; then
    echo "-----> go mod download: nothing to download (modules are vendored or not needed; no module proxy is reachable)"
  else
    command go "$@"
  fi
}
