#!/usr/bin/env python3
"""Runs examples/belle2_knunu_invisible and checks its summary against references computed here.

usage: invisible_resonance_check.py <belle2_knunu_invisible executable> [args...]

Runs it with --limits-out belle2_knunu_invisible_limits.json in the working directory (the build
directory under ctest) and draws that file with scripts/rein-plot brazil into
belle2_knunu_invisible_brazil.png beside it: the Brazil plot of the mass scan of 95% CL limits on
br_x. Without numpy/matplotlib anywhere (rein-plot says so) the plot is skipped with a note.

References (independent of the code under test):
  - the local asymptotic p-value of one non-negative parameter tested at its bound (br_x = 0, m_x
    held): Chernoff's mixture 1/2 chi2_0 + 1/2 chi2_1, p = erfc(sqrt(q/2))/2, computed here;
  - the local toy p-value: binomial, within 4 sigma of that asymptotic p when the toys resolve it;
  - the profile scan and the best fit: q >= 0 everywhere, the free fit at least as good as the
    best grid point (q_best >= max q), its mass within a grid step of the best point;
  - the global p-value: at least the local one (same toys), the trials factor >= 1, and Gross &
    Vitells' bound at least the asymptotic local p-value;
  - the limits: the file of --limits-out equal to the summary's "limits" block, in the format of
    rein upper-limit --over m_x=LO:HI:N ("over", "points" [{"value" = m_x, "poi", "cl", ...}]);
    ascending expected bands, and the median expected CLs limit of a parabolic
    likelihood, 1.96 sigma (sigma: the Hessian error of br_x in the Asimov fit at br_x = 0), within 20%
    (the Poisson likelihood is not parabolic: sigma grows with br_x);
  - the posterior: mode weights in [0, 1] summing to 1, R-hat and ESS within each mode reported
    finite, the modes' m_x near the masses they were started at, HDIs nested (68% within 95%).
"""
import json
import math
import os
import subprocess
import sys

PLOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "rein-plot")
LIMITS = "belle2_knunu_invisible_limits.json"
BRAZIL = "belle2_knunu_invisible_brazil.png"


def brazil_plot(problems):
    """Draws LIMITS into BRAZIL; a problem unless it is a PNG, or numpy/matplotlib are missing."""
    if os.path.exists(BRAZIL):
        os.remove(BRAZIL)
    plot = subprocess.run([sys.executable, PLOT, "brazil", LIMITS, BRAZIL, "--xlabel", r"$m_X$ [GeV]",
                           "--ylabel", r"Upper limit on $\mathcal{B}(B^+\to K^+X)\,\mathcal{B}(X\to\mathrm{invisible})$ [$10^{-6}$]"],
                          capture_output=True, text=True)
    if plot.returncode != 0 and "needs the Python modules" in plot.stderr:
        print("invisible_resonance_check: no Brazil plot (rein-plot found no Python with numpy and matplotlib)", file=sys.stderr)
        return
    if plot.returncode != 0 or not os.path.exists(BRAZIL):
        problems.append(f"rein-plot brazil {LIMITS} failed: {plot.stderr.strip()}")
        return
    with open(BRAZIL, "rb") as f:
        if f.read(8) != b"\x89PNG\r\n\x1a\n" or os.path.getsize(BRAZIL) < 10000:
            problems.append(f"{BRAZIL} is not a PNG of a plot")


