"""Inference from Python: each function returns the dict of the JSON its CLI verb prints, with
the same numbers (the same library call; wall times aside), and Belle II's CLs against pyhf."""

import os

import numpy as np
import pytest

import rein
from conftest import BELLE2, SIMPLE, reference, run_cli, without_seconds

SMALL = os.path.join(SIMPLE, "2bin_2channel.json")


@pytest.fixture(scope="module")
def small():
    return rein.load(SMALL)


def test_belle2_cls_matches_pyhf(belle2):
    r = rein.hypotest(belle2, 6.0)
    ref = reference("fit_combined", "values", "asymptotic_qtilde", "cls_points", "6.0")
    # pyhf 0.7.6 scipy SLSQP fits (reference.json): CLs to 1e-4 relative (the fits agree to ~3e-6 in 2 nll)
    assert r["cls_obs"] == pytest.approx(ref["CLs_obs"], rel=1e-4)
    assert r["cls_exp"][2] == pytest.approx(ref["CLs_exp_m2_m1_med_p1_p2"][2], rel=1e-3)
    assert without_seconds(r) == without_seconds(run_cli("cls", BELLE2, "--mu", 6))


def test_hypotest_q_statistic_matches_the_cli(small):
    assert without_seconds(rein.hypotest(small, 1.5, test_stat="q")) == \
        without_seconds(run_cli("cls", SMALL, "--mu", 1.5, "--test-stat", "q"))


def test_upper_limit_with_band_and_curve_matches_the_cli(small):
    r = rein.upper_limit(small, scan=rein.linear_grid(0, 5, 6))
    assert without_seconds(r) == without_seconds(run_cli("upper-limit", SMALL, "--scan", "0:5:6"))
    assert len(r["exp"]) == 5 and r["exp"][0] < r["exp"][2] < r["exp"][4]


def test_significance_matches_the_cli(small):
    assert without_seconds(rein.significance(small)) == without_seconds(run_cli("significance", SMALL))
    toys = rein.significance(small, toys=40, seed=3, threads=2)
    assert without_seconds(toys) == without_seconds(run_cli("significance", SMALL, "--toys", "40", "--seed", "3"))
    assert toys["calculator"] == "toys" and toys["failed_fits"] == toys["failed_fits_b"] + toys["failed_fits_sb"]


def test_scans_match_the_cli(small):
    assert without_seconds(rein.scan(small, "0:3:7")) == without_seconds(run_cli("scan", SMALL, "--range", "0:3:7"))
    names = small.parameter_names
    other = next(n for n in names if n != small.poi and not small.fixed[small.index(n)])
    lo, hi = small.bounds[small.index(other)]
    lo, hi = max(lo, 0.5), min(hi, 1.5)
    r = rein.scan_2d(small, small.poi, "0:2:3", other, f"{lo}:{hi}:3")
    cli = run_cli("scan", SMALL, "--poi", small.poi, "--range", "0:2:3", "--poi2", other, "--range2", f"{lo}:{hi}:3")
    assert without_seconds(r) == without_seconds(cli)


def test_impacts_and_gof_match_the_cli(small):
    assert without_seconds(rein.impacts(small, threads=2)) == without_seconds(run_cli("impacts", SMALL, "--threads", 2))
    assert without_seconds(rein.gof(small, toys=50, seed=3, threads=2)) == \
        without_seconds(run_cli("gof", SMALL, "--toys", 50, "--seed", 3, "--threads", 2))
    assert without_seconds(rein.gof(small, toys=20, seed=3, algo="ks")) == \
        without_seconds(run_cli("gof", SMALL, "--toys", 20, "--seed", 3, "--algo", "ks"))
    assert without_seconds(rein.compatibility(small)) == without_seconds(run_cli("compatibility", SMALL))


def test_toys_match_the_cli_whatever_the_threads(small):
    one = rein.hypotest(small, 1.0, toys=200, seed=7, threads=1)
    two = rein.hypotest(small, 1.0, toys=200, seed=7, threads=2)
    assert without_seconds(one) == without_seconds(two)
    assert without_seconds(one) == without_seconds(run_cli("cls", SMALL, "--mu", 1, "--toys", 200, "--seed", 7))
    # toys and asymptotics agree within the toys' binomial error (3 sigma)
    asymptotic = rein.hypotest(small, 1.0)
    assert abs(one["clsb_obs"] - asymptotic["clsb_obs"]) < 3 * one["clsb_obs_error"] + 0.02


def test_bad_options_raise_with_reins_message(small):
    with pytest.raises(rein.InvalidArgument, match="need at least one toy|toys"):
        rein.upper_limit(small, toys=5, scan=[0, 1])
    with pytest.raises(rein.InvalidArgument, match="no-such-par"):
        rein.fit(small, fixed={"no-such-par": 1.0})


