"""rein: statistical inference and reinterpretation for particle physics, from Python.

Every function calls the rein library as the ``rein`` command line does, and returns the result
as a plain dict with the keys of the JSON the command line prints (docs/python.md; the formats
are in docs/*.md). Loading and evaluating a likelihood::

    import rein
    model = rein.load("data/belle2-knunu/combined_likelihood.json")
    rein.fit(model)["parameters"]["mu"]

Errors raise rein.Error subclasses (InvalidArgument, DomainError, IOError, ConvergenceError)
carrying rein's message. Fits, toys and sampling run without the GIL; Ctrl-C stops toys, impacts,
goodness-of-fit toys and sampling between tasks.
"""

import json
import math
import numbers
import operator
import os
from collections.abc import Mapping, Sequence

import numpy as np

from . import _rein
from ._rein import ConvergenceError, DomainError, Error, InvalidArgument, IOError  # noqa: F401 (re-exported)

__version__ = _rein.__version__

__all__ = [
    "Model", "load", "fit", "hypotest", "upper_limit", "significance", "scan", "scan_2d", "grid", "impacts", "gof", "compatibility",
    "sample", "sample_multistart", "to_arviz_dict", "add_alternative", "add_null", "named_nulls", "named_alternatives",
    "linear_grid", "Error", "InvalidArgument", "DomainError", "IOError", "ConvergenceError",
]


def _json_default(value):
    """NumPy arrays and numbers in a workspace or patch dict, as JSON (json.dumps's default=)."""
    if isinstance(value, (np.ndarray, np.generic)):
        return value.tolist()
    raise InvalidArgument(f"rein.load: the dict holds {type(value).__name__} {value!r:.80}, which is not JSON (numbers, strings, "
                          "lists, dicts, numpy arrays)")


def _text(value, what, function="load", optional=True):
    """A str option (or None if optional), checked: a number where a name belongs is a mistake, not a name."""
    if not isinstance(value, str) and not (optional and value is None):
        raise InvalidArgument(f"rein.{function}: {what} = {value!r:.80} must be a str" + (" (or None)" if optional else ""))
    return value


def _bool(value, what, function):
    """A flag: True or False (a str such as "no" is not False)."""
    if not isinstance(value, (bool, np.bool_)) and not (isinstance(value, numbers.Integral) and value in (0, 1)):
        raise InvalidArgument(f"rein.{function}: {what} = {value!r:.80} must be True or False")
    return bool(value)


def _integer(value, what, function):
    """A count, seed or index as an int for the compiled calls: integral numbers only (2.5 toys is a
    typo, not 2) within a 64-bit integer."""
    integer = None
    if not isinstance(value, bool):
        try:
            integer = operator.index(value)
        except TypeError:
            if isinstance(value, numbers.Real) and math.isfinite(value) and float(value).is_integer():
                integer = int(value)
    if integer is None:
        raise InvalidArgument(f"rein.{function}: {what} = {value!r:.80} must be an integer")
    if not -2**63 <= integer < 2**63:
        raise InvalidArgument(f"rein.{function}: {what} = {integer} is out of range (a 64-bit integer)")
    return integer


def _real(value, what, function):
    """A real number as a float, checked (no str, bool or complex; a 0-d array of one is one)."""
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf":
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidArgument(f"rein.{function}: {what} = {value!r:.80} must be a real number")
    return float(value)


def _model_of(model, function):
    """The compiled model of a rein.Model, checked."""
    if not isinstance(model, Model):
        raise InvalidArgument(f"rein.{function}: model is {type(model).__name__} {model!r:.80}; give a rein.Model (rein.load(...))")
    return model._model


def _names(names, what, function):
    """Parameter names as a list: one str is one name (not its letters)."""
    if isinstance(names, str):
        return [names]
    names = list(names)
    for i, name in enumerate(names):
        if not isinstance(name, str):
            raise InvalidArgument(f"rein.{function}: {what}[{i}] = {name!r:.80} must be a parameter name (str)")
    return names


