"""Posterior sampling from Python: the draws of `rein sample` as numpy arrays (chain, draw,
parameter), the same summaries as the CLI prints, and ArviZ's from_dict layout."""

import json
import os

import numpy as np
import pytest

import rein
from conftest import SIMPLE, run_cli, without_seconds

SMALL = os.path.join(SIMPLE, "2bin_2channel.json")


def test_draws_and_summary_match_rein_sample(tmp_path):
    model = rein.load(SMALL)
    p = rein.sample(model, chains=2, warmup=200, draws=300, seed=11, threads=2)
    names, draws = p["names"], p["draws"]
    assert draws.shape == (2, 300, len(names)) and p["log_prob"].shape == (2, 300)
    assert names == [n for n, fixed in zip(model.parameter_names, model.fixed) if not fixed]
    out = tmp_path / "draws.json"
    cli = run_cli("sample", SMALL, "--chains", 2, "--warmup", 200, "--draws", 300, "--seed", 11, "--threads", 2, "--out", out)
    # the same library run: bit-identical draws and summary (the CLI's "out" names its file)
    with open(out) as f:
        written = json.load(f)
    assert written["names"] == names
    np.testing.assert_array_equal(np.array(written["chains"]), draws)
    np.testing.assert_array_equal(np.array(written["log_prob"]), p["log_prob"])
    summary = without_seconds(p["summary"])
    cli = without_seconds(cli)
    cli["out"] = None
    assert summary == cli


ONE_BIN = {
    "channels": [{"name": "c", "samples": [
        {"name": "s", "data": [1.0], "modifiers": [{"name": "mu", "type": "normfactor", "data": None}]},
        {"name": "b", "data": [50.0], "modifiers": []}]}],
    "observations": [{"name": "c", "data": [55.0]}],
    "measurements": [{"name": "m", "config": {"poi": "mu", "parameters": [{"name": "mu", "bounds": [[0, 40]]}]}}],
    "version": "1.0.0",
}


def test_posterior_mean_of_a_normal_likelihood():
    # one Poisson bin, no systematics, flat prior: the posterior of s in n ~ Poisson(s + b) has a
    # closed form (Gamma(n + 1) shifted by b, truncated at 0); its mean for n = 55, b = 50 is
    # computed by scipy below and checked to 4 Monte Carlo standard errors
    from scipy import integrate, stats
    model = rein.load(ONE_BIN)
    p = rein.sample(model, chains=4, warmup=500, draws=1000, seed=1, threads=2)
    density = lambda mu: stats.poisson.pmf(55, mu + 50.0)  # noqa: E731
    norm = integrate.quad(density, 0, 40)[0]
    mean = integrate.quad(lambda mu: mu * density(mu), 0, 40)[0] / norm
    s = p["summary"]["parameters"]["mu"]
    standard_error = s["sd"] / np.sqrt(s["ess_bulk"])
    assert abs(s["mean"] - mean) < 4 * standard_error
    assert p["draws"][:, :, 0].mean() == pytest.approx(s["mean"], rel=1e-12)


def test_arviz_layout():
    model = rein.load(SMALL)
    p = rein.sample(model, chains=2, warmup=100, draws=50, seed=2, threads=1)
    d = rein.to_arviz_dict(p)
    assert set(d) == {"posterior", "sample_stats"}
    assert list(d["posterior"]) == p["names"]
    for i, name in enumerate(p["names"]):
        assert d["posterior"][name].shape == (2, 50)
        np.testing.assert_array_equal(d["posterior"][name], p["draws"][:, :, i])
    assert d["sample_stats"]["lp"].shape == (2, 50)


def test_bad_prior_raises():
    model = rein.load(SMALL)
    with pytest.raises(rein.InvalidArgument, match="must be uniform, normal or log-uniform"):
        rein.sample(model, priors={model.poi: ("cauchy", 0, 1)}, chains=1, warmup=10, draws=10)



def test_evidence_of_a_poisson_bin_matches_the_closed_form():
    # n = 55 ~ Poisson(mu + 50), mu uniform on [0, 40] (density 1/40): Z = (1/40) int_50^90
    # x^n e^-x / n! dx = [P(n + 1, 90) - P(n + 1, 50)] / 40 with P the regularised lower incomplete
    # gamma function (scipy.special.gammainc, double precision). Bridge sampling is a Monte Carlo
    # estimate: within 4 of its standard errors (plus 1e-3 for the error's own uncertainty).
    from scipy import special, stats
    model = rein.load(ONE_BIN)
    # the likelihood is the full Poisson pmf (with ln n!), so Z above is rein's normalisation too
    assert model.nll(model.pars(mu=3.0)) == pytest.approx(-stats.poisson.logpmf(55, 53.0), rel=1e-12)
    log_z = np.log((special.gammainc(56, 90.0) - special.gammainc(56, 50.0)) / 40.0)
    p = rein.sample(model, chains=4, warmup=500, draws=1000, seed=3, threads=2, priors={"mu": ("uniform", 0, 40)}, evidence=True)
    z = p["evidence"]
    assert z is p["summary"]["evidence"] or z == p["summary"]["evidence"]
    assert set(z) == {"method", "log_z", "log_z_error", "iterations", "converged", "posterior_draws", "proposal_draws"}
    assert z["method"] == "bridge" and z["converged"] and 0 < z["log_z_error"] < 0.05
    assert abs(z["log_z"] - log_z) < 4 * z["log_z_error"] + 1e-3


