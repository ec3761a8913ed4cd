"""A rate written in Python reweights the Belle II likelihood: a port of rein's WET rate
(wet_rate.py) gives the built-in model's yields to 1e-10 and its best fit, with finite-difference
gradients and with its analytic derivative; both agree with pyhf + redist (reference.json)."""

import numpy as np
import pytest

import rein
import wet_rate
from conftest import WET, reference


@pytest.fixture(scope="module")
def models():
    parameters = rein.alternative_parameters("wet-b-to-k-nunu")
    assert [p[0] for p in parameters] == wet_rate.PARAMETERS
    if "py-wet-fd" not in rein.named_alternatives():
        rein.add_alternative("py-wet-fd", wet_rate.dbr_dq2, parameters, q2_range=(0.0, wet_rate.Q2_MAX))
        rein.add_alternative("py-wet-exact", wet_rate.dbr_dq2, parameters, derivative=wet_rate.dbr_dq2_derivative,
                             q2_range=(0.0, wet_rate.Q2_MAX))
        rein.add_alternative("py-wet-both", wet_rate.dbr_dq2_and_derivative, parameters, derivative=True,
                             q2_range=(0.0, wet_rate.Q2_MAX))
    load = lambda alt: rein.load(WET, null="hpqcd-b-to-k-nunu", alt=alt)  # noqa: E731
    return load("wet-b-to-k-nunu"), load("py-wet-fd"), load("py-wet-exact"), load("py-wet-both")


def points(model):
    yield model.inits
    yield model.pars(cvl=11.3, ctl=8.21)
    yield model.pars(cvl=0.0, csl=10.0)
    yield model.pars(cvl=5.0, csl=5.0, ctl=5.0, **{"FFK_decorrelated[0]": 1.0} if "FFK_decorrelated[0]" in model.parameter_names else {})


def test_python_rate_gives_the_builtin_yields_to_1e_10(models):
    builtin, fd, exact, both = models
    for theta in points(builtin):
        # the same quadrature nodes and weights; the built-in integrates a kernel, the port the
        # rate: the sums differ by rounding only
        np.testing.assert_allclose(fd.expected(theta), builtin.expected(theta), rtol=1e-10, atol=0)
        np.testing.assert_allclose(exact.expected(theta), builtin.expected(theta), rtol=1e-10, atol=0)
        np.testing.assert_allclose(both.expected(theta), builtin.expected(theta), rtol=1e-10, atol=0)


def test_python_rate_gradients(models):
    builtin, fd, exact, both = models
    for theta in points(builtin):
        nll, gradient = builtin.nll_and_gradient(theta)
        nll_fd, gradient_fd = fd.nll_and_gradient(theta)
        nll_exact, gradient_exact = exact.nll_and_gradient(theta)
        nll_both, gradient_both = both.nll_and_gradient(theta)
        assert nll_fd == pytest.approx(nll, rel=1e-12) and nll_exact == pytest.approx(nll, rel=1e-12)
        assert nll_both == pytest.approx(nll, rel=1e-12)
        # analytic: rounding only (1e-9 of the gradient's scale); central differences with step
        # cbrt(eps): ~1e-10 relative truncation, rounding ~eps/cbrt(eps) = 4e-11 of the nll's terms
        scale = 1 + np.abs(gradient)
        assert np.max(np.abs(gradient_exact - gradient) / scale) < 1e-9
        assert np.max(np.abs(gradient_both - gradient) / scale) < 1e-9
        assert np.max(np.abs(gradient_fd - gradient) / scale) < 1e-6


def test_python_rate_fit_matches_the_builtin_and_pyhf_redist(models):
    fits = [rein.fit(m) for m in models]
    for f in fits:
        assert f["status"] == "ok"
    # pyhf + redist (iminuit, reference.json wet_fit): twice_nll to 1e-4 absolute (its tolerance)
    assert fits[0]["twice_nll"] == pytest.approx(reference("wet_fit", "values", "free", "twice_nll"), abs=1e-4)
    values = [{p["name"]: p["value"] for p in f["parameters"]} for f in fits]
    for f, v in zip(fits[1:], values[1:]):
        # the same minimum: twice_nll to 1e-8, the Wilson coefficients to 1e-4 relative (the
        # likelihood is flat along cvl/ctl trades; reference.json says ~1e-2 between minimisers)
        assert f["twice_nll"] == pytest.approx(fits[0]["twice_nll"], abs=1e-8)
        for name in ("cvl", "ctl"):
            assert v[name] == pytest.approx(values[0][name], rel=1e-4)