def _patch_entries(patches, patch_name, patch_values):
    """(path, name, values JSON, document JSON) per patch, as rein._rein.load_* take them."""
    if patches is None:
        patches = []
    elif isinstance(patches, (str, os.PathLike, dict)):
        patches = [patches]
    elif not isinstance(patches, (list, tuple)):
        raise InvalidArgument(f"rein.load: patches = {patches!r:.80}; give a path, a dict or a list of them")
    patches = list(patches)

    def aligned(option, what):
        if option is None:
            return [None] * len(patches)
        if isinstance(option, str) or (what == "patch_values" and option and not isinstance(option[0], (list, tuple))):
            option = [option]
        option = list(option)
        if len(option) > len(patches):
            raise InvalidArgument(f"{what}: {len(option)} given for {len(patches)} patches")
        return option + [None] * (len(patches) - len(option))

    names = aligned(patch_name, "patch_name")
    values = aligned(patch_values, "patch_values")
    entries = []
    for i, (p, name, vals) in enumerate(zip(patches, names, values)):
        if isinstance(p, dict) or isinstance(p, list):
            path, document = f"<patch {i}>", json.dumps(p, default=_json_default)
        else:
            path, document = os.fspath(p), None
        entries.append((path, name, None if vals is None else json.dumps(list(vals)), document))
    return entries


class Model:
    """A loaded likelihood: a pyhf workspace (with patches, measurement, interpolation codes, or
    parametric shapes), a redist saved model or a reweighted workspace with named rates.

    Parameters are numpy vectors in the order of ``parameter_names``. Models pickle by what they
    were loaded from (file or document, and the options), so Dask workers reload them.
    """

    def __init__(self, compiled, load_args):
        self._model = compiled
        self._load_args = load_args

    def __reduce__(self):
        source, options = self._load_args
        return (_reload, (source, options))

    def __repr__(self):
        return f"<rein.Model {self.kind} {self.path!r}: {len(self.parameter_names)} parameters, {self.n_bins} bins>"

    kind = property(lambda self: self._model.kind, doc="workspace, shape_workspace, redist or reweighted_workspace")
    path = property(lambda self: self._model.path, doc="the file (or document name) the model was loaded from")
    parameter_names = property(lambda self: self._model.parameter_names, doc="the parameters, in vector order")
    inits = property(lambda self: self._model.inits, doc="initial values (numpy array)")
    bounds = property(lambda self: self._model.bounds, doc="(n, 2) array of lower and upper bounds (±inf for none)")
    fixed = property(lambda self: self._model.fixed, doc="whether each parameter is fixed by the measurement")
    poi = property(lambda self: self._model.poi, doc="the parameter of interest's name, or None")
    n_bins = property(lambda self: self._model.n_bins, doc="main bins, all channels")
    observed = property(lambda self: self._model.observed, doc="observed main-bin counts")
    auxdata = property(lambda self: self._model.auxdata, doc="auxiliary data of the constraint terms")

    def index(self, name):
        """The position of parameter ``name`` in parameter vectors."""
        return self._model.index(name)

    def pars(self, **values):
        """The initial values with some replaced by name: ``model.pars(mu=2.0)``."""
        theta = np.array(self.inits)
        for name, value in values.items():
            theta[self.index(name)] = _real(value, name, "Model.pars")
        return theta

    def expected(self, pars):
        """Expected main-bin yields at ``pars`` (all channels, in order)."""
        return self._model.expected(pars)

    def expected_aux(self, pars):
        """Expected auxiliary data at ``pars``."""
        return self._model.expected_aux(pars)

    def expected_yields(self, pars):
        """Yields per channel and sample at ``pars`` (the JSON of ``rein expected``)."""
        return self._model.expected_yields(pars)

    def nll(self, pars, data=None):
        """−ln L at ``pars`` on the observed data, or on ``data`` (main bins then aux data)."""
        return self._model.nll(pars, data)

    def nll_and_gradient(self, pars, data=None):
        """(−ln L, its gradient) at ``pars``."""
        return self._model.nll_and_gradient(pars, data)

    def describe(self):
        """Channels, modifiers, parameters (the JSON of ``rein inspect``)."""
        return self._model.describe()


def _reload(source, options):
    return load(source, **options)


