#!/usr/bin/env python3
"""Issue #16's Dask target: 10^5 toys per hypothesis on the ATLAS sbottom RegionA likelihood
(point sbottom_1500_850_60, mu = 1, seed 1) in one process and over a LocalCluster of 2 worker
processes; checks that the two CLs results are the same dict bit for bit and prints both wall
times as JSON (docs/python.md quotes them). Run once, not in CI (tens of minutes of CPU):

    PYTHONPATH=build/python python3 python/benchmarks/sbottom_toys.py build/tests/data/atlas-sbottom/RegionA
"""

import argparse
import json
import os
import subprocess
import time

import rein
import rein.distributed


def strip(value):
    if isinstance(value, dict):
        return {k: strip(v) for k, v in value.items() if k != "seconds"}
    if isinstance(value, list):
        return [strip(v) for v in value]
    return value


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("region", help="the unpacked RegionA folder (BkgOnly.json and patch.*.json)")
    parser.add_argument("--point", default="sbottom_1500_850_60")
    parser.add_argument("--toys", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--shards", type=int, default=8)
    parser.add_argument("--local-threads", type=int, default=1, help="threads of the one-process run (results do not depend on it)")
    args = parser.parse_args()
    model = rein.load(os.path.join(args.region, "BkgOnly.json"), patches=[os.path.join(args.region, f"patch.{args.point}.json")])
    out = {"point": args.point, "toys": args.toys, "seed": args.seed, "shards": args.shards, "parameters": len(model.parameter_names)}

    from dask.distributed import Client, LocalCluster
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, Client(cluster) as client:
        begin = time.perf_counter()
        spread = rein.distributed.hypotest(client, model, 1.0, toys=args.toys, seed=args.seed, shards=args.shards)
        out["two_workers_s"] = time.perf_counter() - begin
    out["uptime_after_two_workers"] = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()

    begin = time.perf_counter()
    local = rein.hypotest(model, 1.0, toys=args.toys, seed=args.seed, threads=args.local_threads)
    out["one_process_s"] = time.perf_counter() - begin
    out["one_process_threads"] = args.local_threads
    out["uptime_after_one_process"] = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()

    out["bit_identical"] = strip(local) == strip(spread)
    out["cls_obs"] = local["cls_obs"]
    out["cls_exp"] = local["cls_exp"]
    out["failed_fits"] = local["failed_fits"]
    print(json.dumps(out, indent=2))
    return 0 if out["bit_identical"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
