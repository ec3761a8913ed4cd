#!/usr/bin/env bash
# Builds rein's libFuzzer targets (clang-14, ASan + UBSan, in build-fuzz, apart from the main
# build) and runs each for SECONDS (default 20) from its seed corpus; fails on any finding.
#   scripts/fuzz.sh                 # every target, 20 s each, as many at once as there are cores
#   scripts/fuzz.sh 15              # what scripts/test.sh (CI) runs
#   scripts/fuzz.sh 3600 workspace  # one target for an hour (docs/fuzzing.md)
# A finding leaves its input in build-fuzz/artifacts/; reproduce with
#   build-fuzz/fuzz/rein_fuzz_NAME build-fuzz/artifacts/NAME-crash-...
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(workspace patch shapes redist reweight csv hepdata hdf5_density)

cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE= -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_C_COMPILER=clang-14 \
      -DREIN_BUILD_FUZZERS=ON -DREIN_BUILD_TESTS=OFF -DREIN_BUILD_TOOLS=OFF -DREIN_BUILD_EXAMPLES=OFF >/dev/null
cmake --build build-fuzz -j "$(nproc)" --target "${targets[@]/#/rein_fuzz_}"

# seed corpora: copies of rein's test and shipped data, in build-fuzz/seeds/NAME; each run's new
# inputs go to build-fuzz/corpus/NAME (kept between runs)
seeds() {
  case "$1" in
    workspace) echo tests/data/pyhf/workspaces/*.json ;;
    patch) echo tests/data/patches/*.json ;;
    shapes) echo tests/data/shapes/*.json ;;
    redist) echo tests/data/redist/simple_model.json ;;
    reweight) echo tests/data/reweight/reweighted_workspace.json ;;
    csv) echo data/belle2-knunu/*.csv ;;
    hepdata) echo tests/data/reweight/hepdata_*.json ;;
    hdf5_density) echo data/belle2-knunu/number_densities.h5 ;;
  esac
}

# HDF5 1.10.8 leaks on damaged files; rein's own leaks are not suppressed (fuzz/lsan.supp)
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export LSAN_OPTIONS=suppressions=$PWD/fuzz/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
mkdir -p build-fuzz/artifacts

# One target for `seconds`; its log in build-fuzz/NAME.log, a finding printed and returned as 1.
fuzz_one() {
  local t=$1
  mkdir -p "build-fuzz/corpus/$t" "build-fuzz/seeds/$t"
  # shellcheck disable=SC2046  # the globs of seeds() expand here
  cp $(seeds "$t") "build-fuzz/seeds/$t/"
  echo "fuzz: $t for ${seconds} s" >&2
  if ! build-fuzz/fuzz/rein_fuzz_"$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
         -artifact_prefix="build-fuzz/artifacts/$t-" -print_final_stats=1 "build-fuzz/corpus/$t" "build-fuzz/seeds/$t" \
         2> "build-fuzz/$t.log"; then
    echo "fuzz: $t FOUND A PROBLEM (build-fuzz/$t.log, input in build-fuzz/artifacts/):" >&2
    grep -E "ERROR|SUMMARY|terminate|what\(\)" "build-fuzz/$t.log" | head -5 >&2 || true
    return 1
  fi
  grep -E "stat::number_of_executed_units" "build-fuzz/$t.log" | sed "s/^/fuzz: $t: /" >&2 || true
}

# as many targets at once as there are cores, each for its full time
status=0
running=()
for t in "${targets[@]}"; do
  fuzz_one "$t" &
  running+=($!)
  if [ ${#running[@]} -ge "$(nproc)" ]; then
    wait "${running[0]}" || status=1
    running=("${running[@]:1}")
  fi
done
for pid in "${running[@]}"; do
  wait "$pid" || status=1
done
exit $status