def load(source, *, patches=None, patch_name=None, patch_values=None, measurement=None, poi=None, interpolation=None,
         null=None, alt=None, quadrature=None):
    """Loads a model from a file path or a workspace document (dict), as ``rein`` verbs do.

    source: a pyhf workspace (with or without ``rein.shapes``), a redist saved model or rein's
        reweighted workspace (paths only for the last two), or a workspace dict.
    patches: JSON Patch files or pyhf patchsets (paths or dicts), applied in order; patch_name /
        patch_values choose a patchset's entry (one per patch, or one value for a single patch).
    measurement, poi: as --measurement, --poi.
    interpolation: {"normsys": "code1", "histosys": "code0"} (defaults code4, code4p as pyhf).
    null, alt: the named rates of a redist saved model (rein.named_nulls(), named_alternatives()).
    quadrature: "endpoint-adapted" (default) or "gauss-legendre" (redist's rule).
    """
    options = dict(patches=patches, patch_name=patch_name, patch_values=patch_values, measurement=measurement, poi=poi,
                   interpolation=interpolation, null=null, alt=alt, quadrature=quadrature)
    args = (_patch_entries(patches, patch_name, patch_values), _text(measurement, "measurement"), _text(poi, "poi"),
            *_interpolation(interpolation), _text(null, "null"), _text(alt, "alt"), _text(quadrature, "quadrature"))
    if isinstance(source, dict):
        compiled = _rein.load_document(json.dumps(source, default=_json_default), "<dict>", *args)
    elif isinstance(source, (str, bytes, os.PathLike)):
        source = os.fsdecode(source)
        compiled = _rein.load_file(source, *args)
    else:
        raise InvalidArgument(f"rein.load: source is {type(source).__name__} {source!r:.80}; give a file path or a workspace dict")
    return Model(compiled, (source, options))


def _fixed(fixed, function="fit"):
    """{name: value} (or (name, value) pairs) as the compiled calls take them, checked."""
    if fixed is None or (isinstance(fixed, (Mapping, list, tuple)) and not fixed):
        return []
    usage = "give {name: value} or (name, value) pairs"
    if isinstance(fixed, (str, bytes)) or not isinstance(fixed, (Mapping, Sequence)):
        raise InvalidArgument(f"rein.{function}: fixed = {fixed!r:.80}; {usage}")
    out, seen = [], set()
    for item in (fixed.items() if isinstance(fixed, Mapping) else fixed):
        if isinstance(item, str) or not isinstance(item, Sequence) or len(item) != 2:
            raise InvalidArgument(f"rein.{function}: fixed holds {item!r:.80}; {usage}")
        name, value = item
        if not isinstance(name, str):
            raise InvalidArgument(f"rein.{function}: fixed: the name {name!r:.80} must be a parameter name (str)")
        if name in seen:
            raise InvalidArgument(f"rein.{function}: fixed: '{name}' is given twice")
        seen.add(name)
        out.append((name, _real(value, f"fixed['{name}']", function)))
    return out


def fit(model, fixed=None):
    """Maximum-likelihood fit (``rein fit``); ``fixed`` = {name: value} holds parameters."""
    return _rein.fit(_model_of(model, "fit"), _fixed(fixed, "fit"))


def hypotest(model, mu, *, test_stat="qtilde", toys=0, seed=0, threads=1, fixed=None):
    """CLs at ``mu`` (``rein cls``): asymptotic, or from ``toys`` pseudo-experiments per hypothesis."""
    f = "hypotest"
    return _rein.hypotest(_model_of(model, f), _real(mu, "mu", f), _text(test_stat, "test_stat", f, optional=False), _integer(toys, "toys", f),
                          _integer(seed, "seed", f), _integer(threads, "threads", f), _fixed(fixed, f))


def upper_limit(model, *, cl=0.95, rtol=1e-6, test_stat="qtilde", scan=None, toys=0, seed=0, threads=1, fixed=None):
    """Observed and expected (band) CLs upper limits (``rein upper-limit``); ``scan`` = values of
    the POI at which to add the CLs curve (asymptotic only; a sequence, or "LO:HI:N" as ``--scan``)."""
    f = "upper_limit"
    return _rein.upper_limit(_model_of(model, f), _real(cl, "cl", f), _real(rtol, "rtol", f), _text(test_stat, "test_stat", f, optional=False),
                             None if scan is None else _grid(scan, "scan", f), _integer(toys, "toys", f), _integer(seed, "seed", f),
                             _integer(threads, "threads", f), _fixed(fixed, f))


def significance(model, *, asimov_mu=1.0, toys=0, seed=0, threads=1, fixed=None):
    """Discovery significance, observed and expected at ``asimov_mu`` (``rein significance``):
    asymptotic, or from ``toys`` pseudo-experiments per hypothesis."""
    f = "significance"
    return _rein.significance(_model_of(model, f), _real(asimov_mu, "asimov_mu", f), _integer(toys, "toys", f), _integer(seed, "seed", f),
                              _integer(threads, "threads", f), _fixed(fixed, f))


