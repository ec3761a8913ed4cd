#!/usr/bin/env python3
"""The rein command line against the references and its own contracts.

usage: cli_test.py REIN_BINARY TEST_DATA_DIR DATA_DIR WORK_DIR

Runs the verbs as a user would (real files, JSON on stdout) and checks: the JSON shapes the issues
spell out, values against pinned outside references (pyhf, the Belle II reference file), that
`--shard I/N` + `rein merge` gives exactly what one run gives, that bad input fails with exit
code 1 and a message naming the culprit, and that rein-plot draws the three plots.
"""
import json
import math
import os
import statistics
import subprocess
import sys

REIN, TEST_DATA, DATA, WORK = sys.argv[1:5]
PLOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "rein-plot")
failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print("FAIL: " + what, file=sys.stderr)


def close(actual, expected, rel, what, abs_tol=0.0):
    ok = actual is not None and math.isfinite(actual) and abs(actual - expected) <= max(rel * abs(expected), abs_tol)
    check(ok, f"{what}: {actual!r} vs {expected!r} (rel {rel:g})")


def rein(*args, code=0):
    """Runs rein; code None accepts 0 (converged) and 3 (a status that is not ok)."""
    run = subprocess.run([REIN, *args], capture_output=True, text=True)
    expected = (0, 3) if code is None else (code,)
    check(run.returncode in expected, f"rein {' '.join(args)}: exit {run.returncode}, expected {code}; stderr: {run.stderr.strip()}")
    return (json.loads(run.stdout) if run.returncode in (0, 3) and run.stdout else None), run.stderr


def run_shards(args, count, label):
    """Runs `rein ARGS --shard i/count` for every i; the paths of the outputs."""
    paths = []
    for i in range(count):
        part, _ = rein(*args, "--shard", f"{i}/{count}")
        paths.append(os.path.join(WORK, f"{label}_shard_{i}.json"))
        json.dump(part, open(paths[-1], "w"))
    return paths


def without_seconds(document):
    return {k: v for k, v in document.items() if k != "seconds"}


pyhf = json.load(open(os.path.join(TEST_DATA, "pyhf", "root_reference_cls.json")))
belle2_reference = json.load(open(os.path.join(TEST_DATA, "belle2-knunu", "reference.json")))
belle2 = os.path.join(DATA, "belle2-knunu", "combined_likelihood.json")
wet = os.path.join(DATA, "belle2-knunu", "reinterpretation_likelihood_wet.json")

# rein cls: the JSON keys, and pyhf converged to 1e-12 (1e-6 relative: the tolerance)
case = next(c for c in pyhf["cases"] if c["id"] == "1bin_shapesys_mu1")
ws = os.path.join(TEST_DATA, "pyhf", case["workspace"])
interp = "--interp=normsys=code1,histosys=code0"
out, _ = rein("cls", ws, "--mu", "1", "--test-stat", "q", interp)
for key in ("mu", "cls_obs", "cls_exp", "clsb_obs", "clb_obs"):
    check(key in out, f"rein cls output has '{key}'")
reference = case["pyhf_converged_scipy_tol1e-12"]
close(out["cls_obs"], reference["obs"], 1e-6, "rein cls 1bin_shapesys obs")
for k in range(5):
    close(out["cls_exp"][k], reference["exp"][k], 1e-6, f"rein cls 1bin_shapesys exp[{k}]")

# rein upper-limit, significance on the Belle II likelihood: pyhf (reference.json, upper_limit_mu
# with pyhf's rtol 1e-4; fit_combined: sqrt(q0) = 3.460 of pyhf converged)
out, _ = rein("upper-limit", belle2, "--scan", "0:10:6")
for key in ("cl", "obs", "exp"):
    check(key in out, f"rein upper-limit output has '{key}'")
limits = belle2_reference["upper_limit_mu"]["values"]
close(out["obs"], limits["obs"], 2e-4, "rein upper-limit Belle II obs")
for k in range(5):
    close(out["exp"][k], limits["exp"][k], 2e-4, f"rein upper-limit Belle II exp[{k}]")
check(len(out.get("scan", [])) == 6, "rein upper-limit --scan 0:10:6 gives 6 CLs points")
limit_json = os.path.join(WORK, "limit.json")
json.dump(out, open(limit_json, "w"))

out, _ = rein("significance", belle2)
for key in ("q0", "p0", "z_obs", "z_exp"):
    check(key in out, f"rein significance output has '{key}'")
close(out["z_obs"], 3.460, 1e-3, "rein significance Belle II z_obs (pyhf sqrt(q0) = 3.460)")
close(out["p0"], 0.5 * math.erfc(out["z_obs"] / math.sqrt(2)), 1e-12, "p0 = Φ(−z_obs)")
band = out.get("p0_exp_band", [])
check(len(band) == 5 and band == sorted(band), "rein significance: p0_exp_band has 5 ascending values")
close(band[2], out["p0_exp"], 1e-12, "p0_exp_band median = p0_exp")

# toys: --shard I/N + rein merge gives the whole run's numbers exactly, whatever the thread count
toy_ws = os.path.join(TEST_DATA, "pyhf", "workspaces", "1bin_shapesys.json")
common = ["cls", toy_ws, "--mu", "1", "--toys", "300", "--seed", "7", interp]
whole, _ = rein(*common, "--threads", "2")
check(whole["calculator"] == "toys" and whole["toys"] == 300, "rein cls --toys reports the calculator and the toy count")
shards = run_shards(common, 3, "cls")
merged, _ = rein("merge", shards[2], shards[0], shards[1])
check(without_seconds(merged) == without_seconds(whole), "rein merge of 3 cls shards equals the unsharded toy run exactly")

# toy significance and toy upper limit: failed toy fits counted per hypothesis (issue #18)
out, _ = rein("significance", toy_ws, "--toys", "200", "--seed", "3", interp)
for key in ("q0", "p0", "z_obs", "p0_exp_band", "p0_range", "failed_fits_b", "failed_fits_sb", "toy_status", "status"):
    check(key in out, f"rein significance --toys output has '{key}'")
check(out["calculator"] == "toys" and out["toys"] == 200, "rein significance --toys reports the calculator and the toy count")
check(out["failed_fits"] == out["failed_fits_b"] + out["failed_fits_sb"], "rein significance --toys: failed fits add up")
check(out["p0_range"][0] <= out["p0"] <= out["p0_range"][1], "rein significance --toys: p0 lies in its range")
out, _ = rein("upper-limit", toy_ws, "--toys", "100", "--seed", "3", "--rtol", "1e-3", interp)
check(len(out["points"]) == out["evaluations"] > 0, "rein upper-limit --toys lists every CLs it evaluated")
check(out["failed_fits"] == sum(p["failed_fits_sb"] + p["failed_fits_b"] for p in out["points"]),
      "rein upper-limit --toys: failed fits are the sum over the evaluated points")
check(out["status"] == "ok" and out["toy_status"] == "ok", "rein upper-limit --toys on 1bin_shapesys: every toy fit converged")

# scan shards
scan_args = ["scan", belle2, "--poi", "mu", "--range", "0:10:5"]
whole, _ = rein(*scan_args)
parts = run_shards(scan_args, 2, "scan")
merged, _ = rein("merge", *parts)
check(without_seconds(merged) == without_seconds(whole), "rein merge of 2 scan shards equals the unsharded scan exactly")
scan_json = os.path.join(WORK, "scan.json")
json.dump(whole, open(scan_json, "w"))
check(whole["intervals"][0]["lower"] is not None and whole["intervals"][0]["upper"] is not None,
      "the Belle II scan 0:10 closes the 68% interval")

# two-parameter scan of independent channels: Δ(2 nll) at the free fit's grid point is ≈ 0 and
# the plot draws contours
ws2 = os.path.join(TEST_DATA, "pyhf", "workspaces", "2bin_2channel.json")
out, _ = rein("scan", ws2, "--poi", "mu", "--range", "0:3:7", "--poi2", "uncorr_bkguncrt_signal[0]", "--range2", "0.5:1.5:5")
check(out["shape"] == [7, 5] and len(out["points"]) == 35, "rein scan --poi2: 7 × 5 points")
check(min(p["delta_twice_nll"] for p in out["points"]) >= -1e-9, "rein scan --poi2: no point below the free fit")
scan2_json = os.path.join(WORK, "scan2.json")
json.dump(out, open(scan2_json, "w"))

# rein expected on the redist WET file with the built-in rates: reference.json wet_yields
# (belle2_mode, FFK at its mean: 1e-8 relative, the tolerance)
point = belle2_reference["wet_yields"]["values"]["a_FFK_decorrelated_zero"]["belle2_mode"]
out, _ = rein("expected", wet, "--null", "hpqcd-b-to-k-nunu", "--alt", "wet-b-to-k-nunu", "--quadrature", "gauss-legendre",
              "--set", f"cvl={point['cvl']}", "--set", f"csl={point['csl']}", "--set", f"ctl={point['ctl']}")
