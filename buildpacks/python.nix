# Python: requirements.txt, Pipfile (and Pipfile.lock), Poetry (poetry.lock), PEP 621 with uv.lock
# or pdm.lock. Two steps, each cached by Nix on its own inputs:
#   python-venv  a venv on the toolchain's python3 (the host's) that sees only the dependency layer
#                the engine fetched from the package index (packages/engine/src/builds/deps/
#                python.ts): its pinned packages installed from its wheelhouse with pip
#                --no-index --require-hashes, source distributions built into wheels here, offline
#                (support/python-install.py);
#   app          the source, with the plan's build command (Django: collectstatic) and tests run
#                with the venv first on PATH, and launchers for pyproject.toml's [project.scripts]
#                in .skypanel/bin (support/python-scripts.py): the app itself is not installed.
# A source-only change rebuilds only `app`. The release links the venv as $out/venv; the web
# command finds it through .skypanel/env (PATH=$out/venv/bin:$PATH), so `gunicorn …`,
# `uvicorn …` and `python …` run on the venv's Python.
{ toolchain, src, deps, planJson, tools ? "" }:
let
  lib = import ./lib.nix { inherit toolchain; };
  plan = builtins.fromJSON planJson;
  # Only the Python helpers: a change to another stack's support file keeps every venv cached.
  support = builtins.path {
    path = ./support;
    name = "python-support";
    filter = p: type: builtins.substring 0 6 (baseNameOf p) == "python";
  };

  venv = lib.mkStep {
    name = "python-venv";
    env = {
      layer = lib.storeInput deps;
      inherit support;
      PYTHONUNBUFFERED = "1";
    };
    script = ''
      . "$support/python.sh"
      stage dependencies
      python_app_venv "$out"
      if [ -n "$layer" ]; then
        python_install_layer "$out" "$layer"
      else
        echo "-----> no Python dependencies to install"
      fi
    '';
  };
in
lib.mkStep {
  name = "app";
  env = {
    src = lib.cleanSource (/. + src);
    inherit venv support;
    wantedPython = plan.versions.python or "";
    buildCommand = if plan.build == null then "" else plan.build;
    testCommand = if plan.test == null then "" else plan.test;
    PYTHONUNBUFFERED = "1";
  };
  script = ''
    . "$support/python.sh"
    stage build
    python_check_version "$wantedPython"
    copy_source
    ln -s "$venv" "$out/venv"
    cd "$out/app"
    export PATH="$venv/bin:$PATH" VIRTUAL_ENV="$venv"
    if [ -n "$buildCommand" ]; then
      echo "-----> $buildCommand"
      sh -c "$buildCommand"
    fi
    if [ -n "$testCommand" ]; then
      stage tests
      echo "-----> $testCommand"
      sh -c "$testCommand"
    fi
    stage artifact
    # Bytecode now, checked by hash (the store's timestamps are all the same): the app directory
    # is read-only at run time, so Python must never try to write it.
    python3 -m compileall -q --invalidation-mode unchecked-hash -x '/(node_modules|\.skypanel)/' . > /dev/null ||
      echo " !     some .py files do not compile; Python will say which when they are imported"
    scripts=$(python3 "$support/python-scripts.py" "$out/app" "$venv")
    if [ -n "$scripts" ]; then
      echo "-----> console scripts of [project.scripts]: $(echo $scripts)"
      runtime_env "PATH=$out/app/.skypanel/bin:$out/venv/bin:\$PATH"
    else
      runtime_env "PATH=$out/venv/bin:\$PATH"
    fi
    runtime_env "VIRTUAL_ENV=$out/venv" "PYTHONUNBUFFERED=1" "PYTHONDONTWRITEBYTECODE=1"
    echo "-----> app ready"
  '';
}
