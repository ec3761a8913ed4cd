#!/usr/bin/env python3
"""The flagship example against Belle II's published WET posterior.

usage: flagship_test.py BELLE2_KNUNU_WET_BINARY

Published (arXiv:2507.12393, Belle II B+ -> K+ nu nubar reinterpretation): posterior modes
(cvl, csl, ctl) = (11.3, 0.00, 8.21) and 95% HDIs [1.86, 16.2], [0.00, 15.4], [0.00, 11.2], with
uniform priors on [0, 20]. Acceptance (issue #6): modes within 0.5, HDI ends within 0.1 of the
published interval's width, R-hat < 1.01 and bulk ESS >= 1000. The modes compared are the joint
posterior mode (the best fit, the priors being flat): the marginal posteriors of csl and ctl are
plateaus whose KDE modes are not defined to better than several units (docs/bayes.md).
"""
import json
import subprocess
import sys

published = {"cvl": (11.3, [1.86, 16.2]), "csl": (0.00, [0.00, 15.4]), "ctl": (8.21, [0.00, 11.2])}
run = subprocess.run([sys.argv[1], "--threads", "2"], capture_output=True, text=True)
if run.returncode != 0:
    print(run.stderr, file=sys.stderr)
    sys.exit(1)
result = json.loads(run.stdout)
failures = []
for name, (mode, hdi) in published.items():
    p = result["parameters"][name]
    width = hdi[1] - hdi[0]
    checks = [
        (abs(p["mode"] - mode) <= 0.5, f"mode {p['mode']:.3f} vs {mode} (±0.5)"),
        (p.get("joint_mode") == p["mode"] and "marginal_mode" in p, "both modes under explicit keys, joint_mode = mode"),
        (abs(p["hdi95"][0] - hdi[0]) <= 0.1 * width, f"HDI low {p['hdi95'][0]:.3f} vs {hdi[0]} (±{0.1 * width:.2f})"),
        (abs(p["hdi95"][1] - hdi[1]) <= 0.1 * width, f"HDI high {p['hdi95'][1]:.3f} vs {hdi[1]} (±{0.1 * width:.2f})"),
        (p["rhat"] < 1.01, f"R-hat {p['rhat']:.4f} < 1.01"),
        (p["ess_bulk"] >= 1000, f"bulk ESS {p['ess_bulk']:.0f} >= 1000"),
    ]
    for ok, what in checks:
        print(("ok   " if ok else "FAIL ") + name + ": " + what)
        if not ok:
            failures.append(name + ": " + what)
if result["status"] != "ok":
    failures.append("status " + result["status"])
print(f"posterior in {result['sampler']['seconds']:.1f} s, whole example {result['seconds']:.1f} s")
sys.exit(1 if failures else 0)