yields = [y for c in out["channels"] for y in c["yields"]]
check(len(yields) == len(point["expected_actualdata"]), "rein expected: every main bin")
for b, (a, e) in enumerate(zip(yields, point["expected_actualdata"])):
    close(a, e, 1e-8, f"rein expected WET belle2_mode bin {b}")
out, _ = rein("fit", wet, "--null", "hpqcd-b-to-k-nunu", "--alt", "wet-b-to-k-nunu")
check(out["status"] == "ok" and out["poi"] is None, "rein fit of the WET model converges; it has no POI")
values = {p["name"]: p["value"] for p in out["parameters"]}
close(values["cvl"], belle2_reference["wet_fit"]["values"]["free"]["theory"]["cvl"], 0, "rein fit WET cvl", abs_tol=0.05)
# a redist file from standard input (`-`) is the same model
with open(wet) as f:
    run = subprocess.run([REIN, "fit", "-", "--null", "hpqcd-b-to-k-nunu", "--alt", "wet-b-to-k-nunu"], stdin=f,
                         capture_output=True, text=True)
check(run.returncode == 0 and json.loads(run.stdout)["twice_nll"] == out["twice_nll"],
      f"rein fit - reads a redist file from stdin: {run.stderr}")
# --starts (issue 15): with cvl held at 6.6 (near its SM value) and ctl at 0, csl = 0 is a saddle
# on a bound (2nll -6.75); 8 starts and the fit from the inits (which leaves the saddle along its
# negative curvature) both find the minimum near csl = 15
# (tests/reweight/wet_fit_test.cpp checks it against a brute-force profile)
held = ["--fix", "cvl=6.6", "--fix", "ctl=0"]
single, _ = rein("fit", wet, "--null", "hpqcd-b-to-k-nunu", "--alt", "wet-b-to-k-nunu", *held)
multi, _ = rein("fit", wet, "--null", "hpqcd-b-to-k-nunu", "--alt", "wet-b-to-k-nunu", *held, "--starts", "8")
if single and multi:
    csl = {p["name"]: p["value"] for p in multi["parameters"]}["csl"]
    check(multi["status"] == "ok" and multi["starts"]["count"] == 8 and len(multi["starts"]["twice_nll"]) == 8
          and multi["twice_nll"] == min(multi["starts"]["twice_nll"]) and 13 < csl < 17
          and single["status"] == "ok" and abs(single["twice_nll"] - multi["twice_nll"]) <= 1e-7 and multi["twice_nll"] < -13,
          f"rein fit --starts 8 finds csl near 15: csl {csl}, {multi['twice_nll']} vs {single['twice_nll']}")
_, err = rein("fit", wet, "--null", "hpqcd-b-to-k-nunu", "--alt", "wet-b-to-k-nunu", "--starts", "0", code=1)
check("--starts 0" in err, f"rein fit --starts 0 is refused: {err}")
# WET profile scans (issue 15): every point ok, none below the free fit (each point is fitted from
# the inits and from the free fit, infer/scan.hpp); before, 5 of 11 csl points and 21 of 88 cvl x ctl
# points did not converge
wet_rates = ["--null", "hpqcd-b-to-k-nunu", "--alt", "wet-b-to-k-nunu"]
for label, grid in (("csl", ["--poi", "csl", "--range", "0:20:11"]),
                    ("cvl x ctl", ["--poi", "cvl", "--range", "0:20:11", "--poi2", "ctl", "--range2", "0:20:8"])):
    scan, _ = rein("scan", wet, *wet_rates, *grid)
    if scan:
        check(scan["status"] == "ok" and all(p["status"] == "ok" for p in scan["points"]) and not scan["below_minimum"]
              and min(p["delta_twice_nll"] for p in scan["points"]) >= -1e-9,
              f"WET scan {label}: every point ok, none below the minimum: {scan['status']}, {scan['below_minimum']}")
# --init NAME=VALUE (issue 14): started at csl = 15 the held fit reaches the minimum --starts found
started, _ = rein("fit", wet, "--null", "hpqcd-b-to-k-nunu", "--alt", "wet-b-to-k-nunu", *held, "--init", "csl=15")
if started and multi:
    close(started["twice_nll"], multi["twice_nll"], 0, "rein fit --init csl=15 reaches the --starts minimum", abs_tol=1e-7)
_, err = rein("fit", os.path.join(TEST_DATA, "pyhf", "workspaces", "2bin_2channel.json"), "--init", "mu=99", code=1)
check("init 'mu' = 99 must be finite and within its bounds" in err, f"rein fit --init outside the bounds is refused: {err}")

# rein's own saved form: rein convert redist, then every verb reads it with no --null/--alt; the
# same likelihood, so the same yields to the last bit
rein_ws = os.path.join(WORK, "wet_rein.json")
rein("convert", "redist", wet, rein_ws, "wet_rein.h5", "--null", "hpqcd-b-to-k-nunu", "--alt", "wet-b-to-k-nunu")
point_args = ["--set", "cvl=11.3", "--set", "ctl=8.21"]
from_redist, _ = rein("expected", wet, "--null", "hpqcd-b-to-k-nunu", "--alt", "wet-b-to-k-nunu", *point_args)
from_rein, _ = rein("expected", rein_ws, *point_args)
check(from_rein == from_redist, "rein expected: the converted reweighted workspace gives the redist file's yields exactly")

# --patch on a redist file and on rein's reweighted workspace (issue 14): a patch of one count of
# the first channel's observation fits exactly as the same edit made by hand in a copy's flat
# `data` (the reference: the hand-edited file, read without any patch)
count_patch = os.path.join(WORK, "redist_count.patch.json")
json.dump([{"op": "replace", "path": "/observations/0/data/3", "value": 1100}], open(count_patch, "w"))
edited = json.load(open(wet))
check(edited["data"][3] == 1064, "the published count that the patch edits")
edited["data"][3] = 1100
edited_path = os.path.join(WORK, "wet_count_edited.json")
json.dump(edited, open(edited_path, "w"))
wet_rates = ["--null", "hpqcd-b-to-k-nunu", "--alt", "wet-b-to-k-nunu"]
by_hand, _ = rein("fit", edited_path, *wet_rates)
patched, _ = rein("fit", wet, *wet_rates, "--patch", count_patch)
reweighted_patched, _ = rein("fit", rein_ws, "--patch", count_patch)
unpatched, _ = rein("fit", wet, *wet_rates)
if by_hand and patched and reweighted_patched and unpatched:
    check(without_seconds(patched) == without_seconds(by_hand), "rein fit --patch on a redist file: the fit of the hand-edited copy")
    close(reweighted_patched["twice_nll"], by_hand["twice_nll"], 1e-9, "rein fit --patch on a reweighted workspace: the same 2 nll")
    check(patched["twice_nll"] != unpatched["twice_nll"], "rein fit --patch on a redist file: the patch changed the fit")
bad_patch = os.path.join(WORK, "redist_bad.patch.json")
json.dump([{"op": "replace", "path": "/observations/0/data/99", "value": 1}], open(bad_patch, "w"))
for target, extra in ((wet, wet_rates), (rein_ws, [])):
    _, err = rein("fit", target, *extra, "--patch", bad_patch, code=1)
    check(f"patch '{bad_patch}' does not apply (operation /0, path '/observations/0/data/99')" in err,
          f"rein fit --patch that does not apply names the patch and the pointer: {err}")
text_patch = os.path.join(WORK, "redist_text.patch.json")
json.dump([{"op": "replace", "path": "/observations/0/data/3", "value": "many"}], open(text_patch, "w"))
_, err = rein("fit", wet, *wet_rates, "--patch", text_patch, code=1)
check(f"patched by '{text_patch}'" in err and "/observations/0/data/3" in err,
      f"rein fit --patch that breaks the redist file's workspace names the patch and the pointer: {err}")

# a workspace with parametric shapes (rein.shapes): rein fit on Asimov data computed outside rein
# (tests/data/shapes/README.md) from inits away from the truth returns the truth; the data are
# 10-digit roundings, so the minimum sits ~1e-8 errors from it: 1e-3 errors leaves the fit's tolerance room
shapes_ws = os.path.join(TEST_DATA, "shapes", "cb_bernstein_workspace.json")
out, _ = rein("fit", shapes_ws)
check(out is not None and out["status"] == "ok" and out["covariance_ok"], "rein fit of the shape workspace converges")
fitted = {p["name"]: p for p in (out or {}).get("parameters", [])}
for name, truth in [("n_sig", 800), ("n_bkg", 3000), ("cb_mu", 6.0), ("cb_sigma", 0.5), ("cb_alpha_left", 1.5),
                    ("bkg_c1", 0.6), ("bkg_c2", 0.3)]:
    p = fitted.get(name, {})
    error = p.get("error") or 0.0
    check(error > 0, f"rein fit shape workspace: {name} has an error")
    close(p.get("value"), truth, 0, f"rein fit shape workspace {name} (truth {truth})", abs_tol=1e-3 * error)
