# Installs the requirements of a Dockerfile's RUN pip install into its venv, offline, and explains
# failures (docker-run.sh). The Python buildpack installs a fetched dependency layer instead
# (python-install.py); a Dockerfile build has no Python layer yet.
#
#   python-deps.py <venv> <requirements file> [<label>]
#
# label: how errors name the file. Requirements must already be met by the host's Python
# packages (the venv sees them through --system-site-packages) or by wheels committed with the
# app (pip's --find-links in the requirements file). Run with the venv's python. Prints
# "@@skypanel error <why>" before failing.
import importlib.metadata
import os
import re
import subprocess
import sys

OFFLINE = "a Dockerfile's RUN pip install has no network here, so every requirement must be met by a Python package installed on this platform (Debian python3-* packages) or by a wheel committed with the app and named with --find-links"


def fail(message):
    print(f"@@skypanel error {message}", flush=True)
    sys.exit(1)


def direct_names(requirements_file, seen=None):
    """The distribution names a requirements file asks for, following -r includes."""
    seen = seen if seen is not None else set()
    if requirements_file in seen:
        return []
    seen.add(requirements_file)
    names = []
    with open(requirements_file, encoding="utf-8") as f:
        text = re.sub(r"\\\r?\n", " ", f.read())
    for raw in text.splitlines():
        line = re.sub(r"(^|\s)#.*$", "", raw).strip()
        include = re.fullmatch(r"(?:-r|--requirement)(?:\s+|=)(\S+)", line)
        if include:
            names += direct_names(os.path.join(os.path.dirname(requirements_file), include.group(1)), seen)
            continue
        m = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)", line)
        if m and not line.startswith("-"):
            names.append(m.group(1))
    return names


def write_launchers(venv, names):
    """Console scripts of packages the app names that live outside the venv (the host's
    gunicorn, uvicorn, …), as launchers that run them with the venv's Python."""
    bindir = os.path.join(venv, "bin")
    python = os.path.join(bindir, "python3")
    for name in names:
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        for ep in dist.entry_points:
            target = os.path.join(bindir, ep.name)
            if ep.group != "console_scripts" or os.path.exists(target) or "/" in ep.name:
                continue
            with open(target, "w", encoding="utf-8") as f:
                f.write(
                    f"#!{python}\n"
                    "import sys\nfrom importlib import import_module\n"
                    f"target = import_module({ep.module!r})\n"
                    f"for part in {ep.attr!r}.split('.'):\n    target = getattr(target, part)\n"
                    "sys.argv[0] = sys.argv[0].rsplit('/', 1)[-1]\n"
                    "sys.exit(target())\n"
                )
            os.chmod(target, 0o755)


def normalize(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def installed_version(requirement):
    name = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
    try:
        return importlib.metadata.version(name.group(0)) if name else None
    except importlib.metadata.PackageNotFoundError:
        return None


def missing_requirements(output):
    return re.findall(r"No matching distribution found for (\S+)", output)


def explain(output, label):
    missing = missing_requirements(output)
    if missing:
        details = []
        for requirement in missing:
            have = installed_version(requirement)
            details.append(f'"{requirement}"' + (f" (this platform has {have})" if have else " (not installed on this platform)"))
        fail(f"{label}: the Python requirement {', '.join(details)} cannot be installed: {OFFLINE}.")
    last = [line for line in output.splitlines() if line.startswith("ERROR:")]
    fail(f"pip could not install {label}'s requirements offline: {last[-1][7:] if last else 'see the log'}")


def pip_install(requirements, *extra):
    command = [sys.executable, "-m", "pip", "install", "--no-index", "--no-build-isolation", *extra, "-r", requirements]
    run = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in run.stdout.splitlines():
        print(f"       {line}", flush=True)
    return run


def main():
    venv, requirements = sys.argv[1], sys.argv[2]
    label = sys.argv[3] if len(sys.argv) > 3 else requirements
    print(f"-----> pip install --no-index: {label}", flush=True)
    direct = direct_names(requirements)
    run = pip_install(requirements)
    if run.returncode != 0:
        # The platform's packages come with their dependencies from the OS, whose versions do
        # not always match what the metadata asks for (Debian's fastapi and starlette): when
        # only such an installed, indirect requirement is off, install what the app names as is.
        missing = missing_requirements(run.stdout)
        named = {normalize(n) for n in direct}
        indirect = [m for m in missing if normalize(re.match(r"[A-Za-z0-9._-]*", m).group(0)) not in named]
        if missing and len(indirect) == len(missing) and all(installed_version(m) for m in missing):
            have = ", ".join(f"{m} (the platform has {installed_version(m)})" for m in missing)
            print(f" !     indirect requirements the platform's own packages do not match: {have}; installing without checking them", flush=True)
            run = pip_install(requirements, "--no-deps")
    if run.returncode != 0:
        explain(run.stdout, label)
    write_launchers(venv, direct)


main()