def linear_grid(lo, hi, n):
    """lo … hi in n evenly spaced points, exactly as the CLI's LO:HI:N options."""
    f = "linear_grid"
    return np.array(_rein.linear_grid(_real(lo, "lo", f), _real(hi, "hi", f), _integer(n, "n", f)))


def _grid(values, what="values", function="scan"):
    """The values of a scan: a sequence of numbers, or "LO:HI:N" (linear_grid, as the CLI reads it)."""
    if isinstance(values, str):
        return list(_rein.linear_grid_of(values, f"rein.{function}: {what}"))
    usage = "give a one-dimensional sequence of numbers or 'LO:HI:N'"
    try:
        grid = np.asarray(values)
        if grid.dtype.kind == "c":
            raise InvalidArgument(f"rein.{function}: {what} are complex numbers; {usage}")
        grid = grid.astype(float)
    except (TypeError, ValueError):
        raise InvalidArgument(f"rein.{function}: {what} = {values!r:.80}; {usage}") from None
    if grid.ndim != 1:
        raise InvalidArgument(f"rein.{function}: {what} has the shape {grid.shape}; {usage}")
    return grid.tolist()


def scan(model, values, parameter=None):
    """Profile-likelihood scan of ``parameter`` (default: the POI) over ``values`` (a sequence, or
    "LO:HI:N" as ``rein scan --range``)."""
    return _rein.scan(_model_of(model, "scan"), _text(parameter, "parameter", "scan") or model.poi, _grid(values))


def scan_2d(model, x, x_values, y, y_values):
    """Profile likelihood on the product grid of two parameters (``rein scan --poi2``)."""
    f = "scan_2d"
    return _rein.scan_2d(_model_of(model, f), _text(x, "x", f, optional=False), _grid(x_values, "x_values", f), _text(y, "y", f, optional=False),
                         _grid(y_values, "y_values", f))


def _grid_points(patchset, patches):
    """(patchset path or None, patch file paths) as rein._rein.grid_* take them."""
    if patches is None:
        patches = []
    elif isinstance(patches, (str, os.PathLike)):
        patches = [patches]
    elif not isinstance(patches, (list, tuple)):
        raise InvalidArgument(f"rein.grid: patches = {patches!r:.80}; give a patch file's path or a list of them")
    return (None if patchset is None else os.fspath(patchset)), [os.fspath(p) for p in patches]


def _interpolation(interpolation):
    if interpolation is not None and not isinstance(interpolation, Mapping):
        raise InvalidArgument(f"interpolation = {interpolation!r:.80} must be a dict, e.g. {{'normsys': 'code1', 'histosys': 'code0'}}")
    interpolation = dict(interpolation or {})
    unknown = set(interpolation) - {"normsys", "histosys"}
    if unknown:
        raise InvalidArgument(f"interpolation: {sorted(unknown)} have no interpolation code (normsys or histosys)")
    return (_text(interpolation.get("normsys"), "interpolation['normsys']"),
            _text(interpolation.get("histosys"), "interpolation['histosys']"))


def _grid_shard(workspace, patchset, patches, first, end, cl, threads, measurement, poi, interpolation):
    """The JSON text of points [first, end) of a grid (``rein grid --shard``'s output)."""
    if not isinstance(workspace, (str, bytes, os.PathLike)):
        raise InvalidArgument(f"rein.grid: workspace is {type(workspace).__name__}; give the background-only workspace's file path "
                              "(workers read it)")
    patchset, patches = _grid_points(patchset, patches)
    f = "grid"
    return _rein.grid_shard(os.fspath(workspace), patchset, patches, int(first), None if end is None else int(end), _real(cl, "cl", f),
                            _integer(threads, "threads", f), _text(measurement, "measurement", f), _text(poi, "poi", f),
                            *_interpolation(interpolation))


def grid(workspace, *, patchset=None, patches=None, cl=0.95, threads=1, measurement=None, poi=None, interpolation=None):
    """Observed and expected CLs upper limits and CLs at mu = 1 for every signal point (``rein
    grid``): the background-only workspace file patched by each entry of the pyhf ``patchset`` or
    by each of the ``patches`` files (names and values from the file names, as the CLI)."""
    return _rein.merge_grid([_grid_shard(workspace, patchset, patches, 0, None, cl, threads, measurement, poi, interpolation)])


