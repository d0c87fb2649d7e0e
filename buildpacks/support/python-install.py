# Installs a Python app's dependency layer into its venv, in the sandbox, with no network.
#
#   python3 python-install.py <venv> <layer>
#
# The layer is what the engine fetched (packages/engine/src/builds/deps/python.ts): wheels/, every
# file pip downloaded, and requirements.txt, each package pinned to the hash of its file there.
# pip installs exactly that list from wheels/ (--no-index, --require-hashes); a source
# distribution among them is built into a wheel here, its build backend installed from wheels/
# too. Run with the toolchain's python3: its pip installs into the venv (--python), which has no
# pip of its own. Prints "@@skypanel error <why>" before failing.
import os
import re
import subprocess
import sys


def fail(message):
    print(f"@@skypanel error {message}", flush=True)
    sys.exit(1)


def explain(output):
    built = re.findall(r"Failed building wheel for (\S+)", output) or re.findall(r"Could not build wheels for (\S+?),? which", output)
    if built:
        fail(
            f"{', '.join(dict.fromkeys(built))} comes only as a source distribution, and it could not be built into a wheel"
            " here (the build has no network, and only the platform's compilers and libraries; see the log)."
            " Depend on a version that has a wheel for this platform's Python."
        )
    missing = re.findall(r"No matching distribution found for (\S+)", output)
    if missing:
        fail(f"the Python package {missing[0]} is not in the dependency layer (a build requirement of a source distribution?); see the log.")
    last = [line for line in output.splitlines() if line.startswith("ERROR:")]
    fail(f"pip could not install the dependency layer: {last[-1][7:] if last else 'see the log'}")


def main():
    venv, layer = sys.argv[1], sys.argv[2]
    requirements = os.path.join(layer, "requirements.txt")
    with open(requirements, encoding="utf-8") as f:
        count = sum(1 for line in f if "==" in line)
    print(f"-----> pip install: {count} packages from the dependency layer, offline", flush=True)
    command = [
        sys.executable, "-m", "pip", "--python", os.path.join(venv, "bin", "python3"),
        "install", "--no-index", "--find-links", os.path.join(layer, "wheels"), "--require-hashes",
        "--no-compile", "--no-warn-script-location", "-r", requirements,
    ]
    run = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in run.stdout.splitlines():
        print(f"       {line}", flush=True)
    if run.returncode != 0:
        explain(run.stdout)


main()