check(fitted.get("cb_n_left", {}).get("fixed") is True, "rein fit shape workspace: cb_n_left is held fixed, as the file says")
out, _ = rein("inspect", shapes_ws)
shape_uses = {m["name"]: m for m in (out or {}).get("modifiers", []) if m["type"] == "rein.shape"}
check(len(shape_uses) == 2 and all(len(m["samples"]) == 1 for m in shape_uses.values()),
      "rein inspect lists the shape workspace's two rein.shape modifiers, one sample each")

# rein sample: the posterior of the one-bin shapesys workspace; draws written as JSON and HDF5
draws_json = os.path.join(WORK, "draws.json")
out, _ = rein("sample", toy_ws, "--chains", "2", "--warmup", "300", "--draws", "500", "--seed", "3", "--threads", "2",
              "--out", draws_json, code=None)
check(out is not None and "mu" in out["parameters"], "rein sample summarises the POI")
if out is not None:
    for key in ("mean", "sd", "mode", "hdi95", "rhat", "ess_bulk"):
        check(key in out["parameters"]["mu"], f"rein sample: parameter summary has '{key}'")
    saved = json.load(open(draws_json))
    # two modes under explicit keys: marginal_mode (the KDE's, which `mode` has always been here)
    # and joint_mode, the POI at the draw of highest ln p, found here in the written draws
    mu = out["parameters"]["mu"]
    check(mu.get("marginal_mode") == mu["mode"], f"rein sample: marginal_mode is mode: {mu.get('marginal_mode')}")
    best = max(((c, k) for c in range(len(saved["log_prob"])) for k in range(len(saved["log_prob"][c]))),
               key=lambda ck: saved["log_prob"][ck[0]][ck[1]])
    check(mu.get("joint_mode") == saved["chains"][best[0]][best[1]][saved["names"].index("mu")],
          f"rein sample: joint_mode is the POI at the densest draw: {mu.get('joint_mode')}")
    check(len(saved["chains"]) == 2 and len(saved["chains"][0]) == 500 and len(saved["chains"][0][0]) == len(saved["names"]),
          "rein sample --out DRAWS.json: 2 chains of 500 draws of every sampled parameter")
    again, _ = rein("sample", toy_ws, "--chains", "2", "--warmup", "300", "--draws", "500", "--seed", "3", "--threads", "1",
                    "--out", os.path.join(WORK, "draws.h5"), code=None)
    check(again is not None and again["parameters"] == out["parameters"], "rein sample: the same numbers with 1 or 2 threads")
    check(os.path.getsize(os.path.join(WORK, "draws.h5")) > 1000, "rein sample --out DRAWS.h5 writes the HDF5 file")

# bad input: exit code 1, a message naming the culprit
for args, words in [
    (("cls", belle2, "--mu", "1", "--poi", "nope"), ["nope"]),
    (("upper-limit", belle2, "--cl", "1.5"), ["1.5"]),
    (("cls", belle2, "--mu", "1", "--toys", "0"), ["toys", "0"]),
    (("scan", belle2, "--poi", "mu", "--range", "-5:5:3"), ["-5", "bounds"]),
    (("scan", belle2, "--poi", "mu", "--range", "0:5:2.5"), ["2.5"]),
    (("cls", belle2, "--mu", "1", "--toys", "10", "--shard", "3/3"), ["3/3"]),
    (("expected", wet), ["--null", "--alt"]),
    (("expected", wet, "--null", "sm", "--alt", "wet-b-to-k-nunu"), ["sm", "hpqcd-b-to-k-nunu"]),
    (("expected", belle2, "--set", "mu=-3"), ["mu", "-3"]),
    (("expected", belle2, "--null", "hpqcd-b-to-k-nunu"), ["--null", "pyhf workspace"]),
    (("expected", os.path.join(WORK, "wet_rein.json"), "--null", "hpqcd-b-to-k-nunu"), ["--null", "names its rates"]),
    (("fit", os.path.join(TEST_DATA, "shapes", "cb_bernstein_workspace.json"), "--alt", "x"), ["--alt", "parametric shapes"]),
    (("merge", shards[0], shards[1]), ["missing"]),
    (("merge", shards[0], shards[0], shards[1]), ["twice"]),
    (("sample", toy_ws, "--chains", "0"), ["--chains", "0"]),
    (("sample", toy_ws, "--prior", "mu=flat:0:1"), ["mu=flat:0:1"]),
    (("sample", toy_ws, "--prior", "nope=uniform:0:1"), ["nope"]),
    # an option of one value given twice is an error, never "the last wins" (issue #14)
    (("fit", belle2, "--poi", "mu", "--poi", "mu"), ["--poi is given 2 times", "it takes one value"]),
    (("upper-limit", belle2, "--cl", "0.95", "--cl=0.9"), ["--cl is given 2 times", "'0.95', '0.9'"]),
]:
    _, stderr = rein(*args, code=1)
    for word in words:
        check(word in stderr, f"rein {' '.join(args)}: the message names '{word}': {stderr.strip()}")

# rein-plot: the Brazil band, the scan curve, the impact ranking
out, _ = rein("impacts", os.path.join(TEST_DATA, "pyhf", "workspaces", "2bin_2channel.json"))
impacts_json = os.path.join(WORK, "impacts.json")
json.dump(out, open(impacts_json, "w"))
for kind, source in [("brazil", limit_json), ("scan", scan_json), ("scan2", scan2_json), ("impacts", impacts_json),
                     ("ranking", impacts_json), ("corner", draws_json)]:
    png = os.path.join(WORK, kind + ".png")
    if os.path.exists(png):
        os.remove(png)
    run = subprocess.run([sys.executable, PLOT, kind.rstrip("2"), source, png], capture_output=True, text=True)
    check(run.returncode == 0 and os.path.getsize(png) > 10000 if os.path.exists(png) else False,
          f"rein-plot {kind} writes a PNG: {run.stderr.strip()}")
    with open(png, "rb") as f:
        check(f.read(8) == b"\x89PNG\r\n\x1a\n", f"rein-plot {kind}: the file is a PNG")

# published likelihoods (issue 14): the ATLAS sbottom files, unpacked by tests/CMakeLists.txt
sbottom = os.path.join(os.path.dirname(WORK), "data", "atlas-sbottom", "RegionA")
sbottom_ref = json.load(open(os.path.join(TEST_DATA, "atlas-sbottom", "reference.json")))["RegionA"]
bkg = os.path.join(sbottom, "BkgOnly.json")
patch_of = lambda point: os.path.join(sbottom, f"patch.{point}.json")  # noqa: E731
out, stderr = rein("fit", bkg, "--patch", patch_of("sbottom_1300_205_60"))
check(out is not None and out["status"] == "ok" and stderr == "", f"rein fit on a sbottom patch: ok and quiet: {stderr}")
close(out and out["twice_nll"], sbottom_ref["sbottom_1300_205_60"]["twice_nll"], 0, "sbottom 2NLL (pyhf)", abs_tol=1e-6)
_, stderr = rein("fit", bkg, "--patch", patch_of("sbottom_1300_205_60"), "--verbose")
check("VRtt_meff" in stderr and "ignoring" in stderr, f"--verbose names the ignored observation: {stderr}")
out, _ = rein("cls", bkg, "--patch", patch_of("sbottom_1300_205_60"), "--mu", "1")
close(out and out["cls_obs"], sbottom_ref["sbottom_1300_205_60"]["cls_obs"], 1e-5, "sbottom CLs obs (pyhf)")
example = os.path.join(TEST_DATA, "pyhf", "patchset")
out, _ = rein("fit", os.path.join(example, "example_bkgonly.json"), "--patch", os.path.join(example, "example_patchset.json"),
              "--patch-values", "0")
check(out is not None and out["status"] == "ok", "--patch-values chooses a patchset entry")
_, stderr = rein("fit", os.path.join(example, "example_bkgonly.json"), "--patch", os.path.join(example, "example_patchset.json"),
                 "--patch-name", "patch_channel1_signal_syst", code=1)
check("did you mean 'patch_channel1_signal_syst1'" in stderr, f"a misspelt patch name gets a suggestion: {stderr}")

run = subprocess.run([REIN, "digest", os.path.join(example, "example_bkgonly.json")], capture_output=True, text=True)
# pyhf's own digest of its fixture, from example_patchset.json
check(run.stdout.strip() == "sha256:7c32ca3b8db75cbafcf5cd7ed4672fa2b1fa69e391c9b89068dd947a521866ec", f"rein digest: {run.stdout}")

