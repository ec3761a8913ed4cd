#!/bin/sh
# Wall time of `rein grid` over the whole ATLAS sbottom RegionA grid (217 signal points, observed +
# 5 expected CLs limits and CLs at mu = 1 each), the target of issue 14 being < 30 s on 2 cores.
#   benchmarks/scripts/time_sbottom_grid.sh BUILD_DIR [THREADS]
# Prints rein's own "seconds" and "threads", the point count and the statuses; the grid JSON is
# left in $TMPDIR/rein-sbottom-grid/RegionA.json (plot: scripts/rein-plot contour ... --x 0 --y 1).
set -eu
build=${1:?usage: time_sbottom_grid.sh BUILD_DIR [THREADS]}
threads=${2:-2}
here=$(cd "$(dirname "$0")/../.." && pwd)
work=${TMPDIR:-/tmp}/rein-sbottom-grid
mkdir -p "$work"
[ -f "$work/RegionA/BkgOnly.json" ] || tar -xzf "$here/tests/data/atlas-sbottom/pyhf-ins1748602-probability-models.tar.gz" -C "$work"
status=0
"$build/tools/rein" grid "$work/RegionA/BkgOnly.json" --patches "$work"/RegionA/patch.*.json --threads "$threads" \
  > "$work/RegionA.json" || status=$?
python3 - "$work/RegionA.json" <<'PY'
import collections, json, sys
d = json.load(open(sys.argv[1]))
print(f"points {len(d['points'])}  threads {d['threads']}  seconds {d['seconds']:.2f}  "
      f"per point {sum(p['seconds'] for p in d['points']) / len(d['points']):.3f} s  "
      f"statuses {dict(collections.Counter(p['status'] for p in d['points']))}")
PY
uptime
exit $status
