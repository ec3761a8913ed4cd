"""Reference pre-/post-fit yields with uncertainties for two_channel.json, computed with pyhf only.

Run once (not a test dependency):
  PYTHONPATH=/opt/pyhf-src/src /usr/bin/python3 tests/data/diagnostics/make_reference.py > tests/data/diagnostics/reference.json

Independent of rein: the best fit is pyhf's (scipy SLSQP, tolerance 1e-12); the covariance is the
inverse of the Hessian of pyhf's -logpdf by central second differences (step 1e-4 * max(1, |x|));
per-sample yields are pyhf's main_model.expected_data(return_by_sample=True); their Jacobian by
central differences (step 1e-6 * max(1, |x|)); sigma = sqrt(J C J^T) per bin, per channel total
(samples summed before propagating) and per channel sum over bins. Pre-fit: pyhf's suggested inits
and a diagonal covariance of pyhf's constraint widths (param_set(...).width()), 0 for unconstrained
parameters, as cabinetry's model_utils.prefit_uncertainties.
"""
import json
import sys

import numpy as np
import pyhf

pyhf.set_backend("numpy", pyhf.optimize.scipy_optimizer(tolerance=1e-12))
path = __file__.rsplit("/", 1)[0] + "/two_channel.json"
ws = pyhf.Workspace(json.load(open(path)))
model = ws.model()
data = np.asarray(ws.data(model))
names = model.config.par_names
n = len(names)

bestfit, twice_nll = pyhf.infer.mle.fit(data, model, return_fitted_val=True)
bestfit = np.asarray(bestfit, dtype=float)


def nll(x):
    return -float(model.logpdf(x, data)[0])


def hessian(x):
    h = 1e-4 * np.maximum(1.0, np.abs(x))
    out = np.zeros((n, n))
    for i in range(n):
        for j in range(i, n):
            def f(di, dj):
                y = x.copy()
                y[i] += di * h[i]
                y[j] += dj * h[j]
                return nll(y)
            out[i, j] = out[j, i] = (f(1, 1) - f(1, -1) - f(-1, 1) + f(-1, -1)) / (4 * h[i] * h[j])
    return out


def by_sample(x):
    return np.asarray(model.main_model.expected_data(x, return_by_sample=True))  # samples x bins


def jacobian(x):
    h = 1e-6 * np.maximum(1.0, np.abs(x))
    cols = []
    for i in range(n):
        up, down = x.copy(), x.copy()
        up[i] += h[i]
        down[i] -= h[i]
        cols.append((by_sample(up) - by_sample(down)) / (2 * h[i]))
    return np.stack(cols, axis=-1)  # samples x bins x parameters


def tables(x, cov):
    y, jac = by_sample(x), jacobian(x)
    sigma = lambda g: float(np.sqrt(g @ cov @ g))
    out = {}
    for channel in model.config.channels:
        sl = model.config.channel_slices[channel]
        samples = {}
        for k, sample in enumerate(model.config.samples):
            if not any(sample == s["name"] for c in ws["channels"] if c["name"] == channel for s in c["samples"]):
                continue
            samples[sample] = {
                "yields": y[k, sl].tolist(),
                "uncertainties": [sigma(g) for g in jac[k, sl]],
                "sum": float(y[k, sl].sum()),
                "sum_uncertainty": sigma(jac[k, sl].sum(axis=0)),
            }
        total = jac[:, sl].sum(axis=0)
        out[channel] = {
            "samples": samples,
            "total": y[:, sl].sum(axis=0).tolist(),
            "total_uncertainties": [sigma(g) for g in total],
            "total_sum_uncertainty": sigma(total.sum(axis=0)),
        }
    return out


cov = np.linalg.inv(hessian(bestfit))
inits = np.asarray(model.config.suggested_init(), dtype=float)
widths = []
for name in model.config.par_order:
    ps = model.config.param_set(name)
    widths += list(ps.width()) if ps.constrained else [0.0] * ps.n_parameters
prefit_cov = np.diag(np.square(widths))

json.dump({
    "description": __doc__,
    "versions": {"pyhf": pyhf.__version__, "numpy": np.__version__, "pyhf_commit": "b3dc4bb2"},
    "parameters": names,
    "bestfit": bestfit.tolist(),
    "errors": np.sqrt(np.diag(cov)).tolist(),
    "twice_nll": float(twice_nll),
    "prefit": tables(inits, prefit_cov),
    "postfit": tables(bestfit, cov),
}, sys.stdout, indent=1)
