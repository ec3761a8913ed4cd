#!/usr/bin/env python3
"""The command line against hostile input (issue #18): every case fails with exit code 1 and a
message naming the file and the place, or gives an honest result; none prints a silent wrong number.

usage: hardening_test.py REIN_BINARY TEST_DATA_DIR DATA_DIR WORK_DIR
"""
import copy
import json
import os
import subprocess
import sys
import time

REIN, TEST_DATA, DATA, WORK = sys.argv[1:5]
os.makedirs(WORK, exist_ok=True)
failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print("FAIL: " + what, file=sys.stderr)


def rein(*args, code=0, env=None):
    run = subprocess.run([REIN, *args], capture_output=True, text=True, env=env)
    check(run.returncode == code, f"rein {' '.join(args)}: exit {run.returncode}, expected {code}; stderr: {run.stderr.strip()}")
    return (json.loads(run.stdout) if run.returncode in (0, 3) and run.stdout else None), run.stderr


def fails_naming(args, words, env=None):
    _, stderr = rein(*args, code=1, env=env)
    for word in words:
        check(word in stderr, f"rein {' '.join(args)}: the message names '{word}': {stderr.strip()}")
    return stderr


def write(name, document):
    path = os.path.join(WORK, name)
    with open(path, "w") as f:
        f.write(document if isinstance(document, str) else json.dumps(document))
    return path


simple_path = os.path.join(TEST_DATA, "pyhf", "workspaces", "2bin_2channel.json")
simple = json.load(open(simple_path))
wet_path = os.path.join(DATA, "belle2-knunu", "reinterpretation_likelihood_wet.json")
wet = json.load(open(wet_path))
rates = ["--null", "hpqcd-b-to-k-nunu", "--alt", "wet-b-to-k-nunu"]

# 1. the rein.reweight policy, version and free parameters are validated with the file and pointer
reweighted = os.path.join(WORK, "wet_rein.json")
rein("convert", "redist", wet_path, reweighted, "wet_rein.h5", *rates)
good = json.load(open(reweighted))
for edit, words in [
    (lambda d: d["rein.reweight"]["reweightings"][0]["policy"].update(upper_bound=-1),
     ["/rein.reweight/reweightings/0/policy/upper_bound", "must be a number > 0"]),
    (lambda d: d["rein.reweight"]["reweightings"][0]["policy"].update(cutoff=[20, 1]),
     ["/rein.reweight/reweightings/0/policy/cutoff", "[20, 1] is empty or reversed"]),
    (lambda d: d["rein.reweight"].update(version="2.0.0"), ["/rein.reweight/version", "'2.0.0' is not supported"]),
]:
    document = copy.deepcopy(good)
    edit(document)
    bad = write("wet_rein_bad.json", document)
    fails_naming(("fit", bad), [bad] + words)
document = copy.deepcopy(wet)
document["cutoff"][0][0] = [20, 1]
bad = write("wet_bad_cutoff.json", document)
fails_naming(("expected", bad, *rates), [bad, "/cutoff/0/0"])

# 2. every printed number is finite, or the verb fails naming the place
document = copy.deepcopy(wet)
document["map"][0][2][0] = document["map"][0][2][1] = 1e308  # finite entries, infinite row sum
bad = write("wet_overflow.json", document)
fails_naming(("expected", bad, *rates), [bad, "row 2", "sums to inf"])
document = copy.deepcopy(simple)
document["channels"][0]["samples"][1]["data"] = [1e200, 150.0]
document["channels"][0]["samples"][1]["modifiers"][0]["data"] = [1e-200, 10.0]  # tau = (1e200/1e-200)^2 = inf
bad = write("tiny_uncertainty.json", document)
# aux (listed before factor) is the first non-finite number: tau = (data/uncertainty)^2
fails_naming(("inspect", bad), ["rein inspect: the output's /parameters/", "/aux ('uncorr_bkguncrt_signal[0]') is inf"])

# 3. size guards: refuse before allocating, naming the input, the size and the limit
patch = write("exploding_patch.json", [{"op": "copy", "from": "/channels", "path": "/channels/-"}] * 20)
begin = time.monotonic()
fails_naming(("inspect", simple_path, "--patch", patch), [patch, "copy from '/channels'", "input size limit of 268435456 bytes",
                                                          "REIN_MAX_INPUT_BYTES"])
