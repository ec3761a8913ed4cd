#!/usr/bin/env bash
# Builds and runs the whole test suite: a Release build, then the same tests under ASan+UBSan.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps
jobs=$(nproc)
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DREIN_BUILD_PYTHON=ON  # ctest python: python/tests
cmake --build build -j "$jobs"
(cd build && ctest --output-on-failure -j "$jobs")
# -O1 without debug info: the sanitizers need no more, and it compiles in half the time of -O2 -g.
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE= -DCMAKE_CXX_FLAGS=-O1 -DREIN_SANITIZE=ON \
      -DREIN_BUILD_EXAMPLES=OFF -DREIN_BUILD_TOOLS=OFF
cmake --build build-asan -j "$jobs"
# LeakSanitizer reports rein's leaks, not those HDF5 1.10.8 keeps on damaged files (fuzz/lsan.supp)
(cd build-asan && LSAN_OPTIONS="suppressions=$PWD/../fuzz/lsan.supp:print_suppressions=0" ctest --output-on-failure -j "$jobs")
# the readers' fuzz targets (clang, build-fuzz): 15 s each, any finding fails (docs/fuzzing.md)
scripts/fuzz.sh 15
