"""rein.distributed given bad input: refused on the client, naming the argument and value, before
any task reaches a worker (so no Dask cluster is needed to see it)."""

import os

import pytest

import rein
from conftest import SIMPLE

SMALL = os.path.join(SIMPLE, "2bin_2channel.json")


def test_bad_counts_and_models_are_refused_before_any_worker_runs():
    model = rein.load(SMALL)
    no_client = None  # never reached
    with pytest.raises(rein.InvalidArgument, match=r"rein.distributed.hypotest: model is str '.*'; give a rein.Model"):
        rein.distributed.hypotest(no_client, SMALL, 1.0, toys=10)
    # toys = 0 merged no toys ('sb: needs at least one value'), toys < 0 failed in a size_t conversion
    with pytest.raises(rein.InvalidArgument, match=r"rein.distributed.hypotest: toys = 0, must be >= 1"):
        rein.distributed.hypotest(no_client, model, 1.0, toys=0)
    with pytest.raises(rein.InvalidArgument, match=r"rein.distributed.hypotest: seed = -1, must be >= 0"):
        rein.distributed.hypotest(no_client, model, 1.0, toys=10, seed=-1)
    with pytest.raises(rein.InvalidArgument, match=r"rein.distributed.sample: draws = 0, must be >= 1"):
        rein.distributed.sample(no_client, model, draws=0)
    with pytest.raises(rein.InvalidArgument, match=r"rein.distributed.sample: chains = 2.5 must be an integer"):
        rein.distributed.sample(no_client, model, chains=2.5)
    with pytest.raises(rein.InvalidArgument, match=r"rein.distributed.scan: values '0:1' must be LO:HI:N"):
        rein.distributed.scan(no_client, model, "0:1")
    with pytest.raises(rein.InvalidArgument, match=r"rein.distributed: shards = 0, must be >= 1"):
        rein.distributed.scan(no_client, model, "0:1:3", shards=0)
