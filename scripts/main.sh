#!/usr/bin/env bash
# Installs what is missing, builds rein in Release and runs the main job on the embedded Belle II
# data: the B+ → K+νν̄ signal strength (examples/belle2_knunu) and the flagship WET
# reinterpretation with its full posterior (examples/belle2_knunu_wet), as one JSON object.
# Arguments go to belle2_knunu_wet (e.g. --draws 2000 --draws-out draws.json).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$(nproc)" --target belle2_knunu belle2_knunu_wet rein_cli >&2
signal_strength=$(build/examples/belle2_knunu/belle2_knunu)
wet=$(build/examples/belle2_knunu_wet/belle2_knunu_wet --threads "$(nproc)" "$@")
printf '{"signal_strength": %s,\n "wet_reinterpretation": %s}\n' "$signal_strength" "$wet"