def main():
    if os.path.exists(LIMITS):
        os.remove(LIMITS)
    run = subprocess.run(sys.argv[1:] + ["--limits-out", LIMITS], capture_output=True, text=True)
    sys.stderr.write(run.stderr)
    if run.returncode != 0:
        sys.exit(f"invisible_resonance_check: {sys.argv[1]} exited with {run.returncode}\n{run.stdout}")
    s = json.loads(run.stdout)
    problems = []

    def check(condition, what):
        if not condition:
            problems.append(what)

    check(s["status"] == "ok", f"status {s['status']}")
    scan = s["profile_scan"]
    q, masses = scan["q"], scan["m_x"]
    check(all(x >= 0 for x in q), f"profile scan q < 0: {q}")
    best = s["best_fit"]
    check(best["status"] == "ok", f"best fit status {best['status']}")
    check(best["q"] >= max(q) - 1e-6, f"best fit q {best['q']} below the scan's maximum {max(q)}")
    step = masses[1] - masses[0] if len(masses) > 1 else 0.0
    best_point = masses[q.index(max(q))]
    check(abs(best["m_x"] - best_point) <= step + 1e-9, f"best fit m_x {best['m_x']} more than a step from {best_point}")
    check(best["br_x"] >= 0, f"br_x {best['br_x']} < 0")

    sig = s["significance"]
    local, glob = sig["local"], sig["global"]
    check(abs(local["q"] - max(q)) <= 1e-12 * max(1.0, max(q)), "local q is not the scan's maximum")
    p_expected = 0.5 * math.erfc(math.sqrt(local["q"] / 2))
    check(abs(local["p_chibar2"] - p_expected) <= 1e-6 * p_expected + 1e-12,
          f"local p_chibar2 {local['p_chibar2']} vs 1/2 P(chi2_1 >= q) = {p_expected}")
    w = local["chibar2_weights"]
    check(len(w) == 2 and abs(w[0] - 0.5) < 1e-12 and abs(w[1] - 0.5) < 1e-12, f"chi-bar-squared weights {w}, expected (1/2, 1/2)")
    n = sig["toys"] - sig["failed"]
    check(sig["failed"] == 0, f"{sig['failed']} toys failed")
    if n > 0:
        sd = math.sqrt(p_expected * (1 - p_expected) / n)
        check(abs(local["p_toys"] - p_expected) <= 4 * sd + 1.0 / n,
              f"local toy p {local['p_toys']} vs asymptotic {p_expected} (n = {n})")
        check(glob["p_toys"] >= local["p_toys"], "global toy p below the local one")
        check(glob["exceeding"] >= local["exceeding"], "fewer global than local exceedances")
        if local["exceeding"] > 0:
            check(sig["trials_factor"] >= 1, f"trials factor {sig['trials_factor']} < 1")
        check(glob["p_gross_vitells"] >= local["p_chibar2"], "Gross-Vitells bound below the local p-value")

    points = s["limits"]["points"]
    check(len(points) > 0, "no limits")
    check(s["limits"]["over"] == "m_x" and s["limits"]["status"] == "ok", "limits block: over m_x, status ok")
    if os.path.exists(LIMITS):
        with open(LIMITS) as f:
            check(json.load(f) == s["limits"], f"{LIMITS} differs from the summary's limits block")
        brazil_plot(problems)
    else:
        check(False, f"--limits-out wrote no {LIMITS}")
    for p in points:
        check(p["value"] == p["m_x"] and p["poi"] == "br_x" and p["cl"] == 0.95, f"limit point keys of rein upper-limit --over: {p}")
        exp = p["exp"]
        check(p["obs"] > 0 and all(b >= a for a, b in zip(exp, exp[1:])), f"limit at m_x = {p['m_x']}: {p['obs']} {exp}")
        check(p["obs_status"] == "ok" and all(x == "ok" for x in p["exp_status"]), f"limit statuses at m_x = {p['m_x']}")
        reference = 1.96 * p["sigma_br_x_asimov"]
        check(abs(exp[2] - reference) <= 0.2 * reference,
              f"median expected limit at m_x = {p['m_x']}: {exp[2]} vs 1.96 sigma = {reference}")

    post = s["posterior"]
    check(post["status"] == "ok", f"posterior status {post['status']}")
    modes = post["modes"]
    check(len(modes) >= 1, "no posterior modes")
    check(abs(sum(m["weight"] for m in modes) - 1) < 1e-12, "mode weights do not sum to 1")
    for m in modes:
        check(0 <= m["weight"] <= 1 and math.isfinite(m["weight_error"]), f"mode weight {m['weight']} +- {m['weight_error']}")
        check(math.isfinite(m["rhat_max"]) and math.isfinite(m["ess_bulk_min"]), "mode diagnostics not finite")
        check(min(abs(m["m_x"]["mean"] - start) for start in m["start_m_x"]) <= 0.5,
              f"mode m_x mean {m['m_x']['mean']} far from its starts {m['start_m_x']}")
    for name in ("m_x", "br_x"):
        h68, h95 = post[name]["hdi68"], post[name]["hdi95"]
        check(h95["lower"] <= h68["lower"] <= h68["upper"] <= h95["upper"], f"{name} HDIs not nested: {h68} {h95}")
    check(post["br_x"]["hdi95"]["lower"] >= 0, "br_x HDI below 0")

    for p in problems:
        print("invisible_resonance_check: FAIL " + p, file=sys.stderr)
    if problems:
        sys.exit(1)
    print(json.dumps({"local_z": local["z_chibar2"], "global_z_toys": glob["z_toys"], "seconds": s["seconds"],
                      "brazil_plot": os.path.abspath(BRAZIL) if os.path.exists(BRAZIL) else None}), file=sys.stderr)
    print("invisible_resonance_check: ok", file=sys.stderr)


if __name__ == "__main__":
    main()
