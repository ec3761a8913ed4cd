#!/usr/bin/env python3
"""Runs an example program and checks the JSON summary it prints on stdout.

usage: check_summary.py <example executable> [args...]

Checks, wherever they occur in the summary (at any depth):
  - "status" is "ok";
  - every limit object {"obs": x, "exp": [5 values]} has finite, positive values, the expected
    band ascending (-2 sigma <= -1 sigma <= median <= +1 sigma <= +2 sigma), and
    "obs_status"/"exp_status" (if present) all "ok";
  - every closure object {"injected", "fitted", "error", ...} has a positive finite error and
    |fitted - injected| <= error: the fit to Asimov data with a known injected signal gives it
    back within its own Hessian error (on Asimov data it should be far closer; the bound is the
    one the issue asks for);
  - "seconds" is finite;
  - the "postfit" block (per channel: observed counts and one yield list per sample, all of the
    channel's length, the fit ok) draws with scripts/rein-plot postfit into a PNG next to the
    summary's name in the working directory.
There must be at least one limit and one closure object, so a summary cannot pass by being empty.
An example with checks of its own has them in check_<example name>.py beside this script: a
function check(summary) returning a list of problems (strings).
"""
import importlib.util
import json
import math
import os
import subprocess
import sys

PLOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "rein-plot")


def walk(node, path, found):
    if isinstance(node, dict):
        if "obs" in node and "exp" in node:
            found["limits"].append((path, node))
        if "injected" in node and "fitted" in node:
            found["closures"].append((path, node))
        for key, value in node.items():
            walk(value, path + "/" + key, found)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            walk(value, path + "/" + str(i), found)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    run = subprocess.run(sys.argv[1:], capture_output=True, text=True)
    sys.stdout.write(run.stdout)
    sys.stderr.write(run.stderr)
    if run.returncode != 0:
        sys.exit(f"check_summary: {sys.argv[1]} exited with {run.returncode}")
    summary = json.loads(run.stdout)
    problems = []
    if summary.get("status") != "ok":
        problems.append(f"/status = {summary.get('status')!r}, expected 'ok'")
    if not math.isfinite(summary.get("seconds", float("nan"))):
        problems.append("/seconds missing or not finite")

    found = {"limits": [], "closures": []}
    walk(summary, "", found)
    if not found["limits"]:
        problems.append("no limit object {obs, exp} in the summary")
    if not found["closures"]:
        problems.append("no closure object {injected, fitted, error} in the summary")

    for path, limit in found["limits"]:
        values = [limit["obs"]] + list(limit["exp"])
        if len(limit["exp"]) != 5:
            problems.append(f"{path}/exp has {len(limit['exp'])} entries, expected 5")
        if not all(isinstance(v, (int, float)) and math.isfinite(v) and v > 0 for v in values):
            problems.append(f"{path}: limits not all finite and > 0: {values}")
        elif any(b < a for a, b in zip(limit["exp"], limit["exp"][1:])):
            problems.append(f"{path}/exp not ascending (-2 sigma ... +2 sigma): {limit['exp']}")
        statuses = [limit.get("obs_status", "ok")] + list(limit.get("exp_status", []))
        if any(s != "ok" for s in statuses):
            problems.append(f"{path}: limit statuses {statuses}")

    for path, c in found["closures"]:
        error = c.get("error", float("nan"))
        if not (math.isfinite(error) and error > 0):
            problems.append(f"{path}/error = {error}, must be finite and > 0")
        elif not abs(c["fitted"] - c["injected"]) <= error:
            problems.append(f"{path}: fitted {c['fitted']} vs injected {c['injected']}, off by more than error {error}")

    block = summary.get("postfit")
    if block is None:
        problems.append("no postfit block in the summary")
    else:
        if block.get("status") != "ok":
            problems.append(f"/postfit/status = {block.get('status')!r}, expected 'ok'")
        for c in block.get("channels", []):
            bins = len(c["observed"])
            if bins == 0 or any(len(s["yields"]) != bins for s in c["samples"]):
                problems.append(f"/postfit channel {c['name']}: yields do not match its {bins} bins")
        png = os.path.basename(sys.argv[1]) + "_postfit.png"
        plot = subprocess.run([sys.executable, PLOT, "postfit", "-", png], input=run.stdout, capture_output=True, text=True)
        if plot.returncode != 0 or not os.path.exists(png):
            problems.append(f"rein-plot postfit failed: {plot.stderr.strip()}")
        else:
            with open(png, "rb") as f:
                if f.read(8) != b"\x89PNG\r\n\x1a\n":
                    problems.append(f"{png} is not a PNG")

    own = os.path.join(os.path.dirname(os.path.abspath(__file__)), "check_" + os.path.basename(sys.argv[1]) + ".py")
    if os.path.exists(own):
        spec = importlib.util.spec_from_file_location("own_checks", own)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        problems += module.check(summary)

    for p in problems:
        print("check_summary: FAIL " + p, file=sys.stderr)
    if problems:
        sys.exit(1)
    print(f"check_summary: ok ({len(found['limits'])} limits, {len(found['closures'])} closures)", file=sys.stderr)


if __name__ == "__main__":
    main()
