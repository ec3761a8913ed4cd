"""The checks of examples/b_to_kstar_tau_mu beyond check_summary.py's (loaded by it).

References:
  - docs/kinematics.md (from ../shared/physics/kinematics.md): with perfect resolution and the
    nominal sqrt(s), |M_tau - m_tau| < 1e-13 GeV (the acceptance bound is 1e-12); with 0.5 % track
    smearing and the 4.99 MeV beam spread, sigma68(M_tau) ~ 18 MeV (approximate: within 20 %);
  - the toy's own truth for the background (coefficients and mean), within 3 of the fit's errors;
  - the event-reweighted efficiency of the |M|^2 ~ q^2 model (the simulated events weighted by
    q^2, no map involved) against the map-averaged one: within 3 of the map's uncertainty plus
    1 % for the binning (the map is piecewise constant in 8 q^2 bins);
  - the contract's arithmetic: B_UL = N_UL / (N_B0 eps_ref), reinterpreted = B_UL eps_ref / eps_model.
"""
import math

M_TAU = 1.77693  # PDG 2024, GeV


def number(summary, *path):
    node = summary
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node if isinstance(node, (int, float)) and math.isfinite(node) else None


def check(summary):
    problems = []
    contract = [("mtau_max_abs_dev_perfect",), ("mtau_sigma68_smeared",), ("upper_limit_90", "signal_yield"),
                ("upper_limit_90", "branching_fraction"), ("reinterpreted_upper_limit_90",)]
    for path in contract:
        if number(summary, *path) is None:
            problems.append("/" + "/".join(path) + " missing or not a finite number")
    if problems:
        return problems

    dev = summary["mtau_max_abs_dev_perfect"]
    if not 0 <= dev < 1e-12:
        problems.append(f"mtau_max_abs_dev_perfect = {dev}, must be < 1e-12 GeV")
    width = summary["mtau_sigma68_smeared"]
    if abs(width / 0.018 - 1) > 0.2:
        problems.append(f"mtau_sigma68_smeared = {width}, docs/kinematics.md gives ~0.018 GeV (20 %)")
    peak = number(summary, "signal_peak", "m_peak")
    if peak is None or abs(peak - M_TAU) > 0.002:
        problems.append(f"signal_peak/m_peak = {peak}, must be within 2 MeV of m_tau = {M_TAU}")

    truth = summary["background_truth"]
    for name, value in (("a1", truth["a1"]), ("a2", truth["a2"])):
        fit = summary["background_fit"][name]
        if not abs(fit["fitted"] - value) <= 3 * fit["error"]:
            problems.append(f"background_fit/{name} = {fit['fitted']} +- {fit['error']}, truth {value}")

    limit = summary["upper_limit_90"]
    if limit["signal_yield"] != summary["signal_yield_limit_90"]["obs"]:
        problems.append("upper_limit_90/signal_yield differs from signal_yield_limit_90/obs")
    eff = summary["efficiency"]
    ref, model = eff["reference"]["value"], eff["model"]["value"]
    expected_bf = limit["signal_yield"] / (summary["n_B0"] * ref)
    if abs(limit["branching_fraction"] / expected_bf - 1) > 1e-12:
        problems.append(f"branching_fraction {limit['branching_fraction']} != N_UL/(N_B0 eps_ref) = {expected_bf}")
    expected_re = limit["branching_fraction"] * ref / model
    if abs(summary["reinterpreted_upper_limit_90"] / expected_re - 1) > 1e-12:
        problems.append(f"reinterpreted {summary['reinterpreted_upper_limit_90']} != B_UL eps_ref/eps_model = {expected_re}")
    direct = eff["model_event_reweighted"]
    allowed = 3 * eff["model"]["uncertainty"] + 0.01 * direct
    if not abs(model - direct) <= allowed:
        problems.append(f"map-averaged eps_model = {model} vs event-reweighted {direct}: off by more than {allowed}")
    if not summary["reinterpreted_upper_limit_90_uncertainty"] > 0:
        problems.append("reinterpreted_upper_limit_90_uncertainty must be > 0 (the map has MC uncertainties)")
    return problems
