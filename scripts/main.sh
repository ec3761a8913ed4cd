#!/usr/bin/env bash
# Installs what is missing, builds rein in Release and runs the main job on the embedded Belle II data.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$(nproc)" --target belle2_knunu rein_cli
build/examples/belle2_knunu/belle2_knunu "$@"