def test_python_rate_errors_name_the_rate():
    def broken(q2, **params):
        return np.full(len(q2) - 1, 1.0)

    def bare(q2, **params):  # derivative=True wants (rate, derivative)
        return np.ones(len(q2))

    def nan_derivative(q2, **params):
        d = np.ones((len(params), len(q2)))
        d[2, -1] = np.inf
        return np.ones(len(q2)), d

    def nan(q2, **params):
        return np.where(q2 > 10, np.nan, 1.0)

    parameters = rein.alternative_parameters("wet-b-to-k-nunu")
    for name, f in (("py-broken", broken), ("py-nan", nan)):
        if name not in rein.named_alternatives():
            rein.add_alternative(name, f, parameters)
    with pytest.raises(rein.InvalidArgument, match="Python rate 'py-broken' returned"):
        m = rein.load(WET, null="hpqcd-b-to-k-nunu", alt="py-broken")
        m.nll(m.inits)
    with pytest.raises(rein.DomainError, match="Python rate 'py-nan' is nan at q2 = "):
        m = rein.load(WET, null="hpqcd-b-to-k-nunu", alt="py-nan")
        m.nll(m.inits)
    with pytest.raises(rein.InvalidArgument, match="exists already"):
        rein.add_alternative("py-nan", nan, parameters)
    for name, f in (("py-bare", bare), ("py-nan-derivative", nan_derivative)):
        if name not in rein.named_alternatives():
            rein.add_alternative(name, f, parameters, derivative=True)
    with pytest.raises(rein.InvalidArgument, match=r"Python rate 'py-bare' returned array\(\[1\., .*; with derivative=True it must return "
                                                   r"a tuple \(rate, derivative\)"):
        m = rein.load(WET, null="hpqcd-b-to-k-nunu", alt="py-bare")
        m.nll(m.inits)
    with pytest.raises(rein.DomainError, match=r"Python rate derivative of 'py-nan-derivative' is inf at q2 = .* \(cvl = "):
        m = rein.load(WET, null="hpqcd-b-to-k-nunu", alt="py-nan-derivative")
        m.nll(m.inits)
    with pytest.raises(rein.InvalidArgument, match=r"derivative=False; give a callable, True .* or None"):
        rein.add_alternative("py-false", bare, parameters, derivative=False)


def test_python_exceptions_in_a_rate_reach_the_caller():
    def raising(q2, **params):
        raise ValueError("my rate failed")

    if "py-raising" not in rein.named_alternatives():
        rein.add_alternative("py-raising", raising, rein.alternative_parameters("wet-b-to-k-nunu"))
    m = rein.load(WET, null="hpqcd-b-to-k-nunu", alt="py-raising")
    with pytest.raises(ValueError, match="my rate failed"):
        rein.fit(m)


def test_older_rate_names_load_the_registry_rates(models):
    # `rein rate`'s spellings, as the CLI's --null/--alt take them (models::canonical_rate_name)
    builtin = models[0]
    old = rein.load(WET, null="hpqcd_null", alt="b_to_k_nunu")
    theta = builtin.pars(cvl=11.3, ctl=8.21)
    np.testing.assert_array_equal(old.expected(theta), builtin.expected(theta))  # the same rates: bit for bit


def test_the_rate_sees_one_read_only_node_array_and_is_not_called_again_at_the_same_point():
    seen = []

    def rate(q2, **params):
        seen.append(q2)
        return wet_rate.dbr_dq2(q2, **params)

    parameters = rein.alternative_parameters("wet-b-to-k-nunu")
    if "py-wet-seen" not in rein.named_alternatives():
        rein.add_alternative("py-wet-seen", rate, parameters, derivative=wet_rate.dbr_dq2_derivative, q2_range=(0.0, wet_rate.Q2_MAX))
    m = rein.load(WET, null="hpqcd-b-to-k-nunu", alt="py-wet-seen")
    theta = m.pars(cvl=11.3, ctl=8.21)
    m.nll(theta)
    calls = len(seen)
    m.nll(theta)  # the same rate parameters: the last point's integrals
    theta[m.index("corr_pid_c1")] += 0.01  # a nuisance parameter moves, the rate's stay
    m.nll(theta)
    assert len(seen) == calls
    assert all(q2 is seen[0] for q2 in seen) and not seen[0].flags.writeable
    with pytest.raises(ValueError):
        seen[0][0] = 1.0
    fit = rein.fit(m)
    # a fit calls the rate once per new point of its parameters: far fewer than its evaluations
    assert len(seen) < fit["evaluations"] / 2


def test_a_rate_with_its_derivative_is_called_once_per_point_and_points_are_kept():
    seen = []

    def rate(q2, **params):
        seen.append(tuple(params.values()))
        return wet_rate.dbr_dq2_and_derivative(q2, **params)

    parameters = rein.alternative_parameters("wet-b-to-k-nunu")
    if "py-wet-both-seen" not in rein.named_alternatives():
        rein.add_alternative("py-wet-both-seen", rate, parameters, derivative=True, q2_range=(0.0, wet_rate.Q2_MAX))
    m = rein.load(WET, null="hpqcd-b-to-k-nunu", alt="py-wet-both-seen")
    first = m.pars(cvl=11.3, ctl=8.21)
    m.nll(first)
    m.nll_and_gradient(first)  # the Jacobian came with the value: no second call
    assert len(seen) == 1
    for k in range(1, 16):  # 15 other points, then the first again: among the 16 kept (reweight::batch_rates)
        m.nll_and_gradient(m.pars(cvl=11.3 + k, ctl=8.21))
    m.nll_and_gradient(first)
    assert len(seen) == 16
    fit = rein.fit(m)
    # one call per point of the rate's parameters that is not among the last 16 computed
    assert all(seen[i] not in seen[max(0, i - 16):i] for i in range(16, len(seen)))
    assert len(seen) - 16 < fit["evaluations"] / 2
