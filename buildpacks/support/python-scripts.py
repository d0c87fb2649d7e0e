# The console scripts of pyproject.toml's [project.scripts], as launchers in <app>/.skypanel/bin:
# what pip writes into a venv's bin/ when it installs the project. The build installs only the
# dependencies, not the app itself, so the launcher puts the app (and its src/, for a src layout)
# on sys.path before importing the entry point.
# Usage: python3 python-scripts.py <app dir> <venv dir>; prints the names it wrote.
import os
import re
import sys
import tomllib

# The same rules as detection's (packages/engine/src/detect/python-project.ts): anything else is
# not written, so a name can never leave bin/ nor a target inject code.
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
DOTTED = r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*"
TARGET = re.compile(rf"({DOTTED}):({DOTTED})")

LAUNCHER = """#!{python}
import sys
sys.path[0:0] = {paths!r}
from {module} import {first}
sys.exit({call}())
"""


def main(app: str, venv: str) -> None:
    try:
        with open(os.path.join(app, "pyproject.toml"), "rb") as f:
            scripts = tomllib.load(f).get("project", {}).get("scripts", {})
    except (FileNotFoundError, tomllib.TOMLDecodeError, AttributeError):
        return
    if not isinstance(scripts, dict):
        return
    paths = [p for p in (os.path.join(app, "src"), app) if os.path.isdir(p)]
    bin_dir = os.path.join(app, ".skypanel", "bin")
    for name, target in scripts.items():
        m = TARGET.fullmatch(target.strip()) if isinstance(target, str) else None
        if not NAME.fullmatch(name) or not m:
            continue
        module, attribute = m.groups()
        first = attribute.split(".")[0]
        os.makedirs(bin_dir, exist_ok=True)
        path = os.path.join(bin_dir, name)
        with open(path, "w") as f:
            f.write(LAUNCHER.format(python=os.path.join(venv, "bin", "python3"), paths=paths, module=module, first=first, call=attribute))
        os.chmod(path, 0o755)
        print(name)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
