"""Toys, signal grids, scans and chains over a dask.distributed cluster, in the shards of the
CLI's ``--shard I/N``.

Each shard is a pure task (a toy's seed comes from its index, a chain's from its number, a scan
point's or a signal point's fit from nothing else: core/random.hpp, core/shard.hpp), so the
merged result equals one process's, bit for bit, on any Dask deployment (LocalCluster, Slurm via
dask-jobqueue, Kubernetes): the client only decides where shards run. The shards are merged as
``rein merge`` merges the CLI's shard files (io/json/merge_shards.hpp). Models travel as what
they were loaded from (rein.Model pickles by file and options); a model with a rate written in
Python needs that rate added on every worker (client.run) before it is loaded there.

    from dask.distributed import Client, LocalCluster
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True) as cluster, Client(cluster) as client:
        r = rein.distributed.hypotest(client, model, 1.0, toys=100_000, seed=1, shards=8)
"""

import os
import time

from . import _rein
from . import InvalidArgument, _evidence, _fixed, _grid, _grid_points, _grid_shard, _integer, _interpolation, _model_of, _prior_specs

__all__ = ["hypotest", "grid", "scan", "sample", "shard_slice"]


def shard_slice(tasks, index, count):
    """Tasks [first, end) of shard ``index`` of ``count``: what ``--shard index/count`` runs."""
    return _rein.shard_slice(int(tasks), int(index), int(count))


def _counts(function, **minimum):
    """Counts and seeds checked on the client, before any worker runs: {name: (value, least)}."""
    out = []
    for name, (value, least) in minimum.items():
        value = _integer(value, name, function)
        if value < least:
            raise InvalidArgument(f"rein.{function}: {name} = {value}, must be >= {least}")
        out.append(value)
    return out


def _shard_count(client, shards, tasks):
    """``shards`` (default: 4 per worker), at most one per task."""
    if shards is None:
        shards = 4 * max(1, len(client.scheduler_info()["workers"]))
    elif _integer(shards, "shards", "distributed") < 1:
        raise InvalidArgument(f"rein.distributed: shards = {shards}, must be >= 1")
    return max(1, min(int(shards), int(tasks)))


def _map_shards(client, function, tasks, shards, *args):
    """function(*args, first, end) for every shard's [first, end) on the cluster, in shard order."""
    futures = [client.submit(function, *args, *shard_slice(tasks, i, shards), pure=False) for i in range(shards)]
    return client.gather(futures)


def _toy_shard(model, theta_sb, theta_b, mu, test_stat, seed, threads, fixed, first, end):
    sb = _rein.toy_statistics(model._model, theta_sb, mu, 0, first, end - first, test_stat, seed, threads, fixed)
    b = _rein.toy_statistics(model._model, theta_b, mu, 1, first, end - first, test_stat, seed, threads, fixed)
    return sb, b


def hypotest(client, model, mu, *, toys, seed=0, test_stat="qtilde", shards=None, threads=1, fixed=None):
    """CLs at ``mu`` from ``toys`` toys per hypothesis (``rein cls --toys``), the toys split into
    ``shards`` tasks (default: 4 per worker) run by ``client``; the result equals
    ``rein.hypotest(model, mu, toys=toys, seed=seed)`` bit for bit (wall time aside)."""
    f = "distributed.hypotest"
    _model_of(model, f)
    toys, seed, threads = _counts(f, toys=(toys, 1), seed=(seed, 0), threads=(threads, 1))
    fixed = _fixed(fixed, f)
    mu = float(mu)
    shards = _shard_count(client, shards, toys)
    g = _rein.toy_generators(model._model, mu, test_stat, fixed)
    model_future = client.scatter(model, broadcast=True)
    parts = _map_shards(client, _toy_shard, int(toys), shards, model_future, g["signal_background"], g["background"], mu, test_stat,
                        int(seed), int(threads), fixed)
    sb = [q for part in parts for q in part[0]]
    b = [q for part in parts for q in part[1]]
    return _rein.toy_hypotest_from(mu, g["q_obs"], sb, b, g["status"], test_stat, int(toys), int(seed))


