#!/usr/bin/env bash
# Builds and runs the whole test suite, each part once, in the build that checks it best:
#   build        Release (g++): the CLI and the examples, with the tests that run them, and the Python
#                package as the README installs it (pip, in build/tests/python_install) with its tests
#   build-asan   the unit tests under AddressSanitizer + UBSan
#   build-clang  every public header compiled on its own, by clang (half of g++'s time)
#   build-fuzz   the readers' fuzz targets (scripts/fuzz.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps
jobs=$(nproc)
start=$SECONDS
phase() { echo "== rein test.sh: $1 ($((SECONDS - start)) s since start)"; }

phase "Release: CLI, examples, the Python package installed by pip"
# the Python module is built once, by the README's pip line (ctest python_install), not in build/ too
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DREIN_BUILD_PYTHON=OFF -DREIN_TEST_PYTHON_INSTALL=ON \
      -DREIN_UNIT_TESTS=OFF -DREIN_HEADER_CHECK=OFF
cmake --build build -j "$jobs"
(cd build && ctest --output-on-failure -j "$jobs")

phase "ASan + UBSan: unit tests"
# -O1 without debug info: the sanitizers need no more, and it compiles in half the time of -O2 -g;
# one unity file per test module (the library instantiated once per module, not once per batch).
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE= -DCMAKE_CXX_FLAGS=-O1 -DREIN_SANITIZE=ON \
      -DREIN_BUILD_EXAMPLES=OFF -DREIN_BUILD_TOOLS=OFF -DREIN_UNITY_BATCH_SIZE=0
cmake --build build-asan -j "$jobs"
# LeakSanitizer reports rein's leaks, not those HDF5 1.10.8 keeps on damaged files (fuzz/lsan.supp)
(cd build-asan && LSAN_OPTIONS="suppressions=$PWD/../fuzz/lsan.supp:print_suppressions=0" ctest --output-on-failure -j "$jobs")

phase "clang: every header on its own"
cmake -S . -B build-clang -G Ninja -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE= \
      -DREIN_UNIT_TESTS=OFF -DREIN_BUILD_EXAMPLES=OFF -DREIN_BUILD_TOOLS=OFF
cmake --build build-clang -j "$jobs" --target rein_header_check

phase "fuzzing"
# the readers' fuzz targets (clang, build-fuzz): 15 s each, any finding fails (docs/fuzzing.md)
scripts/fuzz.sh 15
phase "all passed"
