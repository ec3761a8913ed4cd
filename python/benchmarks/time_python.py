#!/usr/bin/env python3
"""Times the targets of issue #16 and prints them as JSON (docs/python.md quotes the numbers):
import + loading the Belle II likelihood (fresh process), a fit from Python against `rein fit`
on the same model, and a reweighted fit with the built-in WET rate against the same fit with the
rate written in Python (finite-difference gradients, an analytic derivative as a second callable, and
rate and derivative from one callable), with the rate's calls and the time spent inside it; and the
cost of calling alone: the same fit with a rate that replays the recorded results of the Python
rate (the same points in the same order, no arithmetic). Medians of --repeat runs; the reweighted
fits' times are CPU seconds of this process (time.process_time), less disturbed by other load.

    PYTHONPATH=build/python python3 python/benchmarks/time_python.py --cli build/tools/rein
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

# CPU times count every thread of the process: BLAS worker threads that spin after a call would be
# counted as the fits' time
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "python", "tests"))
BELLE2 = os.path.join(ROOT, "data", "belle2-knunu", "combined_likelihood.json")
WET = os.path.join(ROOT, "data", "belle2-knunu", "reinterpretation_likelihood_wet.json")


def seconds(f, clock=time.perf_counter):
    """The time f() takes on `clock` (wall by default; time.process_time for CPU)."""
    begin = clock()
    f()
    return clock() - begin


def median_wall(f, repeat):
    return statistics.median(seconds(f) for _ in range(repeat))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cli", default=os.path.join(ROOT, "build", "tools", "rein"))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--repeat-reweighted", type=int, default=30, help="repeats of the (short) reweighted fits")
    args = parser.parse_args()
    out = {}

    load = "import time; t = time.perf_counter(); import rein; rein.load(%r); print(time.perf_counter() - t)" % BELLE2
    out["import_and_load_belle2_s"] = statistics.median(
        float(subprocess.run([sys.executable, "-c", load], capture_output=True, text=True, check=True).stdout)
        for _ in range(args.repeat))

    import rein
    import wet_rate
    model = rein.load(BELLE2)
    out["fit_belle2_python_wall_s"] = median_wall(lambda: rein.fit(model), args.repeat)
    out["fit_belle2_cli_wall_s"] = median_wall(
        lambda: subprocess.run([args.cli, "fit", BELLE2], capture_output=True, check=True), args.repeat)
    # the CLI's wall time includes its process start and loading; its "seconds" is the fit alone
    out["fit_belle2_cli_seconds_field"] = statistics.median(
        json.loads(subprocess.run([args.cli, "fit", BELLE2], capture_output=True, check=True).stdout)["seconds"]
        for _ in range(args.repeat))
    out["fit_belle2_python_seconds_field"] = statistics.median(rein.fit(model)["seconds"] for _ in range(args.repeat))

    # the Python rate's calls and the time spent inside it, counted by wrappers
    inside = {"calls": 0, "seconds": 0.0}

    def counted(f):
        def wrapper(q2, **params):
            begin = time.perf_counter()
            try:
                return f(q2, **params)
            finally:
                inside["calls"] += 1
                inside["seconds"] += time.perf_counter() - begin
        return wrapper

    parameters = rein.alternative_parameters("wet-b-to-k-nunu")
    recorded = {}

    def record(q2, **params):
        recorded[tuple(params.values())] = result = wet_rate.dbr_dq2_and_derivative(q2, **params)
        return result

    # each rate twice: counted (its calls and the time inside it) and bare (timed: the counting wrapper costs a microsecond a call)
    for suffix, wrap in (("-counted", counted), ("", lambda f: f)):
        rein.add_alternative("bench-wet-fd" + suffix, wrap(wet_rate.dbr_dq2), parameters, q2_range=(0.0, wet_rate.Q2_MAX))
        rein.add_alternative("bench-wet-exact" + suffix, wrap(wet_rate.dbr_dq2), parameters,
                             derivative=wrap(wet_rate.dbr_dq2_derivative), q2_range=(0.0, wet_rate.Q2_MAX))
        rein.add_alternative("bench-wet-both" + suffix, wrap(wet_rate.dbr_dq2_and_derivative), parameters, derivative=True,
                             q2_range=(0.0, wet_rate.Q2_MAX))
    rein.add_alternative("bench-wet-record", record, parameters, derivative=True, q2_range=(0.0, wet_rate.Q2_MAX))
    rein.add_alternative("bench-wet-replay", lambda q2, **params: recorded[tuple(params.values())], parameters, derivative=True,
                         q2_range=(0.0, wet_rate.Q2_MAX))
    rein.fit(rein.load(WET, null="hpqcd-b-to-k-nunu", alt="bench-wet-record"))
    alternatives = ("wet-b-to-k-nunu", "bench-wet-fd", "bench-wet-exact", "bench-wet-both", "bench-wet-replay")
    models = {alt: rein.load(WET, null="hpqcd-b-to-k-nunu", alt=alt) for alt in alternatives}
    for alt in alternatives:
        counted_alt = alt + "-counted" if alt in ("bench-wet-fd", "bench-wet-exact", "bench-wet-both") else alt
        inside["calls"], inside["seconds"] = 0, 0.0
        out[f"fit_wet_{alt}_evaluations"] = rein.fit(rein.load(WET, null="hpqcd-b-to-k-nunu", alt=counted_alt))["evaluations"]
        out[f"fit_wet_{alt}_python_calls"] = inside["calls"]
        out[f"fit_wet_{alt}_inside_python_s"] = inside["seconds"]
    # the fits take turns, so that a change of the machine's load falls on all alike
    cpu = {alt: [] for alt in alternatives}
    for _ in range(args.repeat_reweighted):
        for alt, m in models.items():
            cpu[alt].append(seconds(lambda: rein.fit(m), time.process_time))
    for alt in alternatives:
        out[f"fit_wet_{alt}_cpu_s"] = statistics.median(cpu[alt])
    for alt in alternatives[1:]:
        out[f"fit_wet_{alt}_extra"] = out[f"fit_wet_{alt}_cpu_s"] / out["fit_wet_wet-b-to-k-nunu_cpu_s"] - 1
    out["uptime"] = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