# pyhf's workspace and patchset verbs: rein run with the very arguments pyhf was run with
# (tests/data/pyhf/workspace_verbs/expected.json, pyhf 0.7.6.dev398, b3dc4bb2) prints the same JSON
# (compared as parsed JSON: keys in any order, numbers equal as numbers, 10 == 10.0), which rein's
# reader takes back; what pyhf refuses rein refuses (exit 1), naming the file
pyhf_data = os.path.join(TEST_DATA, "pyhf")
verbs = json.load(open(os.path.join(pyhf_data, "workspace_verbs", "expected.json")))
for case in verbs["cases"]:
    args = [os.path.join(pyhf_data, a) if a.endswith(".json") else a for a in case["args"]]
    run = subprocess.run([REIN, *args], capture_output=True, text=True)
    if case.get("error"):
        check(run.returncode == 1 and run.stderr.strip() != "", f"rein {case['id']}: refused as pyhf refuses it: {run.returncode} {run.stderr}")
        continue
    check(run.returncode == 0, f"rein {case['id']}: exit {run.returncode}: {run.stderr}")
    if run.returncode != 0:
        continue
    out = json.loads(run.stdout)
    if case["args"][:2] == ["patchset", "verify"]:
        check(out["verified"] is True and case["pyhf_stdout"] == "All good.", f"rein {case['id']}: {out}")
        continue
    check(out == case["output"], f"rein {case['id']} prints what pyhf prints")
    if isinstance(out, dict) and "channels" in out:  # a workspace: rein's reader takes it back, unchanged
        written = os.path.join(WORK, case["id"] + ".json")
        again = subprocess.run([REIN, *args, "--output-file", written], capture_output=True, text=True)
        check(again.returncode == 0 and again.stdout == "", f"rein {case['id']} --output-file: {again.stderr}")
        sorted_again = subprocess.run([REIN, "sort", written], capture_output=True, text=True)
        check(sorted_again.returncode == 0, f"rein reads the output of {case['id']} back: {sorted_again.stderr}")
        inspected, _ = rein("inspect", written)
        check(inspected is not None, f"rein builds the model of {case['id']}")
_, err = rein("prune", os.path.join(pyhf_data, "workspaces", "2bin_2channel.json"), "--channel", "contrl", code=1)
check("2bin_2channel.json" in err and "no channel named 'contrl' (did you mean 'control'?)" in err,
      f"rein prune of an unknown channel names the file and the near name: {err}")
_, err = rein("rename", os.path.join(pyhf_data, "workspaces", "2bin_2channel.json"), "--sample", "backgrund", "bkg", code=1)
check("no sample named 'backgrund' (did you mean 'background'?)" in err, f"rein rename of an unknown sample: {err}")
_, err = rein("combine", os.path.join(pyhf_data, "workspaces", "1bin_normsys.json"), os.path.join(pyhf_data, "workspaces", "2bin_2channel.json"),
              "--join", "outr", code=1)
check("did you mean 'outer'" in err, f"rein combine --join outr suggests outer: {err}")
_, err = rein("patchset", "extract", os.path.join(pyhf_data, "patchset", "example_patchset.json"), "--name", "patch_channel1_signal_syst", code=1)
check("did you mean 'patch_channel1_signal_syst1'" in err, f"rein patchset extract of a misspelt name: {err}")
# stdin: `-` reads the workspace from standard input (pyhf's convention)
with open(os.path.join(pyhf_data, "workspaces", "2bin_2channel.json")) as f:
    run = subprocess.run([REIN, "sort", "-"], stdin=f, capture_output=True, text=True)
sorted_case = next(c for c in verbs["cases"] if c["id"] == "sort_2bin_2channel")
check(run.returncode == 0 and json.loads(run.stdout) == sorted_case["output"], f"rein sort - reads stdin: {run.stderr}")
# rein inspect PATCHSET lists its points as pyhf's PatchSet holds them
listed, _ = rein("inspect", os.path.join(pyhf_data, "patchset", "example_patchset.json"))
expected_inspect = verbs["patchset_inspect"]
check(listed is not None and [{"name": p["name"], "values": p["values"]} for p in listed["patches"]] == expected_inspect["patches"] and
      listed["labels"] == expected_inspect["labels"] and listed["digests"] == expected_inspect["digests"] and
      listed["description"] == expected_inspect["description"] and listed["patch_count"] == len(expected_inspect["patches"]),
      f"rein inspect PATCHSET lists pyhf's points: {listed}")
same, _ = rein("patchset", "inspect", os.path.join(pyhf_data, "patchset", "example_patchset.json"))
check(same == listed, "rein patchset inspect is rein inspect of the patchset")

grid_points = ["sbottom_1300_205_60", "sbottom_900_250_60", "sbottom_1000_205_60", "sbottom_1300_650_60"]
grid_args = ("grid", bkg, "--patches", *[patch_of(p) for p in grid_points])
whole, _ = rein(*grid_args, "--threads", "2")
check(whole is not None and [p["name"] for p in whole["points"]] == grid_points, "rein grid keeps the points' order")
if whole:
    check(set(whole) >= {"points", "seconds", "threads"} and whole["threads"] == 2, f"rein grid keys: {sorted(whole)}")
    for p in whole["points"]:
        check(set(p) == {"name", "values", "upper_limit", "cls_mu1", "status", "seconds"}, f"grid point keys {sorted(p)}")
        check(set(p["upper_limit"]) == {"obs", "exp", "obs_status", "exp_status"} and set(p["cls_mu1"]) == {"obs", "exp"},
              "grid point sub-keys")
        check(p["status"] == "ok", f"grid point {p['name']}: {p['status']}")
        if p["name"] in sbottom_ref:
            ref = sbottom_ref[p["name"]]
            close(p["upper_limit"]["obs"], ref["limit_obs"], 1e-4, f"grid {p['name']} observed limit (pyhf)")
            for k in range(5):
                close(p["upper_limit"]["exp"][k], ref["limit_exp"][k], 1e-4, f"grid {p['name']} expected limit {k} (pyhf)")
                close(p["cls_mu1"]["exp"][k], ref["cls_exp"][k], 1e-5, f"grid {p['name']} expected CLs {k} (pyhf)")
            close(p["cls_mu1"]["obs"], ref["cls_obs"], 1e-5, f"grid {p['name']} CLs obs (pyhf)")
    check(whole["points"][0]["values"] == [1300, 205, 60], "values from the file name")
    shards = run_shards(grid_args, 3, "grid")
    merged, _ = rein("merge", *shards)
    strip = lambda d: [{k: v for k, v in p.items() if k != "seconds"} for p in d["points"]]  # noqa: E731
    check(merged is not None and strip(merged) == strip(whole), "rein merge of grid shards equals one run")
    grid_json = os.path.join(WORK, "grid.json")
    json.dump(whole, open(grid_json, "w"))
    png = os.path.join(WORK, "contour.png")
    run = subprocess.run([sys.executable, PLOT, "contour", grid_json, png, "--x", "0", "--y", "1"], capture_output=True, text=True)
    check(run.returncode == 0 and os.path.exists(png) and os.path.getsize(png) > 10000, f"rein-plot contour: {run.stderr}")
# a point whose limits lie above the POI's default upper bound (10): above_upper_bound, exit 3;
# --poi-bounds lifts the bound and the same point is ok
high, _ = rein("grid", bkg, "--patches", patch_of("sbottom_1000_930_800"), code=3)
check(high is not None and high["points"][0]["status"] == "above_upper_bound" and
      high["points"][0]["upper_limit"]["obs_status"] == "above_upper_bound", "a limit above mu = 10 says above_upper_bound")
lifted, _ = rein("grid", bkg, "--patches", patch_of("sbottom_1000_930_800"), "--poi-bounds", "0:200")
check(lifted is not None and lifted["points"][0]["status"] == "ok" and lifted["points"][0]["upper_limit"]["obs"] > 10,
      f"--poi-bounds 0:200 finds the limit above 10: {lifted and lifted['points'][0]['upper_limit']}")
broken = os.path.join(WORK, "patch.broken_1_2.json")
json.dump([{"op": "remove", "path": "/channels/7"}], open(broken, "w"))
failed, _ = rein("grid", bkg, "--patches", patch_of("sbottom_1300_205_60"), broken, code=3)
check(failed is not None and failed["points"][0]["status"] == "ok" and failed["points"][1]["status"].startswith("error: "),
      "a failed grid point has an error status and does not stop the grid")

# --fix and --poi-bounds on every model verb (the model holds them): the same fit as fit's own
# --fix, the POI bounded for a limit, and an unknown name listed with the model's parameters
held, _ = rein("upper-limit", belle2, "--fix", "mu=0.5", code=1)
check(held is None, "upper-limit with the POI held fails (the limit needs a free POI)")
# the observed limit (6.84) lies above 4 and below the default bound 10: --poi-bounds 0:4 stops it at
# the bound and says so; 0:30 leaves it where the default bounds put it
free_limit, _ = rein("upper-limit", belle2)
bounded, _ = rein("upper-limit", belle2, "--poi-bounds", "0:4")
check(bounded is not None and bounded["obs"] == 4.0 and bounded["obs_status"] == "above_upper_bound",
      f"upper-limit --poi-bounds 0:4: the limit stops at the bound, above_upper_bound: {bounded and bounded['obs']}")
