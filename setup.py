"""Builds the Python package rein (python/rein + the extension rein._rein) with CMake.

    python3 -m venv --system-site-packages .venv && .venv/bin/pip install --no-build-isolation .

works offline with Debian 12's python3, numpy, setuptools, wheel and pybind11-dev (docs/python.md).
The extension is CMake's target rein_python (python/CMakeLists.txt, option REIN_BUILD_PYTHON).
"""

import os
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = os.path.dirname(os.path.abspath(__file__))


def version():
    numbers = {}
    with open(os.path.join(ROOT, "include", "rein", "version.hpp")) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3 and parts[0] == "#define" and parts[1].startswith("REIN_VERSION_"):
                numbers[parts[1]] = parts[2]
    return "{REIN_VERSION_MAJOR}.{REIN_VERSION_MINOR}.{REIN_VERSION_PATCH}".format(**numbers)


class CMakeExtension(Extension):
    def __init__(self, name):
        super().__init__(name, sources=[])


class CMakeBuild(build_ext):
    """Configures rein with REIN_BUILD_PYTHON=ON (nothing else) and builds the extension into the
    folder setuptools packs."""

    def build_extension(self, ext):
        package_dir = os.path.dirname(os.path.abspath(self.get_ext_fullpath(ext.name)))
        build = os.environ.get("REIN_PYTHON_BUILD_DIR", os.path.join(ROOT, "build-python"))
        configure = ["cmake", "-S", ROOT, "-B", build, "-DCMAKE_BUILD_TYPE=Release", "-DREIN_BUILD_PYTHON=ON",
                     "-DREIN_BUILD_TESTS=OFF", "-DREIN_BUILD_TOOLS=OFF", "-DREIN_BUILD_EXAMPLES=OFF",
                     f"-DPython3_EXECUTABLE={sys.executable}", f"-DREIN_PYTHON_PACKAGE_DIR={package_dir}"]
        if shutil.which("ninja"):
            configure += ["-G", "Ninja"]
        if shutil.which("ccache"):
            configure += ["-DCMAKE_CXX_COMPILER_LAUNCHER=ccache"]
        subprocess.check_call(configure)
        jobs = os.environ.get("REIN_BUILD_JOBS", str(min(2, os.cpu_count() or 1)))
        subprocess.check_call(["cmake", "--build", build, "--target", "rein_python", "-j", jobs])


setup(
    name="rein",
    version=version(),
    description="Statistical inference and reinterpretation of particle-physics results",
    license="see LICENSE",
    packages=["rein"],
    package_dir={"": "python"},
    ext_modules=[CMakeExtension("rein._rein")],
    cmdclass={"build_ext": CMakeBuild},
    python_requires=">=3.9",
    install_requires=["numpy"],
    zip_safe=False,
)