check(time.monotonic() - begin < 30, "the exploding patch is refused within seconds")
small = dict(os.environ, REIN_MAX_INPUT_BYTES="1000")
fails_naming(("inspect", simple_path, "--patch", write("one_copy.json", [{"op": "copy", "from": "/channels", "path": "/channels/-"}])),
             ["input size limit of 1000 bytes"], env=small)
fails_naming(("convert", "--to", "h5", os.path.join(WORK, "never.h5"), "--density", "d=x.csv:c:s", "--edges", "q2=0:1:100000000000"),
             ["--edges q2 item '0:1:100000000000' (100000000000 bins) needs 800000000008 bytes", "REIN_MAX_INPUT_BYTES"])

# 4. errors with a place: parse errors keep the byte offset, patchsets and inits name the file
bad = write("overflow.json", json.dumps(simple).replace("110.0", "1e309"))
fails_naming(("fit", bad), [bad, "at byte", "number overflow parsing '1e309'"])
patchset = write("patchset_without_patch.json", {"metadata": {"name": "s"}, "version": "1.0.0",
                                                  "patches": [{"metadata": {"name": "a", "values": [1]}}]})
fails_naming(("fit", simple_path, "--patch", patchset), [patchset, "/patches/0: missing required key 'patch'"])
patchset = write("patchset_not_object.json", {"version": "1.0.0", "metadata": {}, "patches": [3]})
fails_naming(("fit", simple_path, "--patch", patchset), [patchset, "/patches/0: expected an object, found number"])
document = copy.deepcopy(simple)
document["measurements"][0]["config"]["parameters"] = [{"name": "mu", "bounds": [[2.0, 3.0]]}]  # init 1 from the default
bad = write("init_outside.json", document)
fails_naming(("fit", bad), [bad, "parameter 'mu' init 1 lies outside its bounds [2, 3]"])
document["measurements"][0]["config"]["parameters"] = [{"name": "mu", "inits": [5.0], "bounds": [[0.0, 3.0]]}]
bad = write("init_outside_2.json", document)
fails_naming(("fit", bad), [bad, "/measurements/0/config/parameters/0/inits/0"])

# 5. rein merge trusts nothing: run and contents digests, toy counts, file names in messages
model = write("merge_model.json", simple)
shards = []
for i in range(2):
    part, _ = rein("cls", model, "--mu", "1", "--toys", "20", "--seed", "3", "--shard", f"{i}/2")
    check(len(part["shard"]["run_digest"]) == 16 and len(part["shard"]["contents_digest"]) == 16, "a shard carries its digests")
    shards.append(write(f"merge_shard_{i}.json", part))
merged, _ = rein("merge", *shards)
check(merged["toys"] == 20 and merged["toy_status"] in ("ok", "some_failed"), "rein merge of two signed shards")
whole, _ = rein("cls", model, "--mu", "1", "--toys", "20", "--seed", "3")
check({k: v for k, v in merged.items() if k != "seconds"} == {k: v for k, v in whole.items() if k != "seconds"},
      "rein merge of signed shards equals the whole run")
part = json.load(open(shards[1]))
part["sb"][0] = -1.0  # a tampered test statistic (gave CLs = 1.0002)
tampered = write("merge_tampered.json", part)
fails_naming(("merge", shards[0], tampered), [tampered, "/shard/contents_digest", "does not match the shard's contents"])
part = json.load(open(shards[1]))
part["b"].pop()  # a short shard (was reported complete)
short = write("merge_short.json", part)
fails_naming(("merge", shards[0], short), [short, "does not match the shard's contents"])
part = json.load(open(shards[1]))
part["shard"]["arguments"][part["shard"]["arguments"].index("3")] = "4"  # another seed
other = write("merge_other.json", part)
fails_naming(("merge", shards[0], other), [f"'{other}' is a shard of another run than '{shards[0]}'"])
changed = copy.deepcopy(simple)
changed["observations"][0]["data"][0] = 111.0
write("merge_model.json", changed)  # the model changed after the shards ran
fails_naming(("merge", *shards), [shards[0], "is a shard of another run", "changed since the shard ran"])

# 6. failed toy fits are visible: per-hypothesis counts, the CLs range they allow, the status
for key in ("failed_fits_sb", "failed_fits_b", "cls_obs_range", "toy_status", "max_failed_fraction"):
    check(key in whole, f"rein cls --toys reports '{key}'")
check(whole["failed_fits"] == whole["failed_fits_sb"] + whole["failed_fits_b"], "failed_fits is the sum over hypotheses")

if failures:
    print(f"{len(failures)} check(s) failed", file=sys.stderr)
    sys.exit(1)
print("cli_hardening: all checks passed")