def test_evidence_matches_rein_sample_evidence_bridge():
    cli = run_cli("sample", SMALL, "--chains", 2, "--warmup", 150, "--draws", 200, "--seed", 5, "--evidence", "bridge")
    p = rein.sample(rein.load(SMALL), chains=2, warmup=150, draws=200, seed=5, evidence="bridge")
    assert p["evidence"] == cli["evidence"] and p["evidence"]["log_z"] is not None  # the same library run: bit for bit
    assert rein.sample(rein.load(SMALL), chains=1, warmup=10, draws=10)["evidence"] is None
    with pytest.raises(rein.InvalidArgument, match="evidence = 'laplace'"):
        rein.sample(rein.load(SMALL), evidence="laplace")


def test_start_metric_and_priors_as_rein_sample(tmp_path):
    # --start, --metric and --prior go through the same library words and call as rein.sample's
    # start=, metric=, priors=: the same draws bit for bit for the same seed
    model = rein.load(SMALL)
    poi = model.poi
    p = rein.sample(model, chains=2, warmup=100, draws=120, seed=4, start="inits", metric="dense",
                    priors={poi: ("uniform", 0.0, 5.0)})
    out = tmp_path / "draws.json"
    run_cli("sample", SMALL, "--chains", 2, "--warmup", 100, "--draws", 120, "--seed", 4, "--start", "inits", "--metric", "dense",
            "--prior", f"{poi}=uniform:0:5", "--out", out)
    with open(out) as f:
        written = json.load(f)
    np.testing.assert_array_equal(np.array(written["chains"]), p["draws"])
    assert p["summary"]["sampler"]["metric"] == "dense"
    with pytest.raises(rein.InvalidArgument, match="rein.sample: start 'mode' must be best-fit or inits"):
        rein.sample(model, start="mode", chains=1, warmup=10, draws=10)
    with pytest.raises(rein.InvalidArgument, match="rein.sample: metric 'unit' must be diagonal or dense"):
        rein.sample(model, metric="unit", chains=1, warmup=10, draws=10)


def test_sample_multistart_matches_rein_sample_multistart():
    # the same library call (io::sample_from_profile_peaks) behind both: the same summary, modes
    # and evidences bit for bit (wall times aside)
    cli = run_cli("sample", SMALL, "--multistart", "mu=0:3:7", "--modes", 2, "--chains", 2, "--warmup", 150, "--draws", 200,
                  "--seed", 6, "--evidence", "bridge")
    p = rein.sample_multistart(rein.load(SMALL), "mu", "0:3:7", modes=2, chains=2, warmup=150, draws=200, seed=6, evidence=True)
    assert without_seconds(p["summary"]) == without_seconds(cli)
    assert "modes" in p["summary"] and p["evidence"] == cli["evidence"]
    assert p["draws"].shape[0] == 1 and p["draws"].shape[2] == len(p["names"])
    with pytest.raises(rein.InvalidArgument, match="modes = 0"):
        rein.sample_multistart(rein.load(SMALL), "mu", "0:3:7", modes=0)


def test_bad_sampling_arguments_name_the_argument():
    model = rein.load(SMALL)
    with pytest.raises(rein.InvalidArgument, match=r"rein.sample: priors\['mu'\] = \('uniform', 0\) must be \(family, a, b\)"):
        rein.sample(model, priors={"mu": ("uniform", 0)})
    with pytest.raises(rein.InvalidArgument, match=r"rein.sample: priors\['mu'\] = 'uniform' must be \(family, a, b\)"):
        rein.sample(model, priors={"mu": "uniform"})
    with pytest.raises(rein.InvalidArgument, match=r"rein.sample: draws = 10.5 must be an integer"):
        rein.sample(model, draws=10.5)
    # an empty grid said that no fit converged on it
    with pytest.raises(rein.InvalidArgument, match=r"rein.sample_multistart: values: needs at least one value of 'mu'"):
        rein.sample_multistart(model, "mu", [])
    with pytest.raises(rein.InvalidArgument, match=r"rein.to_arviz_dict: posterior must be what rein.sample returns \(names, draws, "
                                                   r"log_prob\), got \['at_bound'"):
        rein.to_arviz_dict(rein.fit(model))
    # one name is one name, not its letters
    p = rein.sample(model, chains=1, warmup=50, draws=50, seed=3, parameters="mu")
    assert list(p["summary"]["parameters"]) == ["mu"]