def test_bad_arguments_are_refused_naming_the_argument_and_value(small):
    # wrong kinds of arguments: rein's error naming the argument, not a Python error from inside
    with pytest.raises(rein.InvalidArgument, match=r"rein.fit: model is str '.*2bin_2channel.json'; give a rein.Model \(rein.load\(...\)\)"):
        rein.fit(SMALL)
    with pytest.raises(rein.InvalidArgument, match=r"rein.fit: fixed\['mu'\] = 'abc' must be a real number"):
        rein.fit(small, fixed={"mu": "abc"})
    with pytest.raises(rein.InvalidArgument, match=r"rein.fit: fixed holds 'mu'; give \{name: value\} or \(name, value\) pairs"):
        rein.fit(small, fixed=["mu"])
    with pytest.raises(rein.InvalidArgument, match=r"rein.hypotest: fixed: 'mu' is given twice"):
        rein.hypotest(small, 1.0, fixed=[("mu", 1.0), ("mu", 2.0)])
    with pytest.raises(rein.InvalidArgument, match=r"rein.hypotest: toys = 2.5 must be an integer"):
        rein.hypotest(small, 1.0, toys=2.5)
    with pytest.raises(rein.InvalidArgument, match=r"rein.hypotest: seed = 18446744073709551616 is out of range \(a 64-bit integer\)"):
        rein.hypotest(small, 1.0, toys=10, seed=2**64)
    # negative toys ran the asymptotics, a bad seed or thread count without toys went unnoticed
    with pytest.raises(rein.InvalidArgument, match=r"rein.hypotest: toys = -5, must be >= 0 \(0: asymptotics\)"):
        rein.hypotest(small, 1.0, toys=-5)
    with pytest.raises(rein.InvalidArgument, match=r"rein.significance: toys = -1, must be >= 0"):
        rein.significance(small, toys=-1)
    with pytest.raises(rein.InvalidArgument, match=r"rein.upper_limit: seed = -1, must be >= 0"):
        rein.upper_limit(small, seed=-1)
    with pytest.raises(rein.InvalidArgument, match=r"threads = 0: must be >= 1"):
        rein.hypotest(small, 1.0, threads=0)
    assert without_seconds(rein.hypotest(small, np.array(1.0))) == without_seconds(rein.hypotest(small, 1))  # numbers of any kind
    with pytest.raises(rein.InvalidArgument, match=r"rein.hypotest: mu = array\(\[1.\]\) must be a real number"):
        rein.hypotest(small, np.array([1.0]))
    with pytest.raises(rein.InvalidArgument, match=r"rein.hypotest: test_stat = None must be a str"):
        rein.hypotest(small, 1.0, test_stat=None)
    with pytest.raises(rein.InvalidArgument, match=r"rein.impacts: prefit = 'no' must be True or False"):
        rein.impacts(small, prefit="no")


def test_nan_and_infinite_values_are_refused_not_computed(small):
    # NaN found any cached fit: a CLs curve point or the expected significance of another mu
    with pytest.raises(rein.InvalidArgument, match=r"rein::infer::cls_curve: grid\[1\] = nan, must be finite"):
        rein.upper_limit(small, scan=[1.0, float("nan")])
    with pytest.raises(rein.InvalidArgument, match=r"rein::infer::discovery_significance: asimov_mu = nan, must be finite"):
        rein.significance(small, asimov_mu=float("nan"))
    with pytest.raises(rein.InvalidArgument, match=r"the parameter of interest 'mu' = nan, must be a number"):
        rein.hypotest(small, float("nan"))
    with pytest.raises(rein.InvalidArgument, match=r"rein::infer::linear_grid: lo and hi must be finite, got 0:inf:3"):
        rein.linear_grid(0, float("inf"), 3)
    # 2**31 - 1 points allocated 16 GB
    with pytest.raises(rein.InvalidArgument, match=r"rein::infer::linear_grid: n = 2147483647 points, at most 10000000"):
        rein.linear_grid(0, 1, 2**31 - 1)


def test_scan_values_are_a_sequence_or_lo_hi_n(small):
    with pytest.raises(rein.InvalidArgument, match=r"rein.scan: values '0:10' must be LO:HI:N, e.g. 0:10:21"):
        rein.scan(small, "0:10")
    with pytest.raises(rein.InvalidArgument, match=r"rein.scan: values N = '2.5' is not an integer"):
        rein.scan(small, "0:10:2.5")
    with pytest.raises(rein.InvalidArgument, match=r"rein.scan: values has the shape \(2, 2\); give a one-dimensional sequence"):
        rein.scan(small, np.ones((2, 2)))
    with pytest.raises(rein.InvalidArgument, match=r"rein.scan_2d: y_values = \['a'\]; give a one-dimensional sequence"):
        rein.scan_2d(small, "mu", [1.0], "uncorr_bkguncrt_control[0]", ["a"])
    # upper_limit's scan takes "LO:HI:N" as --scan does
    assert without_seconds(rein.upper_limit(small, scan="0:2:3")) == without_seconds(rein.upper_limit(small, scan=[0, 1, 2]))


def test_single_names_are_one_name_and_grids_check_cl_once(small, tmp_path):
    # a str was iterated as its letters ('m' is not a parameter)
    assert without_seconds(rein.impacts(small, parameters="uncorr_bkguncrt_control[0]")) == \
        without_seconds(rein.impacts(small, parameters=["uncorr_bkguncrt_control[0]"]))
    patch = tmp_path / "patch.sig_1.json"
    patch.write_text('[{"op": "replace", "path": "/channels/0/samples/0/data", "value": [10.0, 35.0]}]')
    # every point failed alike, with limits of 0
    with pytest.raises(rein.InvalidArgument, match=r"rein::infer::grid: options.limit.cl = 2, must lie in \(0, 1\)"):
        rein.grid(SMALL, patches=[str(patch)], cl=2)
    with pytest.raises(rein.InvalidArgument, match=r"rein.grid: workspace is dict; give the background-only workspace's file path"):
        rein.grid({}, patches=[str(patch)])
    with pytest.raises(rein.InvalidArgument, match=r"rein.grid: patches = 3; give a patch file's path or a list of them"):
        rein.grid(SMALL, patches=3)
