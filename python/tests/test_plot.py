"""rein.plot: rein-plot's functions on the dicts rein returns; each figure draws the result's
numbers (checked against the dict) and bad input raises ValueError with rein-plot's message."""

import os

import numpy as np
import pytest

import rein
import rein.plot
from conftest import SIMPLE

SMALL = os.path.join(SIMPLE, "2bin_2channel.json")


@pytest.fixture(scope="module")
def small():
    return rein.load(SMALL)


def lines(fig):
    return [line for ax in fig.axes for line in ax.get_lines()]


def test_brazil_draws_the_observed_cls(small):
    limit = rein.upper_limit(small, scan=rein.linear_grid(0, 5, 11))
    fig = rein.plot.brazil(limit)
    observed = [p["cls_obs"] for p in limit["scan"]]
    assert any(np.array_equal(line.get_ydata(), observed) for line in lines(fig))


def test_scan_draws_the_profile(small):
    s = rein.scan(small, "0:3:7")
    fig = rein.plot.scan(s)
    assert any(np.array_equal(line.get_ydata(), [p["delta_twice_nll"] for p in s["points"]]) for line in lines(fig))


def test_corner_and_impacts_return_figures(small):
    import matplotlib.figure
    p = rein.sample(small, chains=2, warmup=100, draws=100, seed=4, threads=1)
    assert isinstance(rein.plot.corner(p), matplotlib.figure.Figure)
    assert isinstance(rein.plot.impacts(rein.impacts(small)), matplotlib.figure.Figure)
    with pytest.raises(ValueError, match="has no parameter 'nope'"):
        rein.plot.corner(p, names=["nope"])


def test_missing_scan_raises(small):
    with pytest.raises(ValueError, match="run rein upper-limit with --scan"):
        rein.plot.brazil(rein.upper_limit(small))


def test_results_of_the_wrong_kind_raise_value_error(small):
    with pytest.raises(ValueError, match=r"<upper_limit result> must be the dict of rein.upper_limit\(model, scan=...\), got NoneType"):
        rein.plot.brazil(None)
    with pytest.raises(ValueError, match="has no 'scan': run rein upper-limit with --scan"):
        rein.plot.brazil(rein.fit(small))
    with pytest.raises(ValueError, match=r"<grid> must be the dict of rein.grid, got list"):
        rein.plot.contour([])
    impacts = rein.impacts(small)
    with pytest.raises(ValueError, match=r"top = 0 must be an integer >= 1"):
        rein.plot.impacts(impacts, top=0)
    posterior = rein.sample(small, chains=1, warmup=50, draws=50, seed=3)
    # one name, not its letters
    assert rein.plot.corner(posterior, names="mu").axes
