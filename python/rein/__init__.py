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
import os

import numpy as np

from . import _rein
from ._rein import ConvergenceError, DomainError, Error, InvalidArgument, IOError  # noqa: F401 (re-exported)

__version__ = _rein.__version__

__all__ = [
    "Model", "load", "fit", "hypotest", "upper_limit", "significance", "scan", "scan_2d", "grid", "impacts", "gof", "compatibility",
    "sample", "sample_multistart", "to_arviz_dict", "add_alternative", "add_null", "named_nulls", "named_alternatives",
    "linear_grid", "Error", "InvalidArgument", "DomainError", "IOError", "ConvergenceError",
]


def _patch_entries(patches, patch_name, patch_values):
    """(path, name, values JSON, document JSON) per patch, as rein._rein.load_* take them."""
    if patches is None:
        patches = []
    elif isinstance(patches, (str, os.PathLike, dict)):
        patches = [patches]
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
            path, document = f"<patch {i}>", json.dumps(p)
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
            theta[self.index(name)] = value
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
    args = (_patch_entries(patches, patch_name, patch_values), measurement, poi, *_interpolation(interpolation), null, alt,
            quadrature)
    if isinstance(source, dict):
        compiled = _rein.load_document(json.dumps(source), "<dict>", *args)
    else:
        source = os.fspath(source)
        compiled = _rein.load_file(source, *args)
    return Model(compiled, (source, options))


def _fixed(fixed):
    return [] if not fixed else [(str(k), float(v)) for k, v in dict(fixed).items()]


def fit(model, fixed=None):
    """Maximum-likelihood fit (``rein fit``); ``fixed`` = {name: value} holds parameters."""
    return _rein.fit(model._model, _fixed(fixed))


def hypotest(model, mu, *, test_stat="qtilde", toys=0, seed=0, threads=1, fixed=None):
    """CLs at ``mu`` (``rein cls``): asymptotic, or from ``toys`` pseudo-experiments per hypothesis."""
    return _rein.hypotest(model._model, float(mu), test_stat, int(toys), int(seed), int(threads), _fixed(fixed))


def upper_limit(model, *, cl=0.95, rtol=1e-6, test_stat="qtilde", scan=None, toys=0, seed=0, threads=1, fixed=None):
    """Observed and expected (band) CLs upper limits (``rein upper-limit``); ``scan`` = values of
    the POI at which to add the CLs curve (asymptotic only)."""
    return _rein.upper_limit(model._model, float(cl), float(rtol), test_stat, None if scan is None else list(scan), int(toys),
                             int(seed), int(threads), _fixed(fixed))


def significance(model, *, asimov_mu=1.0, toys=0, seed=0, threads=1, fixed=None):
    """Discovery significance, observed and expected at ``asimov_mu`` (``rein significance``):
    asymptotic, or from ``toys`` pseudo-experiments per hypothesis."""
    return _rein.significance(model._model, float(asimov_mu), int(toys), int(seed), int(threads), _fixed(fixed))


def linear_grid(lo, hi, n):
    """lo … hi in n evenly spaced points, exactly as the CLI's LO:HI:N options."""
    return np.array(_rein.linear_grid(float(lo), float(hi), int(n)))


def _grid(values):
    if isinstance(values, str):
        lo, hi, n = values.split(":")
        return list(linear_grid(float(lo), float(hi), int(n)))
    return [float(v) for v in values]


def scan(model, values, parameter=None):
    """Profile-likelihood scan of ``parameter`` (default: the POI) over ``values`` (a sequence, or
    "LO:HI:N" as ``rein scan --range``)."""
    return _rein.scan(model._model, parameter or model.poi, _grid(values))


def scan_2d(model, x, x_values, y, y_values):
    """Profile likelihood on the product grid of two parameters (``rein scan --poi2``)."""
    return _rein.scan_2d(model._model, x, _grid(x_values), y, _grid(y_values))


def _grid_points(patchset, patches):
    """(patchset path or None, patch file paths) as rein._rein.grid_* take them."""
    if patches is None:
        patches = []
    elif isinstance(patches, (str, os.PathLike)):
        patches = [patches]
    return (None if patchset is None else os.fspath(patchset)), [os.fspath(p) for p in patches]


