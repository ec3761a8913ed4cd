"""Loading and evaluating models from Python: the Belle II likelihood against pyhf's numbers,
dict and patch loading against file loading and the CLI, rein's errors as Python exceptions."""

import json
import os
import pickle

import numpy as np
import pytest

import rein
from conftest import BELLE2, SIMPLE, TEST_DATA, reference, run_cli, without_seconds


def test_belle2_parameters_and_nll_match_pyhf(belle2):
    inputs = reference("fit_combined", "inputs")
    assert len(belle2.parameter_names) == inputs["n_parameters"] == len(belle2.inits)
    assert belle2.n_bins == inputs["n_main_bins"] and len(belle2.auxdata) == inputs["n_aux"]
    assert belle2.poi == "mu" and belle2.bounds.shape == (232, 2) and not any(belle2.fixed)
    # pyhf 0.7.6 twice_nll at its suggested init (reference.json fit_combined); both are sums of
    # ~260 terms in double precision: 1e-9 relative
    values = reference("fit_combined", "values")
    assert 2 * belle2.nll(belle2.inits) == pytest.approx(values["twice_nll_at_suggested_init"], rel=1e-9, abs=0)
    expected = values["expected_actualdata_at_suggested_init"]
    np.testing.assert_allclose(belle2.expected(belle2.inits), expected, rtol=1e-9, atol=0)


def test_nll_and_gradient_agree_with_nll_and_finite_differences(belle2):
    theta = belle2.pars(mu=2.0)
    nll, gradient = belle2.nll_and_gradient(theta)
    assert nll == belle2.nll(theta)
    # central differences, step 1e-5 (truncation ~1e-10, rounding ~1e-11/1e-5): 1e-5 absolute
    i = belle2.index("mu")
    h = 1e-5
    up, down = theta.copy(), theta.copy()
    up[i] += h
    down[i] -= h
    assert gradient[i] == pytest.approx((belle2.nll(up) - belle2.nll(down)) / (2 * h), abs=1e-5)


def test_fit_matches_pyhf_minuit_and_the_cli(belle2):
    r = rein.fit(belle2)
    ref = reference("fit_combined", "values", "minuit")
    # iminuit EDM < 1e-8 (reference.json): twice_nll to 1e-6 absolute, mu_hat to 1e-4 relative
    assert r["status"] == "ok"
    assert r["twice_nll"] == pytest.approx(ref["twice_nll_free"], abs=1e-6)
    mu = next(p for p in r["parameters"] if p["name"] == "mu")
    assert mu["value"] == pytest.approx(ref["mu_hat"], rel=1e-4)
    cli = run_cli("fit", BELLE2)
    assert without_seconds(r) == without_seconds(cli)  # the same library call: bit for bit


def test_fit_with_fixed_parameters_matches_the_cli(belle2):
    r = rein.fit(belle2, fixed={"mu": 0.0})
    assert without_seconds(r) == without_seconds(run_cli("fit", BELLE2, "--fix", "mu=0"))
    # pyhf's profiled mu = 0 fit (iminuit): 1e-6 absolute
    assert r["twice_nll"] == pytest.approx(reference("fit_combined", "values", "minuit", "twice_nll_mu0"), abs=1e-6)


def test_a_dict_loads_as_the_file_does():
    path = os.path.join(SIMPLE, "2bin_2channel_coupledhistosys.json")
    from_file = rein.load(path)
    with open(path) as f:
        from_dict = rein.load(json.load(f))
    assert from_dict.parameter_names == from_file.parameter_names and from_dict.path == "<dict>"
    theta = from_file.inits
    assert from_dict.nll(theta) == from_file.nll(theta)


def test_patchset_entry_by_name_and_by_values_and_as_dict_match_the_cli():
    ws = os.path.join(TEST_DATA, "pyhf", "patchset", "example_bkgonly.json")
    ps = os.path.join(TEST_DATA, "pyhf", "patchset", "example_patchset.json")
    if not (os.path.exists(ws) and os.path.exists(ps)):
        pytest.skip("no patchset in tests/data/pyhf/patchset")
    with open(ps) as f:
        patchset = json.load(f)
    entry = patchset["patches"][0]["metadata"]
    by_name = rein.load(ws, patches=ps, patch_name=entry["name"])
    by_values = rein.load(ws, patches=[ps], patch_values=[entry["values"]])
    as_dict = rein.load(ws, patches=[patchset], patch_name=[entry["name"]])
    theta = by_name.inits
    assert by_name.nll(theta) == by_values.nll(theta) == as_dict.nll(theta)
    cli = run_cli("expected", ws, "--patch", ps, "--patch-name", entry["name"])
    assert by_name.expected_yields(theta) == cli


