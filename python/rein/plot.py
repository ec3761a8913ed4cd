"""Plots of rein's results with matplotlib, returning the figure: the functions of the
``rein-plot`` script (scripts/rein-plot, copied into the package as rein._rein_plot when it is
built), taking the dicts rein's functions return.

    fig = rein.plot.brazil(rein.upper_limit(model, scan=rein.linear_grid(0, 10, 21)))
    fig.savefig("brazil.png")

Bad input raises ValueError with rein-plot's message. Importing rein.plot selects matplotlib's Agg
backend unless pyplot is already imported (then its backend stays).
"""

import sys

import matplotlib

# the script selects Agg; a backend already in use (a notebook's inline one) is put back
_backend = matplotlib.get_backend() if "matplotlib.pyplot" in sys.modules else None
from . import _rein_plot  # noqa: E402

if _backend:
    matplotlib.use(_backend)


def _fail(message):
    raise ValueError(message)


_rein_plot.fail = _fail  # the script exits on bad input; a library raises


def _result(result, name, what):
    """`result` checked to be a dict (the script reads keys of it), under `name` in messages."""
    if not isinstance(result, dict):
        _fail(f"{name} must be {what}, got {type(result).__name__}")
    return result

__all__ = ["brazil", "scan", "impacts", "postfit", "corner", "contour"]


def brazil(limit):
    """CLs against the POI with the expected band: ``rein.upper_limit(model, scan=...)``."""
    name = "<upper_limit result>"
    return _rein_plot.brazil(_result(limit, name, "the dict of rein.upper_limit(model, scan=...)"), name)


def scan(result):
    """The profile-likelihood curve with its intervals (``rein.scan``) or the 68 % / 95 % contours
    of ``rein.scan_2d``."""
    return _rein_plot.scan(_result(result, "<scan result>", "the dict of rein.scan or rein.scan_2d"), "<scan result>")


def impacts(result, top=30):
    """Pulls, constraints and ranked impacts on the POI: ``rein.impacts``."""
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        _fail(f"<impacts result>: top = {top!r} must be an integer >= 1 (the number of parameters ranked)")
    return _rein_plot.impacts(_result(result, "<impacts result>", "the dict of rein.impacts"), "<impacts result>", top)


def postfit(summary):
    """Post-fit yields stacked by sample against the data: a dict with a ``postfit`` block (as the
    examples print)."""
    return _rein_plot.postfit(_result(summary, "<postfit summary>", "a dict with a postfit block"), "<postfit summary>")


def corner(posterior, names=None):
    """1-D and 2-D marginals of ``rein.sample``'s draws (default: up to 6 parameters)."""
    _result(posterior, "<posterior>", "the dict of rein.sample")
    draws = {"names": list(posterior["names"]), "chains": posterior["draws"].tolist()} if "draws" in posterior else posterior
    if isinstance(names, str):  # one name, not its letters
        names = [names]
    return _rein_plot.corner(draws, "<posterior>", list(names) if names else None)


def contour(grid, x=0, y=1, where=None, xlabel=None, ylabel=None):
    """Observed and expected exclusion contours of a signal grid (the JSON of ``rein grid``)."""
    return _rein_plot.contour(_result(grid, "<grid>", "the dict of rein.grid"), "<grid>", x, y, where or {}, xlabel, ylabel)
