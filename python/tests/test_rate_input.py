"""Rates written in Python given bad input: registration refuses what no model could use (naming
the rate, the argument and the value) before any model loads, and a rate's bad return values are
refused when it is called, not integrated."""

import numpy as np
import pytest

import rein
from conftest import WET


def ones(q2, **params):
    return np.ones(len(q2))


def test_add_alternative_refuses_bad_arguments_at_registration():
    wet = rein.alternative_parameters("wet-b-to-k-nunu")
    cases = [
        (dict(dgamma_dq2=3, parameters=wet), r"rein.add_alternative\('py-bad'\): the rate 3 is not callable"),
        (dict(parameters=wet, derivative=3), r"rein.add_alternative\('py-bad'\): derivative = 3 is not callable \(nor True or None\)"),
        # a str was its letters, one parameter each
        (dict(parameters="abc"), r"rein.add_alternative\('py-bad'\): parameters = 'abc'; give a list of names or \(name, init, lower"),
        (dict(parameters=[("a", 0.0, 1.0, 2.0, 3.0)]), r"parameters\[0\] = \('a', 0.0, 1.0, 2.0, 3.0\) must be a name or \(name, init"),
        (dict(parameters=["a", "a"]), r"rein::models::add_alternative: 'py-bad' parameters\[1\] = 'a' repeats parameters\[0\]"),
        (dict(parameters=[("a", 0.0, 1.0, -1.0)]), r"parameters\[0\] \('a'\) has lower = 1, upper = -1; need lower < upper"),
        (dict(parameters=[("a", 5.0, 0.0, 1.0)]), r"parameters\[0\] \('a'\) has init = 5; need a finite value in \[0, 1\]"),
        (dict(parameters=[("a", float("nan"))]), r"parameters\[0\] \('a'\) has init = nan; need a finite value in \[-inf, inf\]"),
        # these failed only when a model loaded, naming the quadrature's options
        (dict(parameters=["a"], q2_range=(5.0, 1.0)), r"rein.add_alternative\('py-bad'\): q2_range = \(5, 1\); need min < max"),
        (dict(parameters=["a"], q2_range=5.0), r"rein.add_alternative\('py-bad'\): q2_range = 5.0 must be \(min, max\)"),
        (dict(parameters=["a"], relative_step=0.0), r"rein.add_alternative\('py-bad'\): relative_step = 0, must be finite and > 0"),
    ]
    for kwargs, message in cases:
        kwargs.setdefault("dgamma_dq2", ones)
        with pytest.raises(rein.InvalidArgument, match=message):
            rein.add_alternative("py-bad", **kwargs)
    assert "py-bad" not in rein.named_alternatives()
    # an older spelling of a built-in rate: files and alt= would read it as the built-in
    with pytest.raises(rein.InvalidArgument, match=r"'b_to_k_nunu' is the older spelling of 'wet-b-to-k-nunu'; choose another name"):
        rein.add_alternative("b_to_k_nunu", ones, wet)


def test_add_null_refuses_bad_arguments_and_negative_integrals():
    with pytest.raises(rein.InvalidArgument, match=r"rein.add_null\('py-bad-null'\): the rate None is not callable"):
        rein.add_null("py-bad-null", None, (0.0, 22.9))
    with pytest.raises(rein.InvalidArgument, match=r"rein::models::add_null: 'py-bad-null' has the support q2_min = 5, q2_max = 1; "
                                                   r"need q2_min < q2_max"):
        rein.add_null("py-bad-null", ones, (5.0, 1.0))
    with pytest.raises(rein.InvalidArgument, match=r"'hpqcd_null' is the older spelling of 'hpqcd-b-to-k-nunu'"):
        rein.add_null("hpqcd_null", ones, (0.0, 22.9))
    # a null below 0 flipped the sign of every weight, silently
    if "py-negative-null" not in rein.named_nulls():
        rein.add_null("py-negative-null", lambda q2: -np.ones(len(q2)), (0.0, 22.9))
    with pytest.raises(rein.InvalidArgument, match=r"the null rate integrates to -.* in kinematic bin 1 inside the cutoff; a rate must be >= 0"):
        rein.load(WET, null="py-negative-null", alt="wet-b-to-k-nunu")


def test_a_complex_rate_is_refused_not_cut_to_its_real_part():
    if "py-complex" not in rein.named_alternatives():
        rein.add_alternative("py-complex", lambda q2, **p: np.ones(len(q2)) * (1 + 1j), rein.alternative_parameters("wet-b-to-k-nunu"))
    m = rein.load(WET, null="hpqcd-b-to-k-nunu", alt="py-complex")
    with pytest.raises(rein.InvalidArgument, match=r"the Python rate 'py-complex' returned an array of complex numbers \(cvl = .*; a rate is real"):
        m.nll(m.inits)
