# The build requirements of the source distributions in a wheelhouse, one per line.
#
#   python3 - <wheelhouse> < python-build-requires.py
#
# Run by the engine while it fetches a Python dependency layer (packages/engine/src/builds/deps/
# python.ts), as the unprivileged user: the sandboxed build turns each sdist into a wheel with
# no network, so whatever its build backend needs (pyproject.toml's [build-system] requires, or
# setuptools for a setup.py alone) is fetched with it. Only reads the archives; runs none of
# their code. wheel is added for setuptools backends older than 70.1, which ask for it.
import os
import sys
import tarfile
import tomllib
import zipfile

DEFAULT = ["setuptools>=40.8.0"]


def pyproject(path):
    """The text of the sdist's top-level pyproject.toml, or None."""
    if path.endswith(".zip"):
        with zipfile.ZipFile(path) as z:
            names = [n for n in z.namelist() if n.count("/") == 1 and n.endswith("/pyproject.toml")]
            return z.read(names[0]).decode("utf-8") if names else None
    with tarfile.open(path) as t:
        for member in t:
            if member.isfile() and member.name.count("/") == 1 and member.name.endswith("/pyproject.toml"):
                return t.extractfile(member).read().decode("utf-8")
    return None


def requires(path):
    try:
        text = pyproject(path)
        table = tomllib.loads(text).get("build-system", {}) if text else {}
    except (OSError, tarfile.TarError, zipfile.BadZipFile, tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        print(f"{os.path.basename(path)}: cannot read its pyproject.toml ({err}); assuming setuptools", file=sys.stderr)
        table = {}
    listed = table.get("requires")
    return [r for r in listed if isinstance(r, str)] if isinstance(listed, list) else DEFAULT


def main():
    wheelhouse = sys.argv[1]
    wanted = []
    for name in sorted(os.listdir(wheelhouse)):
        if name.endswith(".whl"):
            continue
        for requirement in requires(os.path.join(wheelhouse, name)) + ["wheel"]:
            if requirement.strip() and "\n" not in requirement and requirement not in wanted:
                wanted.append(requirement.strip())
    print("\n".join(wanted))


main()
