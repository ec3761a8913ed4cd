#!/usr/bin/env bash
# Builds and runs the whole test suite: a Release build, then the same tests under ASan+UBSan.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps
jobs=$(nproc)
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build -j "$jobs"
(cd build && ctest --output-on-failure -j "$jobs")
# -O1 without debug info: the sanitizers need no more, and it compiles in half the time of -O2 -g.
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE= -DCMAKE_CXX_FLAGS=-O1 -DREIN_SANITIZE=ON \
      -DREIN_BUILD_EXAMPLES=OFF -DREIN_BUILD_TOOLS=OFF
cmake --build build-asan -j "$jobs"
(cd build-asan && ctest --output-on-failure -j "$jobs")