def test_interpolation_codes_and_measurement_reach_the_model():
    path = os.path.join(SIMPLE, "2bin_histosys.json")
    default = rein.load(path)
    code0 = rein.load(path, interpolation={"histosys": "code0"})
    assert default.describe()["interpolation"] == {"normsys": "code4", "histosys": "code4p"}
    assert code0.describe()["interpolation"]["histosys"] == "code0"
    theta = default.pars()
    theta[:] = np.clip(theta + 0.7, default.bounds[:, 0], default.bounds[:, 1])
    assert default.nll(theta) != code0.nll(theta)  # code0 and code4p differ away from the nominal


def test_models_pickle_by_what_they_were_loaded_from(belle2):
    copy = pickle.loads(pickle.dumps(belle2))
    assert copy.parameter_names == belle2.parameter_names and copy.nll(belle2.inits) == belle2.nll(belle2.inits)


def test_rein_errors_are_python_exceptions_with_reins_message(belle2):
    with pytest.raises(rein.IOError, match="cannot open 'no-such-file.json'"):
        rein.load("no-such-file.json")
    with pytest.raises(rein.InvalidArgument, match="pars has 3 values, the model has 232 parameters"):
        belle2.nll([1.0, 2.0, 3.0])
    with pytest.raises(rein.InvalidArgument, match="unknown code 'code9'"):
        rein.load(BELLE2, interpolation={"normsys": "code9"})
    with pytest.raises(rein.InvalidArgument, match="--null: .* applies to reweighted models|--null applies to reweighted models"):
        rein.load(BELLE2, null="hpqcd-b-to-k-nunu")
    assert issubclass(rein.InvalidArgument, rein.Error) and issubclass(rein.Error, RuntimeError)
    for cls in (rein.DomainError, rein.IOError, rein.ConvergenceError):
        assert issubclass(cls, rein.Error)


def test_bad_parameter_vectors_and_data_are_refused_naming_the_value():
    small = rein.load(os.path.join(SIMPLE, "2bin_2channel.json"))
    # a complex array would be cut to its real parts
    with pytest.raises(rein.InvalidArgument, match=r"rein.Model.nll: pars is an array of complex numbers; parameters are real"):
        small.nll(np.asarray(small.inits) + 1j)
    data = np.concatenate([small.observed, small.auxdata])
    data[1] = np.nan  # a NaN −ln L before
    with pytest.raises(rein.InvalidArgument, match=r"rein.Model.nll: data\[1\] = nan \(main bin 1\) must be finite and >= 0"):
        small.nll(small.inits, data=data)
    data[1] = -3.0  # a finite, meaningless −ln L before
    with pytest.raises(rein.InvalidArgument, match=r"rein.Model.nll_and_gradient: data\[1\] = -3 \(main bin 1\) must be finite and >= 0"):
        small.nll_and_gradient(small.inits, data=data)
    data[1] = small.observed[1]
    data[len(small.observed)] = np.inf
    with pytest.raises(rein.InvalidArgument, match=r"data\[4\] = inf \(aux datum 0\) must be finite"):
        small.nll(small.inits, data=data)
    with pytest.raises(rein.InvalidArgument, match="data is an array of complex numbers"):
        small.nll(small.inits, data=data.astype(complex))
    # what does not change: other dtypes, views and lists are converted
    with pytest.raises(rein.InvalidArgument, match=r"rein.Model.pars: mu = 'abc' must be a real number"):
        small.pars(mu="abc")
    x = np.repeat(np.asarray(small.inits), 2)[::2]
    assert small.nll(x) == small.nll(list(small.inits)) == small.nll(np.asarray(small.inits, dtype=np.float32))


def test_bad_load_options_are_refused_naming_the_option():
    path = os.path.join(SIMPLE, "2bin_2channel.json")
    with pytest.raises(rein.InvalidArgument, match=r"rein.load: source is NoneType None; give a file path or a workspace dict"):
        rein.load(None)
    with pytest.raises(rein.InvalidArgument, match=r"rein.load: poi = 3 must be a str \(or None\)"):
        rein.load(path, poi=3)
    with pytest.raises(rein.InvalidArgument, match=r"interpolation = 'code1' must be a dict, e.g. \{'normsys': 'code1'"):
        rein.load(path, interpolation="code1")
    with pytest.raises(rein.InvalidArgument, match=r"rein.load: alt = \['a'\] must be a str"):
        rein.load(path, alt=["a"])
    with pytest.raises(rein.InvalidArgument, match=r"rein.load: patches = 3; give a path, a dict or a list of them"):
        rein.load(path, patches=3)
    # numpy arrays in a workspace dict are its numbers (json.dumps alone refused them)
    with open(path) as f:
        document = json.load(f)
    document["channels"][0]["samples"][0]["data"] = np.asarray(document["channels"][0]["samples"][0]["data"])
    document["observations"][0]["data"] = [np.float64(x) for x in document["observations"][0]["data"]]
    assert rein.load(document).nll(rein.load(path).inits) == rein.load(path).nll(rein.load(path).inits)
    document["observations"][0]["data"] = {1.0}
    with pytest.raises(rein.InvalidArgument, match=r"rein.load: the dict holds set \{1.0\}, which is not JSON"):
        rein.load(document)
