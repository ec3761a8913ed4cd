"""rein.distributed on a real LocalCluster of 2 worker processes: toys, scans, signal grids and
chains in the CLI's shards give the one-process result bit for bit."""

import json
import os

import numpy as np
import pytest

import rein
import rein.distributed
from conftest import SIMPLE, run_cli, without_seconds

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


def test_scan_over_two_workers_is_bit_identical_to_one_process(client):
    model = rein.load(os.path.join(SIMPLE, "2bin_2channel.json"))
    local = without_seconds(rein.scan(model, "0:3:7"))
    for shards in (2, 3):
        assert without_seconds(rein.distributed.scan(client, model, "0:3:7", shards=shards)) == local


def signal_patches(folder):
    """Three signal points of 2bin_2channel.json as patch files (the signal sample scaled)."""
    paths = []
    for scale in (1, 2, 3):
        patch = [{"op": "replace", "path": "/channels/0/samples/0/data", "value": [10.0 * scale, 35.0 * scale]}]
        path = folder / f"patch.sig_{scale}.json"
        path.write_text(json.dumps(patch))
        paths.append(str(path))
    return paths


def test_grid_matches_the_cli_and_two_workers_are_bit_identical(client, tmp_path):
    workspace = os.path.join(SIMPLE, "2bin_2channel.json")
    patches = signal_patches(tmp_path)
    local = rein.grid(workspace, patches=patches)
    assert [p["name"] for p in local["points"]] == ["sig_1", "sig_2", "sig_3"] and local["points"][0]["values"] == [1]
    assert all(p["status"] == "ok" for p in local["points"])
    # the same library calls as `rein grid`: bit for bit, wall times aside
    assert without_seconds(local) == without_seconds(run_cli("grid", workspace, "--patches", *patches))
    # a bigger signal gives a smaller limit on its strength
    limits = [p["upper_limit"]["obs"] for p in local["points"]]
    assert limits[0] > limits[1] > limits[2]
    for shards in (2, 3):
        spread = rein.distributed.grid(client, workspace, patches=patches, shards=shards)
        assert without_seconds(spread) == without_seconds(local)


def test_chains_over_two_workers_are_bit_identical_to_one_process(client):
    model = rein.load(os.path.join(SIMPLE, "2bin_2channel.json"))
    options = dict(chains=3, warmup=100, draws=100, seed=4, evidence=True)
    local = rein.sample(model, **options)
    for shards in (None, 2):
        spread = rein.distributed.sample(client, model, shards=shards, **options)
        assert spread["names"] == local["names"]
        np.testing.assert_array_equal(spread["draws"], local["draws"])
        np.testing.assert_array_equal(spread["log_prob"], local["log_prob"])
        assert without_seconds(spread["summary"]) == without_seconds(local["summary"])