wide, _ = rein("upper-limit", belle2, "--poi-bounds", "0:30")
close(wide and wide["obs"], free_limit["obs"], 1e-6, "upper-limit --poi-bounds 0:30 gives the limit of the default bounds")
_, err = rein("significance", belle2, "--fix", "nope=1", code=1)
check("no parameter 'nope'" in err and "its parameters:" in err, f"--fix of an unknown parameter names it and lists the model's: {err}")
_, err = rein("cls", belle2, "--mu", "1", "--poi-bounds", "3:1", code=1)
check("need LO < HI" in err, f"--poi-bounds 3:1 is refused: {err}")

# rein lrt on the WET (null: cvl = csl = ctl = 0, on their lower bounds, entering the rate squared):
# the keys; the χ² and χ̄² p-values against closed forms of the χ² tails written here
# (χ²₁: erfc(√(q/2)), χ²₂: e^(−q/2), χ²₃: erfc(√(q/2)) + √(2q/π) e^(−q/2)) from rein's q and weights
out, _ = rein("lrt", wet, "--null", "hpqcd-b-to-k-nunu", "--alt", "wet-b-to-k-nunu", "--null-fix", "cvl=0,csl=0,ctl=0")
keys = {"q", "dof", "p_chi2", "z_chi2", "p_chibar2", "z_chibar2", "chibar2_weights", "toys", "null_fit", "free_fit"}
check(out is not None and keys <= set(out), f"rein lrt prints the issue's keys: {out and sorted(out)}")
if out is not None:
    q, w = out["q"], out["chibar2_weights"]
    tails = [0.0, math.erfc(math.sqrt(q / 2)), math.exp(-q / 2), math.erfc(math.sqrt(q / 2)) + math.sqrt(2 * q / math.pi) * math.exp(-q / 2)]
    check(out["dof"] == 3 and out["on_bound"] == ["cvl", "csl", "ctl"] and out["squared"] == ["cvl", "csl", "ctl"],
          f"rein lrt WET: three couplings on their bound, entering squared: {out['on_bound']} {out['squared']}")
    close(out["p_chi2"], tails[3], 1e-12, "rein lrt WET: p_chi2 is the chi2(3) tail of q")
    close(sum(w), 1.0, 1e-12, "rein lrt WET: the chi-bar-squared weights sum to 1")
    close(w[0] + w[2], 0.5, 1e-9, "rein lrt WET: even weights sum to 1/2 (and odd ones)")
    close(out["p_chibar2"], sum(wi * t for wi, t in zip(w, tails)), 1e-12, "rein lrt WET: p_chibar2 mixes the chi2 tails")
    close(out["z_chibar2"], -statistics.NormalDist().inv_cdf(out["p_chibar2"]), 1e-9, "rein lrt WET: z_chibar2 = Phi^-1(1 - p)")
    check(out["toys"] is None and out["status"] == "ok", "rein lrt without --toys has toys null and status ok")
    close(out["q"], out["null_fit"]["twice_nll"] - out["free_fit"]["twice_nll"], 1e-12, "rein lrt: q from the two fits", 1e-12)
_, err = rein("lrt", wet, "--null", "hpqcd-b-to-k-nunu", "--alt", "wet-b-to-k-nunu", "--null-fix", "cvl", code=1)
check("--null-fix 'cvl' must be NAME=VALUE" in err, f"rein lrt --null-fix without a value is refused: {err}")
_, err = rein("lrt", wet, "--null", "hpqcd-b-to-k-nunu", "--alt", "wet-b-to-k-nunu", code=1)
check("needs the null hypothesis" in err, f"rein lrt without --null-fix is refused: {err}")
_, err = rein("lrt", wet, "--null", "hpqcd-b-to-k-nunu", "--alt", "wet-b-to-k-nunu", "--null-fix", "nope=0", code=1)
check("'nope', not a parameter of the model" in err, f"rein lrt --null-fix of an unknown parameter names it: {err}")

# the invisible resonance on the published Belle II data: its own parameters, a fit at fixed mass,
# and the mass scan of limits whose every point equals the single limit at that mass
res = ["--null", "hpqcd-b-to-k-nunu", "--alt", "sm-plus-invisible-resonance"]
out, _ = rein("fit", wet, *res, "--fix", "m_x=2")
names = [p["name"] for p in out["parameters"]] if out else []
check(out is not None and out["status"] == "ok" and {"m_x", "width_x", "br_x"} <= set(names) and "cvl" not in names,
      f"rein fit --alt sm-plus-invisible-resonance has m_x, width_x, br_x: {names}")
over, _ = rein("upper-limit", wet, *res, "--poi", "br_x", "--over", "m_x=1:3:3")
single, _ = rein("upper-limit", wet, *res, "--poi", "br_x", "--fix", "m_x=2")
check(over is not None and over["over"] == "m_x" and [p["value"] for p in over["points"]] == [1.0, 2.0, 3.0],
      "rein upper-limit --over m_x=1:3:3 gives one limit per mass")
if over is not None and single is not None:
    check(over["points"][1]["obs"] == single["obs"] and over["points"][1]["exp"] == single["exp"],
          "the --over point at m_x = 2 is the limit with --fix m_x=2, exactly")
    over_json = os.path.join(WORK, "over.json")
    json.dump(over, open(over_json, "w"))
    png = os.path.join(WORK, "brazil_over.png")
    run = subprocess.run([sys.executable, PLOT, "brazil", over_json, png], capture_output=True, text=True)
    check(run.returncode == 0 and os.path.exists(png) and os.path.getsize(png) > 10000, f"rein-plot brazil of an --over scan: {run.stderr}")

# rein lrt --over: local and global significance of the resonance against the SM (issue 17), on a
# 3-mass grid with 20 toys. References: the local test at the best mass is `rein lrt --fix m_x=BEST`
# (the same q by another path, to 1e-6 relative: the fits' tolerance); the p-values are closed forms
# of the printed q (Wilks with 1 dof: erfc(sqrt(q/2)); chi-bar-squared with br_x on its bound:
# half that) and the toys' counts, to 1e-12 relative (rounding only).
over_args = ["lrt", wet, *res, "--null-fix", "br_x=0", "--over", "m_x=1:3:3", "--toys", "20", "--seed", "2"]
glob, _ = rein(*over_args, "--threads", "2")
keys = {"over", "points", "best", "local", "global", "trials_factor", "trials_factor_gross_vitells", "toys",
        "null_fit", "free_fit", "status"}
check(glob is not None and keys <= set(glob), f"rein lrt --over prints the keys of docs/models.md: {glob and sorted(glob)}")
if glob is not None:
    check(glob["over"] == "m_x" and [p["value"] for p in glob["points"]] == [1.0, 2.0, 3.0], "rein lrt --over: one q per mass")
    best = glob["best"]
    check(best["m_x"] == best["value"] == glob["points"][best["index"]]["value"]
          and best["q"] == max(p["q"] for p in glob["points"]), f"rein lrt --over: best is the largest q: {best}")
    fixed, _ = rein("lrt", wet, *res, "--null-fix", "br_x=0", "--fix", f"m_x={best['m_x']}")
    local = glob["local"]
    if fixed is not None:
        close(local["q"], fixed["q"], 1e-6, "rein lrt --over: the local q is rein lrt's at the best mass")
        close(best["q"], fixed["q"], 1e-6, "rein lrt --over: the scan's largest q is rein lrt's at that mass")
    q = local["q"]
    close(local["p_chi2"], math.erfc(math.sqrt(q / 2)), 1e-12, "rein lrt --over: local p_chi2 = P(chi2_1 >= q)")
    close(local["p_chibar2"], 0.5 * math.erfc(math.sqrt(q / 2)), 1e-12, "rein lrt --over: local p_chibar2 = P(chi2_1 >= q)/2")
    close(local["z_chibar2"], -statistics.NormalDist().inv_cdf(local["p_chibar2"]), 1e-9, "rein lrt --over: z = Phi^-1(1 - p)")
    toys, g = glob["toys"], glob["global"]
    check(toys["n"] == 20 and toys["failed"] <= 1 and glob["status"] == "ok", f"rein lrt --over: 20 toys, ok: {toys} {glob['status']}")
    n = toys["n"] - toys["failed"]
    # max over the masses is at least the best mass's q on every toy
    check(g["exceeding"] >= local["exceeding"], "rein lrt --over: the global count is at least the local one")
    close(g["p_toys"], g["exceeding"] / n, 1e-12, "rein lrt --over: global p = exceeding / converged toys", 1e-15)
    close(local["p_toys"], local["exceeding"] / n, 1e-12, "rein lrt --over: local p = exceeding / converged toys", 1e-15)
    if local["exceeding"] == 0:
        check(local["z_toys"] is None, "rein lrt --over: no toy exceeding locally: z_toys null")
        close(local["z_above"], -statistics.NormalDist().inv_cdf(1 / n), 1e-9, "rein lrt --over: z_above is one toy's Z")
    # Gross & Vitells: p_local (chi-bar-squared) + <N(u)> exp(-(q - u)/2), capped at 1
    u = g["upcrossing_level"]
    close(g["p_gross_vitells"], min(1.0, local["p_chibar2"] + g["mean_upcrossings"] * math.exp(-(q - u) / 2)), 1e-12,
          "rein lrt --over: the Gross-Vitells bound from its terms")
    close(glob["trials_factor_gross_vitells"], g["p_gross_vitells"] / local["p_chibar2"], 1e-12, "rein lrt --over: its trials factor")
    again, _ = rein(*over_args, "--threads", "1")
    check(again is not None and without_seconds(again) == without_seconds(glob), "rein lrt --over: the same numbers with 1 or 2 threads")