def impacts(model, *, parameters=(), prefit=True, threads=1):
    """Pulls, constraints and impacts on the POI (``rein impacts``)."""
    f = "impacts"
    return _rein.impacts(_model_of(model, f), _names(parameters, "parameters", f), _bool(prefit, "prefit", f), _integer(threads, "threads", f))


def gof(model, *, toys=0, seed=0, threads=1, algo="saturated"):
    """Goodness of fit (``rein gof --algo saturated|ks|ad``), in all and per channel, with optional toy p-values."""
    f = "gof"
    return _rein.gof(_model_of(model, f), _integer(toys, "toys", f), _integer(seed, "seed", f), _integer(threads, "threads", f),
                     _text(algo, "algo", f, optional=False))


def compatibility(model, *, toys=0, seed=0, threads=1):
    """Channel compatibility (``rein compatibility``): each channel's POI against the common one."""
    f = "compatibility"
    return _rein.compatibility(_model_of(model, f), _integer(toys, "toys", f), _integer(seed, "seed", f), _integer(threads, "threads", f))


def _prior_specs(priors, function="sample"):
    """{name: (family, a, b)} as the compiled calls take them, checked."""
    if priors is None:
        return {}
    if not isinstance(priors, Mapping):
        raise InvalidArgument(f"rein.{function}: priors = {priors!r:.80} must be a dict {{name: (family, a, b)}}")
    specs = {}
    for name, spec in priors.items():
        if isinstance(spec, str) or not isinstance(spec, Sequence) or len(spec) != 3 or not isinstance(spec[0], str):
            raise InvalidArgument(f"rein.{function}: priors[{name!r}] = {spec!r:.80} must be (family, a, b), e.g. ('uniform', 0, 10) "
                                  "or ('normal', 1, 0.1)")
        specs[str(name)] = (spec[0], _real(spec[1], f"priors[{name!r}][1]", function), _real(spec[2], f"priors[{name!r}][2]", function))
    return specs


def _evidence(evidence):
    if evidence in (False, None):
        return False
    if evidence is True or evidence == "bridge":
        return True
    raise InvalidArgument(f"evidence = {evidence!r}: must be True, False or 'bridge' (bridge sampling)")


def sample(model, *, chains=4, warmup=1000, draws=1000, seed=0, threads=1, priors=None, parameters=None, start="best-fit",
           metric="diagonal", evidence=False):
    """The posterior with NUTS (``rein sample``).

    priors: {name: ("uniform", lo, hi) | ("normal", mean, sigma) | ("log-uniform", lo, hi)};
        other free parameters get uniform priors within their bounds.
    evidence: True (or "bridge") adds ln Z of the posterior by bridge sampling, as ``rein sample
        --evidence bridge``: {"method", "log_z", "log_z_error", "iterations", "converged",
        "posterior_draws", "proposal_draws"} (needs proper priors: Z scales with their norm).
    Returns {"names": [...], "draws": array (chain, draw, parameter), "log_prob": array (chain,
    draw), "evidence": the evidence or None, "summary": the JSON ``rein sample`` prints (R-hat,
    ESS, HDI, modes of ``parameters``, default the POI; the evidence under "evidence")}.
    """
    f = "sample"
    return _rein.sample(_model_of(model, f), _integer(chains, "chains", f), _integer(warmup, "warmup", f), _integer(draws, "draws", f),
                        _integer(seed, "seed", f), _integer(threads, "threads", f), _prior_specs(priors, f),
                        None if parameters is None else _names(parameters, "parameters", f), _text(start, "start", f, optional=False),
                        _text(metric, "metric", f, optional=False), _evidence(evidence))


def sample_multistart(model, over, values, *, modes=2, chains=4, warmup=1000, draws=1000, seed=0, threads=1, priors=None,
                      parameters=None, metric="diagonal", evidence=False):
    """A multimodal posterior (a resonance's mass) with NUTS chains started at the ``modes``
    deepest peaks of the profile likelihood in ``over`` on ``values`` (a sequence, or "LO:HI:N"),
    one mode each, weighted by their evidences (``rein sample --multistart NAME=LO:HI:N --modes K``).

    Returns the keys of ``rein.sample``: "summary" is what ``rein sample --multistart`` prints
    (with "modes"), "draws" and "log_prob" hold the mixture as one chain (chain 0).
    """
    f = "sample_multistart"
    return _rein.sample_multistart(_model_of(model, f), _text(over, "over", f, optional=False), _grid(values, "values", f), _integer(modes, "modes", f),
                                   _integer(chains, "chains", f), _integer(warmup, "warmup", f), _integer(draws, "draws", f),
                                   _integer(seed, "seed", f), _integer(threads, "threads", f), _prior_specs(priors, f),
                                   None if parameters is None else _names(parameters, "parameters", f), _text(metric, "metric", f, optional=False),
                                   _evidence(evidence))


