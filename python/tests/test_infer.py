"""Inference from Python: each function returns the dict of the JSON its CLI verb prints, with
the same numbers (the same library call; wall times aside), and Belle II's CLs against pyhf."""

import os

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
