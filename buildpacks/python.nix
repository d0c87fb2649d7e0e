# Python: requirements.txt, Pipfile or pyproject.toml (Poetry or PEP 621), in one step.
#   - a venv at $out/venv on the toolchain's python3 (the host's), with --system-site-packages;
#   - the manifest's requirements installed with pip --no-index: builds cannot reach PyPI, so
#     they must be met by the platform's Python packages (Debian python3-*) or by wheels
#     committed with the app; otherwise the build fails naming the requirement
#     (support/python-deps.py);
#   - the plan's build command (Django: collectstatic) and tests, with the venv first on PATH.
# The web command finds the venv through .skypanel/env: PATH=$out/venv/bin:$PATH, so
# `gunicorn …`, `uvicorn …` and `python …` run on the venv's Python (launchers in venv/bin stand
# in for the host's console scripts of the packages the app names).
{ toolchain, src, deps, planJson, tools ? "" }:
let
  lib = import ./lib.nix { inherit toolchain; };
  plan = builtins.fromJSON planJson;
in
lib.mkStep {
  name = "app";
  env = {
    src = lib.cleanSource (/. + src);
    support = lib.support;
    # requirements.txt, Pipfile or pyproject.toml: detection puts the manifest first.
    manifest = builtins.head plan.lockfiles;
    wantedPython = plan.versions.python or "";
    buildCommand = if plan.build == null then "" else plan.build;
    testCommand = if plan.test == null then "" else plan.test;
    PYTHONUNBUFFERED = "1";
  };
  script = ''
    . "$support/python.sh"
    stage dependencies
    mkdir -p "$out/app"
    cp -R "$src"/. "$out/app"/
    chmod -R u+w "$out/app"
    cd "$out/app"
    python_venv "$out/venv" "$wantedPython"
    python_install "$out/venv" "$manifest"
    export PATH="$out/venv/bin:$PATH" VIRTUAL_ENV="$out/venv"
    stage build
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
    runtime_env "PATH=$out/venv/bin:\$PATH" "VIRTUAL_ENV=$out/venv" "PYTHONUNBUFFERED=1" "PYTHONDONTWRITEBYTECODE=1"
    echo "-----> app ready"
  '';
}