asymptotic, _ = rein("lrt", wet, *res, "--null-fix", "br_x=0", "--over", "m_x=1:3:3")
check(asymptotic is not None and asymptotic["toys"] is None and asymptotic["global"]["p_toys"] is None
      and asymptotic["local"]["p_chibar2"] is not None, "rein lrt --over without --toys: the asymptotic local p-value only")
_, err = rein("lrt", wet, *res, "--null-fix", "br_x=0", "--over", "m_x", code=1)
check("--over 'm_x' must be NAME=LO:HI:N" in err, f"rein lrt --over without a grid is refused: {err}")
_, err = rein("lrt", wet, *res, "--null-fix", "br_x=0", "--upcrossing-level", "2", code=1)
check("--upcrossing-level applies to a scan" in err, f"rein lrt --upcrossing-level without --over is refused: {err}")

# rein sample --multistart: the resonance's (m_x, br_x) posterior from the deepest peaks of the
# profile in m_x, the nuisance parameters frozen (230 dimensions need far more draws for the modes'
# evidences than a test affords). Reference: the starts are the deepest local minima of
# `rein scan --poi m_x` on the same grid
frozen = ["--freeze", "staterror", "--freeze", "normsys", "--freeze", "histosys"]
multi, _ = rein("sample", wet, *res, *frozen, "--multistart", "m_x=0.5:4.5:9", "--modes", "2", "--chains", "2", "--warmup", "200",
                "--draws", "300", "--seed", "1", "--parameters", "m_x,br_x", "--evidence", "bridge", code=None)
profile, _ = rein("scan", wet, *res, *frozen, "--poi", "m_x", "--range", "0.5:4.5:9")
if multi is not None and profile is not None:
    check({"parameters", "sampler", "n_sampled", "warnings", "out", "status", "evidence", "modes"} <= set(multi),
          f"rein sample --multistart keeps the sample keys and adds modes: {sorted(multi)}")
    t = [p["twice_nll"] for p in profile["points"]]
    minima = [k for k in range(len(t)) if (k == 0 or t[k] <= t[k - 1]) and (k + 1 == len(t) or t[k] < t[k + 1])]
    deepest = sorted(profile["points"][k]["value"] for k in sorted(minima, key=lambda k: t[k])[:2])
    check(sorted(multi["sampler"]["starts"]) == deepest, f"rein sample --multistart starts at the scan's deepest minima: "
          f"{multi['sampler']['starts']} vs {deepest}")
    started = sorted(v for m in multi["modes"] for v in m["starts"])
    check(started == sorted(multi["sampler"]["starts"]), f"rein sample --multistart: every start is in one mode: {started}")
    close(sum(m["weight"] for m in multi["modes"]), 1.0, 1e-12, "rein sample --multistart: the mode weights sum to 1")
    check(all({"m_x", "br_x"} <= set(m["parameters"]) for m in multi["modes"]), "rein sample --multistart: summaries per mode")
    check(multi["sampler"]["chains"] == 2 * len(multi["sampler"]["starts"]), "rein sample --multistart: chains per start")
    # the mixture's ln Z = ln sum_k Z_k from the modes' printed ln Z (rounding only)
    log_z = math.log(sum(math.exp(m["log_z"]) for m in multi["modes"]))
    close(multi["evidence"]["log_z"], log_z, 1e-12, "rein sample --multistart: ln Z of the mixture from the modes'", 1e-12)
    for m in multi["modes"]:
        close(m["weight"], math.exp(m["log_z"] - log_z), 1e-12, "rein sample --multistart: w_k = Z_k / sum Z", 1e-15)
_, err = rein("sample", wet, *res, "--modes", "2", code=1)
check("--modes applies to --multistart" in err, f"rein sample --modes without --multistart is refused: {err}")

# the dark-pair models (B+ -> K+ chi chibar) on the published Belle II data: their own parameters,
# a fit at fixed m_chi, and a 95% CL limit on br_chi
for current in ("scalar", "vector", "tensor"):
    pair = ["--null", "hpqcd-b-to-k-nunu", "--alt", "sm-plus-dark-pair-" + current]
    out, _ = rein("fit", wet, *pair, "--fix", "m_chi=0.6")
    names = [p["name"] for p in out["parameters"]] if out else []
    check(out is not None and out["status"] == "ok" and {"m_chi", "br_chi"} <= set(names) and "cvl" not in names,
          f"rein fit --alt sm-plus-dark-pair-{current} has m_chi, br_chi: {names}")
limit, _ = rein("upper-limit", wet, "--null", "hpqcd-b-to-k-nunu", "--alt", "sm-plus-dark-pair-vector",
                "--poi", "br_chi", "--fix", "m_chi=0.6")
check(limit is not None and limit["obs"] > 0 and limit["exp"][2] > 0,
      f"rein upper-limit --alt sm-plus-dark-pair-vector --poi br_chi gives a positive limit: {limit}")

# help, version and typos: `rein VERB --help` and `rein help VERB` print the verb's usage (exit 0),
# `rein --version` the version; an unknown verb or option suggests the near one
for argv in (["fit", "--help"], ["help", "lrt"]):
    run = subprocess.run([REIN, *argv], capture_output=True, text=True)
    check(run.returncode == 0 and run.stdout.startswith("usage: rein " + argv[-1 if argv[0] == "help" else 0]),
          f"rein {' '.join(argv)} prints the verb's usage: {run.stdout[:60]!r} {run.stderr}")
run = subprocess.run([REIN, "--version"], capture_output=True, text=True)
check(run.returncode == 0 and run.stdout.startswith("rein 0."), f"rein --version: {run.stdout!r}")
run = subprocess.run([REIN, "fti", belle2], capture_output=True, text=True)
check(run.returncode == 2 and "did you mean 'fit'" in run.stderr, f"rein fti suggests fit: {run.stderr}")
_, err = rein("fit", belle2, "--fixx", "mu=0", code=1)
check("unknown option --fixx; did you mean --fix?" in err, f"rein fit --fixx suggests --fix: {err}")

# a command line that cannot be misused: a short flag (pyhf's -p) and a second positional argument
# are errors, never a file or ignored; a file that cannot be opened says why; `-` is standard input
two_channel = os.path.join(TEST_DATA, "pyhf", "workspaces", "2bin_2channel.json")
_, err = rein("fit", two_channel, "-p", "patch.json", code=1)
check("unknown option -p" in err and "--patch" in err, f"rein fit -p is refused: {err}")
_, err = rein("fit", two_channel, "patch.json", code=1)
check("unexpected argument 'patch.json'" in err, f"rein fit WS extra is refused: {err}")
_, err = rein("cls", os.path.join(WORK, "missing.json"), "--mu", "1", code=1)
check("missing.json" in err and "No such file or directory" in err, f"an unopenable file says the OS reason: {err}")
from_file, _ = rein("fit", two_channel)
with open(two_channel) as f:
    run = subprocess.run([REIN, "fit", "-"], stdin=f, capture_output=True, text=True)
check(run.returncode == 0 and from_file is not None and json.loads(run.stdout)["twice_nll"] == from_file["twice_nll"],
      f"rein fit - reads the workspace from stdin: {run.stderr}")
# one name per built-in rate: the registry's names in rein rate, the old spellings as aliases
for new_name, old_name in (("wet-b-to-k-nunu", "b_to_k_nunu"), ("hpqcd-b-to-k-nunu", "hpqcd_null")):
    by_new, _ = rein("rate", new_name, "--q2", "0,5,10")
    by_old, _ = rein("rate", old_name, "--q2", "0,5,10")
    check(by_new is not None and by_new == by_old, f"rein rate {new_name} is rein rate {old_name}")