def grid(client, workspace, *, patchset=None, patches=None, cl=0.95, shards=None, threads=1, measurement=None, poi=None,
         interpolation=None):
    """Upper limits and CLs at mu = 1 for every signal point (``rein grid``, see rein.grid), the
    points split into ``shards`` tasks (default: 4 per worker) as ``rein grid --shard I/N`` splits
    them; the result equals ``rein.grid(...)`` bit for bit (wall times aside). Every worker reads
    the workspace and patch files by their paths: on a cluster, give paths all workers see."""
    workspace = os.path.abspath(os.fspath(workspace))
    patchset, patches = _grid_points(patchset, patches)
    patchset = None if patchset is None else os.path.abspath(patchset)
    patches = [os.path.abspath(p) for p in patches]
    _interpolation(interpolation)  # a bad code fails here, not on every worker
    points = _rein.grid_size(workspace, patchset, patches)
    shards = _shard_count(client, shards, points)
    texts = _map_shards(client, _grid_task, points, shards, workspace, patchset, patches, float(cl), int(threads), measurement, poi,
                        interpolation)
    return _rein.merge_grid(texts)


def _grid_task(workspace, patchset, patches, cl, threads, measurement, poi, interpolation, first, end):
    return _grid_shard(workspace, patchset, patches, first, end, cl, threads, measurement, poi, interpolation)


def _scan_shard(model, parameter, values, first, end):
    return _rein.scan_shard(model._model, parameter, values, first, end)


def scan(client, model, values, parameter=None, *, shards=None):
    """The profile-likelihood scan of ``parameter`` (default: the POI) over ``values`` (a sequence
    or "LO:HI:N"), its points split into ``shards`` tasks (default: 4 per worker) as ``rein scan
    --shard I/N`` splits them; the result equals ``rein.scan(model, values, parameter)`` bit for
    bit (wall time aside)."""
    _model_of(model, "distributed.scan")
    parameter = parameter or model.poi
    values = _grid(values, "values", "distributed.scan")
    shards = _shard_count(client, shards, len(values))
    model_future = client.scatter(model, broadcast=True)
    texts = _map_shards(client, _scan_shard, len(values), shards, model_future, parameter, values)
    return _rein.merge_scan(model._model, parameter, values, texts)


def _chain_shard(model, x0, warmup, draws, seed, threads, priors, start, metric, first, end):
    return _rein.sample_chains(model._model, x0, first, end - first, warmup, draws, seed, threads, priors, start, metric)


def sample(client, model, *, chains=4, warmup=1000, draws=1000, seed=0, threads=1, priors=None, parameters=None, start="best-fit",
           metric="diagonal", evidence=False, shards=None):
    """The posterior with NUTS (``rein sample``, see rein.sample), its independent chains split
    into ``shards`` tasks (default: one chain per task) on ``client``. Chain c is seeded as one
    process seeds it and every chain starts from the same point (found once, here), so the draws,
    summary and evidence equal ``rein.sample(model, ...)``'s bit for bit (wall times aside)."""
    begin = time.perf_counter()
    f = "distributed.sample"
    _model_of(model, f)
    chains, warmup, draws, seed, threads = _counts(f, chains=(chains, 1), warmup=(warmup, 0), draws=(draws, 1), seed=(seed, 0),
                                                   threads=(threads, 1))
    specs = _prior_specs(priors, f)
    evidence = _evidence(evidence)
    shards = int(chains) if shards is None else max(1, min(int(shards), int(chains)))
    x0 = _rein.sample_start(model._model, specs, start)
    model_future = client.scatter(model, broadcast=True)
    parts = _map_shards(client, _chain_shard, int(chains), shards, model_future, x0, int(warmup), int(draws), int(seed), int(threads),
                        specs, start, metric)
    chain_dicts = [c for part in parts for c in part]
    return _rein.sample_join(model._model, chain_dicts, int(warmup), int(draws), int(seed), int(threads), specs,
                             None if parameters is None else list(parameters), start, metric, evidence, time.perf_counter() - begin)