def _interpolation(interpolation):
    interpolation = dict(interpolation or {})
    unknown = set(interpolation) - {"normsys", "histosys"}
    if unknown:
        raise InvalidArgument(f"interpolation: {sorted(unknown)} have no interpolation code (normsys or histosys)")
    return interpolation.get("normsys"), interpolation.get("histosys")


def _grid_shard(workspace, patchset, patches, first, end, cl, threads, measurement, poi, interpolation):
    """The JSON text of points [first, end) of a grid (``rein grid --shard``'s output)."""
    patchset, patches = _grid_points(patchset, patches)
    return _rein.grid_shard(os.fspath(workspace), patchset, patches, int(first), None if end is None else int(end), float(cl),
                            int(threads), measurement, poi, *_interpolation(interpolation))


def grid(workspace, *, patchset=None, patches=None, cl=0.95, threads=1, measurement=None, poi=None, interpolation=None):
    """Observed and expected CLs upper limits and CLs at mu = 1 for every signal point (``rein
    grid``): the background-only workspace file patched by each entry of the pyhf ``patchset`` or
    by each of the ``patches`` files (names and values from the file names, as the CLI)."""
    return _rein.merge_grid([_grid_shard(workspace, patchset, patches, 0, None, cl, threads, measurement, poi, interpolation)])


def impacts(model, *, parameters=(), prefit=True, threads=1):
    """Pulls, constraints and impacts on the POI (``rein impacts``)."""
    return _rein.impacts(model._model, list(parameters), bool(prefit), int(threads))


def gof(model, *, toys=0, seed=0, threads=1, algo="saturated"):
    """Goodness of fit (``rein gof --algo saturated|ks|ad``), in all and per channel, with optional toy p-values."""
    return _rein.gof(model._model, int(toys), int(seed), int(threads), str(algo))


def compatibility(model, *, toys=0, seed=0, threads=1):
    """Channel compatibility (``rein compatibility``): each channel's POI against the common one."""
    return _rein.compatibility(model._model, int(toys), int(seed), int(threads))


def _prior_specs(priors):
    return {str(k): (str(v[0]), float(v[1]), float(v[2])) for k, v in (priors or {}).items()}


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
    return _rein.sample(model._model, int(chains), int(warmup), int(draws), int(seed), int(threads), _prior_specs(priors),
                        None if parameters is None else list(parameters), start, metric, _evidence(evidence))


def sample_multistart(model, over, values, *, modes=2, chains=4, warmup=1000, draws=1000, seed=0, threads=1, priors=None,
                      parameters=None, metric="diagonal", evidence=False):
    """A multimodal posterior (a resonance's mass) with NUTS chains started at the ``modes``
    deepest peaks of the profile likelihood in ``over`` on ``values`` (a sequence, or "LO:HI:N"),
    one mode each, weighted by their evidences (``rein sample --multistart NAME=LO:HI:N --modes K``).

    Returns the keys of ``rein.sample``: "summary" is what ``rein sample --multistart`` prints
    (with "modes"), "draws" and "log_prob" hold the mixture as one chain (chain 0).
    """
    return _rein.sample_multistart(model._model, str(over), _grid(values), int(modes), int(chains), int(warmup), int(draws), int(seed),
                                   int(threads), _prior_specs(priors), None if parameters is None else list(parameters), metric,
                                   _evidence(evidence))


def to_arviz_dict(posterior):
    """The draws of ``rein.sample`` in ArviZ's ``from_dict`` layout:
    ``arviz.from_dict(**rein.to_arviz_dict(p))`` gives an InferenceData with one variable per
    parameter of shape (chain, draw) and the log density in sample_stats["lp"]."""
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
    specs = []
    for p in parameters:
        if isinstance(p, str):
            specs.append((p, 0.0, -np.inf, np.inf))
        else:
            p = tuple(p) + (0.0, -np.inf, np.inf)[len(p) - 1:]
            specs.append((str(p[0]), float(p[1]), float(p[2]), float(p[3])))
    lo, hi = (None, None) if q2_range is None else (float(q2_range[0]), float(q2_range[1]))
    _rein.add_alternative(name, dgamma_dq2, specs, derivative, lo, hi, float(relative_step), description)


def add_null(name, dgamma_dq2, q2_range, *, description="a rate written in Python"):
    """Adds a null rate for reweighting: dgamma_dq2(q2) -> array on its support q2_range."""
    _rein.add_null(name, dgamma_dq2, float(q2_range[0]), float(q2_range[1]), description)


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
