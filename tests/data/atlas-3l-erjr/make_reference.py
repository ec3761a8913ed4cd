"""Minima of 2·nll of the ATLAS 3L eRJR likelihood (BkgOnly.json + patch.ERJR_350p0_0p0.json) with
pyhf, corrected for pyhf's rounding of its one stiff Poisson constraint term.

Run: PYTHONPATH=<pyhf src> python3 make_reference.py  (pyhf 0.7.6.dev398, scikit-hep/pyhf b3dc4bb2,
numpy backend; scipy 1.10.1; mpmath 1.2.1).

The shapesys parameter shape_mcstat_diboson3LISR_CRISR_obs_cuts has a Poisson constraint with
tau ≈ 1.9e11: pyhf's term n ln(tau γ) − tau γ − ln Γ(n + 1) has pieces of ~5e12 and rounds at
~1e-3, so pyhf cannot minimise over γ. It is held at γ = 1 here (its conditional optimum is within
~1e-9 of 1: the main term's pull on it, |∂(2 nll)/∂γ| ≲ 10, against the curvature 2 tau ≈ 4e11,
moves 2·nll by ≲ 1e-10). With γ fixed, pyhf's value of that term is one constant (same bits at
every point) and the rest of 2·nll is smooth: L-BFGS-B and SLSQP (scaled coordinates, finite
differences) alternate until two rounds agree to 1e-11. Then pyhf's rounded constant is replaced
by the exact term (mpmath, 50 digits).
"""
import json
import sys

import mpmath
import numpy as np
import jsonpatch  # pyhf's dependency
import pyhf
import scipy.optimize

mpmath.mp.dps = 50
folder = sys.argv[1] if len(sys.argv) > 1 else "."
spec = json.load(open(f"{folder}/BkgOnly.json"))
patch = json.load(open(f"{folder}/patch.ERJR_350p0_0p0.json"))
patched = pyhf.Workspace(jsonpatch.apply_patch(spec, patch))
model = patched.model()
data = np.asarray(patched.data(model))
stiff = "shape_mcstat_diboson3LISR_CRISR_obs_cuts"
stiff_slice = model.config.par_slice(stiff)
poi = model.config.poi_index
init = np.asarray(model.config.suggested_init(), dtype=float)
bounds = np.asarray(model.config.suggested_bounds(), dtype=float)
fixed = np.asarray(model.config.suggested_fixed(), dtype=bool)
fixed[stiff_slice] = True
init[stiff_slice] = 1.0

# the stiff term at γ = 1 as pyhf computes it (its tensorlib), and exactly
stiff_set = model.config.param_set(stiff)
n = float(stiff_set.auxdata[0])
rate = float(stiff_set.factors[0]) * 1.0
pyhf_term = float(pyhf.tensorlib.poisson_logpdf(np.asarray([n]), np.asarray([rate]))[0])
exact_term = mpmath.mpf(n) * mpmath.log(mpmath.mpf(rate)) - mpmath.mpf(rate) - mpmath.loggamma(mpmath.mpf(n) + 1)
correction = -2 * (float(exact_term) - pyhf_term)  # add to pyhf's 2·nll


def twice_nll(x):
    return float(-2 * model.logpdf(x, data)[0])


def minimum(hold):
    free_index = [i for i in range(len(init)) if not fixed[i] and i not in hold]
    scale = np.ones(len(init))
    # scale by the constraint widths where pyhf knows them (normal: 1; staterror/shapesys: sigma)
    for name in model.config.parameters:
        ps = model.config.param_set(name)
        if getattr(ps, "width", None) is not None and ps.width() is not None:
            scale[model.config.par_slice(name)] = np.asarray(ps.width(), dtype=float)
    x0 = init.copy()
    for i, v in hold.items():
        x0[i] = v

    def full(z):
        x = x0.copy()
        x[free_index] = z * scale[free_index]
        return x

    z = x0[free_index] / scale[free_index]
    zb = [(lo / s, hi / s) for (lo, hi), s in zip(bounds[free_index], scale[free_index])]
    last = np.inf
    for _ in range(40):
        r1 = scipy.optimize.minimize(lambda z: twice_nll(full(z)), z, method="L-BFGS-B", bounds=zb,
                                     options={"ftol": 1e-15, "gtol": 1e-11, "maxiter": 20000, "maxfun": 10**6})
        r2 = scipy.optimize.minimize(lambda z: twice_nll(full(z)), r1.x, method="SLSQP", bounds=zb,
                                     options={"ftol": 1e-15, "maxiter": 2000})
        z = r2.x if r2.fun <= r1.fun else r1.x
        value = min(r1.fun, r2.fun)
        if abs(last - value) < 1e-11:
            break
        last = value
    return value, full(z)


results = {}
for label, hold in [("free", {}), ("mu0", {poi: 0.0}), ("mu1", {poi: 1.0}), ("mu0p4", {poi: 0.4}), ("mu2", {poi: 2.0})]:
    value, x = minimum(hold)
    results[label] = {"twice_nll": value + correction, "mu": float(x[poi])}
results["correction_added"] = correction
print(json.dumps(results, indent=1))
