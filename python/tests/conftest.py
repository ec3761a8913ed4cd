"""Shared paths and helpers of the Python package's tests (ctest `python`: python/CMakeLists.txt
sets REIN_CLI, REIN_DATA_DIR and REIN_TEST_DATA; without them the repository's folders and
build/tools/rein are used)."""

import json
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)  # wet_rate

DATA = os.environ.get("REIN_DATA_DIR", os.path.join(ROOT, "data"))
TEST_DATA = os.environ.get("REIN_TEST_DATA", os.path.join(ROOT, "tests", "data"))
CLI = os.environ.get("REIN_CLI", os.path.join(ROOT, "build", "tools", "rein"))

BELLE2 = os.path.join(DATA, "belle2-knunu", "combined_likelihood.json")
WET = os.path.join(DATA, "belle2-knunu", "reinterpretation_likelihood_wet.json")
SIMPLE = os.path.join(TEST_DATA, "pyhf", "workspaces")


def reference(*keys):
    """A value of tests/data/belle2-knunu/reference.json (pyhf, iminuit, redist; its README)."""
    with open(os.path.join(TEST_DATA, "belle2-knunu", "reference.json")) as f:
        value = json.load(f)
    for k in keys:
        value = value[k]
    return value


def run_cli(*args):
    """The JSON `rein ARGS` prints, the reference for "same keys, same numbers as the CLI"."""
    out = subprocess.run([CLI, *map(str, args)], capture_output=True, text=True, timeout=600)
    assert out.returncode in (0, 3), out.stderr
    return json.loads(out.stdout)


def without_seconds(value):
    """The result without wall times (the only values that differ between runs)."""
    if isinstance(value, dict):
        return {k: without_seconds(v) for k, v in value.items() if k != "seconds"}
    if isinstance(value, list):
        return [without_seconds(v) for v in value]
    return value


@pytest.fixture(scope="session")
def belle2():
    import rein
    return rein.load(BELLE2)
