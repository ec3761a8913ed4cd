"""rein.distributed on a real LocalCluster of 2 worker processes: toys in the CLI's shards give
the one-process result bit for bit."""

import os

import pytest

import rein
import rein.distributed
from conftest import SIMPLE, without_seconds

distributed = pytest.importorskip("dask.distributed")


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                       silence_logs=40)
    c = distributed.Client(cluster, timeout=60)
    yield c
    c.close()
    cluster.close()


def test_shards_are_the_clis():
    # --shard I/N: tasks * I / N ... tasks * (I + 1) / N (tools/rein/shard.cpp, core/shard.hpp)
    assert [rein.distributed.shard_slice(10, i, 3) for i in range(3)] == [(0, 3), (3, 6), (6, 10)]
    with pytest.raises(rein.InvalidArgument, match="need 0 <= index < count"):
        rein.distributed.shard_slice(10, 3, 3)


def test_toys_over_two_workers_are_bit_identical_to_one_process(client):
    model = rein.load(os.path.join(SIMPLE, "2bin_2channel.json"))
    local = rein.hypotest(model, 1.0, toys=400, seed=5)
    for shards in (2, 7):
        spread = rein.distributed.hypotest(client, model, 1.0, toys=400, seed=5, shards=shards)
        assert spread == without_seconds(local)