# --alt-table: a theorist's rate as a CSV table (q2, dgamma_dq2) with one parameter, scale
table = os.path.join(WORK, "flat_rate.csv")
with open(table, "w") as f:
    f.write("q2,dgamma_dq2\n" + "".join(f"{q:g},2e-7\n" for q in (0, 5, 10, 15, 20, 22.9)))
out, _ = rein("fit", wet, "--null", "hpqcd-b-to-k-nunu", "--alt-table", table)
check(out is not None and [p["name"] for p in out["parameters"]][-1:] == ["scale"] and out["status"] == "ok",
      f"rein fit --alt-table fits the table's scale: {out and [p['name'] for p in out['parameters']][-3:]}")
bad_table = os.path.join(WORK, "bad_rate.csv")
with open(bad_table, "w") as f:
    f.write("q,rate\n0,1\n1,1\n")
_, err = rein("fit", wet, "--null", "hpqcd-b-to-k-nunu", "--alt-table", bad_table, code=1)
check(bad_table in err and "expected the header 'q2,dgamma_dq2'" in err, f"a table without the header is refused, naming the file: {err}")


# fit diagnostics (issue 19): rein fit --diagnostics, --mask, --group/--freeze, rein breakdown, plots
def expect_error(args, words):
    _, stderr = rein(*args, code=1)
    for word in words:
        check(word in stderr, f"rein {' '.join(args)}: the message names '{word}': {stderr.strip()}")


two_channel = os.path.join(TEST_DATA, "diagnostics", "two_channel.json")
diag_ref = json.load(open(os.path.join(TEST_DATA, "diagnostics", "reference.json")))
plain, _ = rein("fit", two_channel)
diag, _ = rein("fit", two_channel, "--diagnostics")
check(diag is not None and plain is not None and set(plain) <= set(diag),
      f"rein fit --diagnostics keeps every key of rein fit: {plain and diag and set(plain) - set(diag)}")
check(diag is not None and all(k in diag for k in ("prefit", "postfit", "correlation", "pulls")), "diagnostics keys")
if diag is not None:
    check(set(diag["correlation"]) >= {"parameters", "matrix"} and len(diag["correlation"]["matrix"]) == len(diag["correlation"]["parameters"]),
          "correlation = {parameters, matrix}")
    for which in ("prefit", "postfit"):
        for channel in diag[which]:
            check(set(channel) >= {"name", "samples", "total", "total_uncertainties", "data"}, f"{which} channel keys")
            for sample in channel["samples"]:
                check(set(sample) >= {"name", "yields", "uncertainties"}, f"{which} sample keys")
                # pyhf-based propagation (tests/data/diagnostics/make_reference.py): 2e-4 relative
                ref = diag_ref[which][channel["name"]]["samples"][sample["name"]]["uncertainties"]
                for a, e in zip(sample["uncertainties"], ref):
                    close(a, e, 2e-4, f"{which} {channel['name']}/{sample['name']} uncertainty (pyhf-based)")
# --mask CR equals the fit of the workspace without CR (shared parameters, 1e-4 of their errors)
pruned_ws = json.load(open(two_channel))
pruned_ws["channels"] = [c for c in pruned_ws["channels"] if c["name"] != "CR"]
pruned_ws["observations"] = [o for o in pruned_ws["observations"] if o["name"] != "CR"]
pruned_path = os.path.join(WORK, "two_channel_without_cr.json")
json.dump(pruned_ws, open(pruned_path, "w"))
masked, _ = rein("fit", two_channel, "--mask", "CR")
pruned, _ = rein("fit", pruned_path)
if masked and pruned:
    values = {p["name"]: p for p in masked["parameters"]}
    for p in pruned["parameters"]:
        close(values[p["name"]]["value"], p["value"], 0, f"--mask CR vs pruned: {p['name']}", abs_tol=1e-4 * max(p["error"], 1e-3))
masked_diag, _ = rein("fit", two_channel, "--mask", "CR", "--diagnostics")
cr = [c for c in (masked_diag or {}).get("postfit", []) if c["name"] == "CR"]
check(bool(cr) and cr[0]["masked"] and all(u is not None and u > 0 for u in cr[0]["total_uncertainties"]),
      "--mask CR --diagnostics still predicts CR, with uncertainties")
expect_error(["fit", two_channel, "--mask", "VR"], ["no channel 'VR' to mask", "'SR', 'CR'"])
# --freeze at nominal on a plain verb; --group by patterns
frozen, _ = rein("fit", two_channel, "--group", "bkg=ttbar_*,wjets_shape", "--freeze", "bkg", "--freeze", "lumi")
if frozen:
    held = {p["name"]: p for p in frozen["parameters"]}
    check(held["ttbar_norm"]["fixed"] and held["ttbar_norm"]["value"] == 0 and held["lumi"]["fixed"] and held["wjets_shape[2]"]["fixed"]
          and not held["jes"]["fixed"], "--freeze holds the group at its inits")
expect_error(["fit", two_channel, "--freeze", "sys"], ["no group 'sys'", "staterror"])
expect_error(["fit", two_channel, "--group", "bkg"], ["--group 'bkg' must be NAME=PATTERN"])
# rein breakdown against closed forms: one bin, nu = mu s + b + c theta, theta ~ N(0, 1), n observed:
# total = sqrt(n + c^2)/s, stat = sqrt(n)/s, histosys part c/s (Hessian errors: 1e-5)
s_, b_, c_, n_ = 10.0, 50.0, 5.0, 68.0
counting_ws = {"channels": [{"name": "bin", "samples": [
    {"name": "signal", "data": [s_], "modifiers": [{"name": "mu", "type": "normfactor", "data": None}]},
    {"name": "background", "data": [b_], "modifiers": [{"name": "theta", "type": "histosys", "data": {"hi_data": [b_ + c_], "lo_data": [b_ - c_]}}]}]}],
    "observations": [{"name": "bin", "data": [n_]}],
    "measurements": [{"name": "m", "config": {"poi": "mu", "parameters": [{"name": "mu", "bounds": [[-10, 10]], "inits": [1]}]}}],
    "version": "1.0.0"}
counting_path = os.path.join(WORK, "counting_histosys.json")
json.dump(counting_ws, open(counting_path, "w"))
out, _ = rein("breakdown", counting_path, "--interp", "histosys=code0", "--group", "bkg=theta")
if out:
    close(out["total"], math.sqrt(n_ + c_ * c_) / s_, 1e-5, "breakdown total (closed form)")
    close(out["stat"], math.sqrt(n_) / s_, 1e-5, "breakdown stat (closed form)")
    close(out["syst"], c_ / s_, 1e-5, "breakdown syst (closed form)")
    parts = {g["name"]: g["uncertainty"] for g in out["groups"]}
    close(parts.get("bkg"), c_ / s_, 1e-5, "breakdown group bkg (closed form)")
    close(parts.get("histosys"), c_ / s_, 1e-5, "breakdown group histosys (closed form)")
# rein-plot postfit / pulls / correlation on the Belle II likelihood and an sbottom RegionA point
sbottom_a = os.path.join(os.path.dirname(WORK), "data", "atlas-sbottom", "RegionA")
for label, args in [("belle2", [belle2]),
                    ("sbottom", [os.path.join(sbottom_a, "BkgOnly.json"), "--patch", os.path.join(sbottom_a, "patch.sbottom_1300_205_60.json")])]:
    out, _ = rein("fit", *args, "--diagnostics", code=None)
    diag_json = os.path.join(WORK, f"diagnostics_{label}.json")
    json.dump(out, open(diag_json, "w"))
    for kind in ("postfit", "pulls", "correlation"):
        png = os.path.join(WORK, f"{kind}_{label}.png")
        if os.path.exists(png):
            os.remove(png)
        run = subprocess.run([sys.executable, PLOT, kind, diag_json, png], capture_output=True, text=True)
        check(run.returncode == 0 and os.path.exists(png) and os.path.getsize(png) > 10000,
              f"rein-plot {kind} of {label} diagnostics writes a PNG: {run.stderr.strip()}")

# ATLAS 3L eRJR (issue 14, item 4): a shapesys with a Poisson constraint of tau ≈ 1.9e11; its fits
# reach the minimum (tests/fit/atlas_erjr_test.cpp checks the values against pyhf) and must say ok
erjr = os.path.join(TEST_DATA, "atlas-3l-erjr")
for point in ("ERJR_350p0_0p0", "ERJR_500p0_0p0"):
    out, _ = rein("upper-limit", os.path.join(erjr, "BkgOnly.json"), "--patch", os.path.join(erjr, f"patch.{point}.json"))
    if out:
        check(out["fit_status"] == "ok" and out["obs_status"] == "ok" and set(out["exp_status"]) == {"ok"},
              f"eRJR {point} upper limit says ok: {out['fit_status']}, {out['obs_status']}, {out['exp_status']}")