def to_arviz_dict(posterior):
    """The draws of ``rein.sample`` in ArviZ's ``from_dict`` layout:
    ``arviz.from_dict(**rein.to_arviz_dict(p))`` gives an InferenceData with one variable per
    parameter of shape (chain, draw) and the log density in sample_stats["lp"]."""
    if not isinstance(posterior, Mapping) or not {"names", "draws", "log_prob"} <= set(posterior):
        keys = sorted(posterior) if isinstance(posterior, Mapping) else type(posterior).__name__
        raise InvalidArgument(f"rein.to_arviz_dict: posterior must be what rein.sample returns (names, draws, log_prob), got {keys}")
    draws = posterior["draws"]
    return {
        "posterior": {name: draws[:, :, i] for i, name in enumerate(posterior["names"])},
        "sample_stats": {"lp": posterior["log_prob"]},
    }


def add_alternative(name, dgamma_dq2, parameters, *, derivative=None, q2_range=None, relative_step=6.0554544523933395e-06,
                    description="a rate written in Python"):
    """Adds an alternative rate for reweighting, usable by name wherever rein takes one
    (``load(..., alt=name)``, ``rein.reweight`` files).

    dgamma_dq2(q2, **params) -> array: the rate at every q² of a numpy array (vectorised; called
        once per parameter point with every quadrature node of every bin), params by name.
    parameters: names, or (name, init, lower, upper) tuples, in the rate's order.
    derivative(q2, **params) -> array (len(parameters), len(q2)) of ∂rate/∂param; or True: then
        dgamma_dq2 returns the tuple (rate, derivative) from one call (the fastest form: one call
        per point, the shared work done once); without it the gradient comes from central finite
        differences with step relative_step·max(1, |θ|).
    The function must be pure: rein keeps the integrals of the last 16 points it computed.
    q2_range: (min, max), the rate's support (default: the null's).
    """
    f = f"add_alternative('{name}')"
    if isinstance(parameters, str):
        raise InvalidArgument(f"rein.{f}: parameters = {parameters!r}; give a list of names or (name, init, lower, upper) tuples")
    specs = []
    for i, p in enumerate(parameters):
        if isinstance(p, str):
            specs.append((p, 0.0, -np.inf, np.inf))
        elif isinstance(p, Sequence) and 1 <= len(p) <= 4 and isinstance(p[0], str):
            p = tuple(p) + (0.0, -np.inf, np.inf)[len(p) - 1:]
            specs.append((p[0], *(_real(p[k], f"parameters[{i}][{k}]", f) for k in (1, 2, 3))))
        else:
            raise InvalidArgument(f"rein.{f}: parameters[{i}] = {p!r:.80} must be a name or (name, init, lower, upper)")
    lo, hi = (None, None) if q2_range is None else _q2_range(q2_range, f)
    _rein.add_alternative(name, dgamma_dq2, specs, derivative, lo, hi, _real(relative_step, "relative_step", f), description)


def _q2_range(q2_range, function):
    """(min, max) of a rate's support as two floats, checked."""
    if isinstance(q2_range, str) or not isinstance(q2_range, Sequence) or len(q2_range) != 2:
        raise InvalidArgument(f"rein.{function}: q2_range = {q2_range!r:.80} must be (min, max)")
    return _real(q2_range[0], "q2_range[0]", function), _real(q2_range[1], "q2_range[1]", function)


def add_null(name, dgamma_dq2, q2_range, *, description="a rate written in Python"):
    """Adds a null rate for reweighting: dgamma_dq2(q2) -> array on its support q2_range."""
    _rein.add_null(name, dgamma_dq2, *_q2_range(q2_range, f"add_null('{name}')"), description)


def named_nulls():
    """The names of the null rates (built-in first)."""
    return _rein.named_nulls()


def named_alternatives():
    """The names of the alternative rates (built-in first)."""
    return _rein.named_alternatives()


def alternative_parameters(name):
    """The parameters (name, init, lower, upper) of the alternative rate ``name``."""
    return _rein.alternative_parameters(name)


from . import distributed  # noqa: E402,F401 (uses the helpers above; imports no dask)
