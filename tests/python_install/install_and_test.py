"""The Python package as users get it (ctest `python_install`, which scripts/test.sh runs): runs
the README's install line in a copy of the sources, then the Python tests (python/tests) against
the installed package.

    install_and_test.py SOURCE_DIR WORK_DIR

The install line is read from README.md, so the README cannot drift from what is tested. It runs
with this interpreter as its `python3` (Debian's on a fresh Debian machine). The copy leaves out
build folders and .git: pip then builds as it would on a fresh clone, and the source tree is left
untouched for the tests that run beside this one. REIN_CLI, REIN_DATA_DIR and REIN_TEST_DATA pass
through to the tests (python/tests/conftest.py)."""

import os
import shutil
import subprocess
import sys

INSTALL_MARK = "pip install --no-build-isolation"


def readme_install_line(source):
    """The shell command of the README's quick start that installs the package."""
    with open(os.path.join(source, "README.md")) as f:
        lines = [line.split("#")[0].strip() for line in f if INSTALL_MARK in line and line.lstrip().startswith("python3")]
    if len(lines) != 1:
        sys.exit(f"install_and_test: README.md has {len(lines)} lines 'python3 ... {INSTALL_MARK}', expected 1")
    return lines[0]


def copy_sources(source, copy):
    def ignored(folder, names):
        top = ({".git", ".venv"} | {n for n in names if n.startswith("build")}) if folder == source else set()
        return top | {n for n in names if n == "__pycache__" or n.endswith(".egg-info")}
    shutil.copytree(source, copy, ignore=ignored)


def main():
    source, work = (os.path.abspath(a) for a in sys.argv[1:3])
    shutil.rmtree(work, ignore_errors=True)
    copy, bin_dir = os.path.join(work, "src"), os.path.join(work, "bin")
    copy_sources(source, copy)
    os.makedirs(bin_dir)
    os.symlink(sys.executable, os.path.join(bin_dir, "python3"))  # the README's `python3`

    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"  # offline CI: no question to PyPI about pip itself
    line = readme_install_line(source)
    print(f"install_and_test: in {copy}: {line}", flush=True)
    subprocess.run(["bash", "-c", f"set -e; {line}"], cwd=copy, env=env, check=True)

    venv_python = os.path.join(copy, ".venv", "bin", "python")
    # the package imported is the installed one (site-packages of the venv), not a source folder
    where = subprocess.run([venv_python, "-c", "import rein; print(rein.__file__)"], cwd=work, env=env,
                           capture_output=True, text=True, check=True).stdout.strip()
    site = os.path.join(copy, ".venv", "lib")
    if not where.startswith(site):
        sys.exit(f"install_and_test: 'import rein' found {where}, not the package installed under {site}")
    print(f"install_and_test: rein installed at {where}; running python/tests", flush=True)
    tests = os.path.join(source, "python", "tests")
    sys.exit(subprocess.run([venv_python, "-m", "pytest", "-q", "-p", "no:cacheprovider", tests], cwd=work, env=env).returncode)


if __name__ == "__main__":
    main()