# issue 19: goodness of fit per channel and with KS / AD, channel compatibility, the HDF5 diagnostics
two_channel = os.path.join(TEST_DATA, "pyhf", "workspaces", "2bin_2channel.json")
out, _ = rein("gof", two_channel)
check(out is not None and out["algorithm"] == "saturated" and len(out["channels"]) == 2,
      "rein gof reports the algorithm and one entry per channel")
if out:
    close(sum(c["statistic"] for c in out["channels"]), out["q_main"], 1e-12, "rein gof: the channels' parts sum to q_main")
    check(out["statistic"] == out["q_saturated"], "rein gof: the saturated statistic is q_saturated")
for algo in ("ks", "ad"):
    out, _ = rein("gof", two_channel, "--algo", algo, "--toys", "20", "--seed", "2")
    check(out is not None and out["algorithm"] == algo and "statistic" in out["toys"] and "q_saturated" not in out["toys"],
          f"rein gof --algo {algo} --toys lists the toys' {algo} statistic")
    if out:
        close(sum(c["statistic"] for c in out["channels"]), out["statistic"], 1e-12, f"rein gof --algo {algo}: the sum over channels")
        check(all(0 <= c["p_value_toys"] <= 1 for c in out["channels"]), f"rein gof --algo {algo}: per-channel toy p-values")
_, stderr = rein("gof", two_channel, "--algo", "chi2", code=1)
check("unknown goodness-of-fit algorithm 'chi2'" in stderr, f"rein gof --algo chi2 names the algorithm: {stderr.strip()}")
# two background-free one-bin channels with the POI: n = (15, 45), s = (10, 20); closed form
# 2dnll = 2 sum n_c ln(n_c/(mu s_c)) with mu = 60/30 (docs/diagnostics.md, Validation)
two_signal = os.path.join(WORK, "two_signal_channels.json")
json.dump({"channels": [{"name": f"SR{c}", "samples": [{"name": "signal", "data": [s_c],
                                                        "modifiers": [{"name": "mu", "type": "normfactor", "data": None}]}]}
                        for c, s_c in ((1, 10.0), (2, 20.0))],
           "observations": [{"name": "SR1", "data": [15.0]}, {"name": "SR2", "data": [45.0]}],
           "measurements": [{"name": "m", "config": {"poi": "mu", "parameters": [{"name": "mu", "bounds": [[0, 20]]}]}}],
           "version": "1.0.0"}, open(two_signal, "w"))
out, _ = rein("compatibility", two_signal)
check(out is not None and out["ndf"] == 1 and [c["name"] for c in out["channels"]] == ["SR1", "SR2"],
      f"rein compatibility: one POI per channel, channels - 1 dof: {out}")
if out:
    close(out["twice_delta_nll"], 2 * (15 * math.log(15 / 20) + 45 * math.log(45 / 40)), 1e-7, "rein compatibility 2dnll (closed form)")
    close(out["p_value"], math.erfc(math.sqrt(out["twice_delta_nll"] / 2)), 1e-10, "rein compatibility p-value (chi2_1)")
out, _ = rein("compatibility", two_channel)
check(out is not None and out["ndf"] == 0 and out["p_value"] is None and out["warnings"],
      "rein compatibility with the POI in one channel: no p-value, a warning")
diag_h5 = os.path.join(WORK, "diagnostics.h5")
if os.path.exists(diag_h5):
    os.remove(diag_h5)
out, _ = rein("fit", two_channel, "--diagnostics", "--hdf5", diag_h5)
check(out is not None and out.get("hdf5") == diag_h5 and os.path.exists(diag_h5) and open(diag_h5, "rb").read(8) == b"\x89HDF\r\n\x1a\n",
      "rein fit --diagnostics --hdf5 writes an HDF5 file")
_, stderr = rein("fit", two_channel, "--hdf5", diag_h5, code=1)
check("give --diagnostics" in stderr, f"rein fit --hdf5 without --diagnostics says so: {stderr.strip()}")

# toy upper limits: one progress line with an ETA (stderr a terminal), not one counter per CLs
import pty  # noqa: E402

leader, follower = pty.openpty()
run = subprocess.run([REIN, "upper-limit", toy_ws, "--toys", "100", "--seed", "3", "--rtol", "1e-3", interp],
                     stdout=subprocess.PIPE, stderr=follower, text=True)
os.close(follower)
progress = b""
while True:
    try:
        chunk = os.read(leader, 65536)
    except OSError:
        break
    if not chunk:
        break
    progress += chunk
os.close(leader)
text = progress.decode(errors="replace")
lines = [line for line in text.replace("\r\n", "\n").split("\n") if line.strip()]
check(run.returncode == 0 and len(lines) == 1 and "ETA" in text and text.count("rein: toys") > 1,
      f"rein upper-limit --toys prints one progress line, rewritten in place, with an ETA: {lines!r}")

# rein-plot: under an interpreter without matplotlib it re-runs itself under one with it, or says what is missing
brazil_png = os.path.join(WORK, "brazil_reexec.png")
run = subprocess.run([sys.executable, "-S", PLOT, "brazil", limit_json, brazil_png], capture_output=True, text=True)
check(run.returncode == 0 and os.path.exists(brazil_png), f"rein-plot under python3 -S (no site packages) re-runs itself: {run.stderr.strip()}")
run = subprocess.run([sys.executable, "-S", PLOT, "brazil", limit_json, brazil_png], capture_output=True, text=True,
                     env={**os.environ, "REIN_PLOT_PYTHON": "/nonexistent/python3"})
check(run.returncode == 1 and "needs the Python modules numpy and matplotlib" in run.stderr and "lacks numpy, matplotlib" in run.stderr
      and "/nonexistent/python3" in run.stderr and "pip" in run.stderr,
      f"rein-plot without numpy/matplotlib says what is missing, what it tried and how to install: {run.stderr.strip()}")
# the plot options of issue 19: Brazil log y, the scan's expected curve, the corner plot's SM point
expected_scan = os.path.join(WORK, "scan_expected.json")
out, _ = rein("scan", toy_ws, "--range", "0:3:13", "--expected", "1", interp)
check(out is not None and len(out["expected"]["points"]) == 13 and out["expected"]["asimov_value"] == 1,
      "rein scan --expected adds the Asimov scan")
json.dump(out, open(expected_scan, "w"))
for args in (["brazil", limit_json, os.path.join(WORK, "brazil_logy.png"), "--logy"],
             ["scan", expected_scan, os.path.join(WORK, "scan_expected.png")],
             ["corner", draws_json, os.path.join(WORK, "corner_sm.png"), "--sm", "mu=1"]):
    run = subprocess.run([sys.executable, PLOT, *args], capture_output=True, text=True)
    check(run.returncode == 0 and os.path.getsize(args[2]) > 10000, f"rein-plot {' '.join(args[:1] + args[3:])}: {run.stderr.strip()}")

# the corner plot as papers print it, on draws shaped like the WET posterior's (a nuisance first, then the
# POIs cvl, csl, ctl, two of them piled up at their bound 0): default parameters, SM point, modes
import random  # noqa: E402

rng = random.Random(5)
wet_like = {"format": "rein-posterior-draws", "format_version": "1", "names": ["FFK[0]", "cvl", "csl", "ctl"], "chains": [], "log_prob": []}
for _ in range(2):
    chain, log_prob = [], []
    for _ in range(1500):
        draw = [rng.gauss(0, 1), rng.gauss(10, 3), abs(rng.gauss(0, 4)), abs(rng.gauss(3, 4))]
        chain.append(draw)
        log_prob.append(-0.5 * (draw[0] ** 2 + ((draw[1] - 10) / 3) ** 2 + (draw[2] / 4) ** 2 + ((draw[3] - 3) / 4) ** 2))
    wet_like["chains"].append(chain)
    wet_like["log_prob"].append(log_prob)
wet_like_json, corner_png = os.path.join(WORK, "wet_like_draws.json"), os.path.join(WORK, "corner_wet_like.png")
json.dump(wet_like, open(wet_like_json, "w"))
run = subprocess.run([sys.executable, PLOT, "corner", wet_like_json, corner_png], capture_output=True, text=True)
check(run.returncode == 0 and os.path.getsize(corner_png) > 50000, f"rein-plot corner of WET-like draws: {run.stderr.strip()}")
run = subprocess.run([sys.executable, PLOT, "corner", wet_like_json, corner_png, "cvl,FFK", "--sm", "none"], capture_output=True, text=True)
check(run.returncode == 1 and "has no parameter 'FFK'" in run.stderr, f"rein-plot corner names an unknown parameter: {run.stderr.strip()}")

if failures:
    print(f"{len(failures)} check(s) failed", file=sys.stderr)
    sys.exit(1)
print("cli: all checks passed")
