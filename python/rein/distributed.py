"""Toys over a dask.distributed cluster, in the shards of the CLI's ``--shard I/N``.

Each shard is a pure task (its toys' seeds come from their indices, core/random.hpp), so the
merged result equals one process's, bit for bit, on any Dask deployment (LocalCluster, Slurm via
dask-jobqueue, Kubernetes): the client only decides where shards run. Models travel as what they
were loaded from (rein.Model pickles by file and options); a model with a rate written in Python
needs that rate added on every worker (client.run) before it is loaded there.

    from dask.distributed import Client, LocalCluster
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True) as cluster, Client(cluster) as client:
        r = rein.distributed.hypotest(client, model, 1.0, toys=100_000, seed=1, shards=8)
"""

from . import _rein
from . import _fixed

__all__ = ["hypotest", "shard_slice"]


def shard_slice(tasks, index, count):
    """Tasks [first, end) of shard ``index`` of ``count``: what ``--shard index/count`` runs."""
    return _rein.shard_slice(int(tasks), int(index), int(count))


def _toy_shard(model, theta_sb, theta_b, mu, first, count, test_stat, seed, threads, fixed):
    sb = _rein.toy_statistics(model._model, theta_sb, mu, 0, first, count, test_stat, seed, threads, fixed)
    b = _rein.toy_statistics(model._model, theta_b, mu, 1, first, count, test_stat, seed, threads, fixed)
    return sb, b


def hypotest(client, model, mu, *, toys, seed=0, test_stat="qtilde", shards=None, threads=1, fixed=None):
    """CLs at ``mu`` from ``toys`` toys per hypothesis (``rein cls --toys``), the toys split into
    ``shards`` tasks (default: 4 per worker) run by ``client``; the result equals
    ``rein.hypotest(model, mu, toys=toys, seed=seed)`` bit for bit (wall time aside)."""
    fixed = _fixed(fixed)
    mu = float(mu)
    if shards is None:
        shards = 4 * max(1, len(client.scheduler_info()["workers"]))
    shards = max(1, min(int(shards), int(toys)))
    g = _rein.toy_generators(model._model, mu, test_stat, fixed)
    model_future = client.scatter(model, broadcast=True)
    futures = []
    for i in range(shards):
        first, end = shard_slice(toys, i, shards)
        futures.append(client.submit(_toy_shard, model_future, g["signal_background"], g["background"], mu, first, end - first,
                                     test_stat, int(seed), int(threads), fixed, pure=False))
    parts = client.gather(futures)
    sb = [q for part in parts for q in part[0]]
    b = [q for part in parts for q in part[1]]
    return _rein.toy_hypotest_from(mu, g["q_obs"], sb, b, g["status"], test_stat, int(toys), int(seed))
