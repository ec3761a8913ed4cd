#pragma once

// The JSON form of every frequentist result (docs/cli.md shows each): what `rein cls`,
// `upper-limit`, `significance`, `scan`, `impacts`, `gof` and `rein merge` print, and what every
// other front end writes, so that one result has one form. NaN and ±∞ have no JSON form: null.
// Timing (`seconds`) is the front end's to add.
#include "rein/core/enum_names.hpp"
#include "rein/fit/fit_status.hpp"
#include "rein/infer/asymptotic.hpp"
#include "rein/infer/channel_compatibility.hpp"
#include "rein/infer/goodness_of_fit.hpp"
#include "rein/infer/grid.hpp"
#include "rein/infer/impacts.hpp"
#include "rein/infer/likelihood_ratio.hpp"
#include "rein/infer/scan.hpp"
#include "rein/infer/significance.hpp"
#include "rein/infer/test_statistic.hpp"
#include "rein/infer/toys.hpp"
#include "rein/infer/upper_limit.hpp"
#include "rein/io/json/model_results.hpp"
#include "rein/io/json/read_json.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rein::io {

namespace detail {

template <std::size_t N>
nlohmann::json numbers_json(const std::array<double, N>& values) {
  nlohmann::json out = nlohmann::json::array();
  for (double v : values) out.push_back(bound_json(v));
  return out;
}

inline nlohmann::json numbers_json(const std::vector<double>& values) {
  nlohmann::json out = nlohmann::json::array();
  for (double v : values) out.push_back(bound_json(v));
  return out;
}

}  // namespace detail

/// CLs at one μ from the asymptotic calculator that computed it (`rein cls`).
inline nlohmann::json to_json(const infer::hypotest_result& r, const infer::asymptotic_calculator& calculator) {
  return {{"mu", r.mu},
          {"cls_obs", r.cls_obs},
          {"cls_exp", detail::numbers_json(r.cls_exp)},
          {"clsb_obs", r.clsb_obs},
          {"clb_obs", r.clb_obs},
          {"test_stat", infer::to_string(calculator.options().statistic)},
          {"calculator", "asymptotics"},
          {"q_obs", r.q_obs},
          {"q_asimov", r.q_asimov},
          {"status", fit::to_string(r.status)},
          {"warnings", calculator.warnings()}};
}

namespace detail {

/// What failed toy fits did to a result: none failed, some, or more than the stated fraction.
inline const char* toy_status(std::size_t failed, bool too_many) {
  return failed == 0 ? "ok" : too_many ? "too_many_failed" : "some_failed";
}

/// A toy result's status: not ok when the fits to the observed data are not, or when too many toy
/// fits failed (docs/infer_impacts.md, "Failed toy fits").
inline std::string status_with_toys(fit::fit_status observed, bool too_many_failed) {
  return observed != fit::fit_status::ok || !too_many_failed ? fit::to_string(observed) : "toy_fits_failed";
}

}  // namespace detail

/// CLs at one μ from toys (`rein cls --toys`, and `rein merge` of its shards).
inline nlohmann::json to_json(const infer::toy_hypotest_result& r, const infer::toy_options& options) {
  return {{"mu", r.mu},
          {"cls_obs", detail::bound_json(r.cls_obs)},
          {"cls_exp", detail::numbers_json(r.cls_exp)},
          {"clsb_obs", detail::bound_json(r.clsb_obs)},
          {"clb_obs", detail::bound_json(r.clb_obs)},
          {"cls_obs_error", detail::bound_json(r.cls_obs_error)},
          {"clsb_obs_error", detail::bound_json(r.clsb_obs_error)},
          {"clb_obs_error", detail::bound_json(r.clb_obs_error)},
          {"test_stat", infer::to_string(options.statistic)},
          {"calculator", "toys"},
          {"toys", r.n_toys},
          {"seed", options.seed},
          {"failed_fits", r.failed_fits},
          {"failed_fits_sb", r.failed_fits_sb},
          {"failed_fits_b", r.failed_fits_b},
          {"cls_obs_range", {detail::bound_json(r.cls_obs_min), detail::bound_json(r.cls_obs_max)}},
          {"max_failed_fraction", infer::max_failed_toy_fraction},
          {"toy_status", detail::toy_status(r.failed_fits, infer::too_many_failed_toys(r))},
          {"q_obs", r.q_obs},
          {"status", detail::status_with_toys(r.status, infer::too_many_failed_toys(r))}};
}

/// The fit status whose JSON word (fit::to_string) is `name`, or nothing: what reads a status back.
inline std::optional<fit::fit_status> fit_status_from_name(const std::string& name) {
  return enum_from_name(name, fit::all_fit_statuses);
}

/// The test statistics of a slice of toys (a `--shard` of `rein cls --toys`): null where a fit failed.
inline nlohmann::json toy_statistics_json(const std::vector<double>& q) { return detail::numbers_json(q); }

/// The CLs curve behind a limit, one entry per μ (the Brazil band of scripts/rein-plot brazil).
inline nlohmann::json cls_curve_json(const std::vector<infer::hypotest_result>& curve) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& h : curve)
    out.push_back({{"mu", h.mu}, {"cls_obs", detail::bound_json(h.cls_obs)}, {"cls_exp", detail::numbers_json(h.cls_exp)}});
  return out;
}

/// An upper limit on the parameter of interest `poi`, found with the test statistic `statistic`
/// and the solver tolerance `rtol`; the caller adds what describes its calculator.
inline nlohmann::json to_json(const infer::upper_limit_result& r, const std::string& poi, infer::test_statistic statistic,
                              double rtol, const std::vector<std::string>& warnings) {
  nlohmann::json exp_status = nlohmann::json::array();
  for (auto s : r.exp_status) exp_status.push_back(infer::to_string(s));
  return {{"cl", r.cl},
          {"obs", r.obs},
          {"exp", detail::numbers_json(r.exp)},
          {"obs_status", infer::to_string(r.obs_status)},
          {"exp_status", exp_status},
          {"poi", poi},
          {"test_stat", infer::to_string(statistic)},
          {"rtol", rtol},
          {"evaluations", r.evaluations},
          {"fit_status", fit::to_string(r.fit_status)},
          {"warnings", warnings}};
}

/// An asymptotic upper limit (`rein upper-limit`), with the CLs curve when one was computed.
inline nlohmann::json to_json(const infer::upper_limit_result& r, const std::string& poi,
                              const infer::asymptotic_calculator& calculator, const infer::upper_limit_options& options,
                              const std::vector<infer::hypotest_result>& curve = {}) {
  auto out = to_json(r, poi, calculator.options().statistic, options.rtol, calculator.warnings());
  out["calculator"] = "asymptotics";
  if (!curve.empty()) out["scan"] = cls_curve_json(curve);
  return out;
}

/// An upper limit from toys (`rein upper-limit --toys`): the limits, the failed toy fits summed
/// over the μ evaluated, and each evaluated CLs with the range its failed toys allow (`points`).
inline nlohmann::json to_json(const infer::toy_upper_limit_result& r, const std::string& poi, const infer::toy_options& toys,
                              const infer::upper_limit_options& options) {
  auto out = to_json(static_cast<const infer::upper_limit_result&>(r), poi, toys.statistic, options.rtol, {});
  nlohmann::json points = nlohmann::json::array();
  for (const auto& p : r.points)
    points.push_back({{"mu", p.mu},
                      {"cls_obs", detail::bound_json(p.cls_obs)},
                      {"cls_exp", detail::numbers_json(p.cls_exp)},
                      {"cls_obs_range", {detail::bound_json(p.cls_obs_min), detail::bound_json(p.cls_obs_max)}},
                      {"failed_fits_sb", p.failed_fits_sb},
                      {"failed_fits_b", p.failed_fits_b}});
  out.update({{"calculator", "toys"},
              {"toys", toys.n_toys},
              {"seed", toys.seed},
              {"failed_fits", r.failed_fits_sb + r.failed_fits_b},
              {"failed_fits_sb", r.failed_fits_sb},
              {"failed_fits_b", r.failed_fits_b},
              {"max_failed_fraction", infer::max_failed_toy_fraction},
              {"toy_status", detail::toy_status(r.failed_fits_sb + r.failed_fits_b, r.too_many_failed)},
              {"status", detail::status_with_toys(r.fit_status, r.too_many_failed)},
              {"points", points}});
  return out;
}

/// The discovery significance from toys (`rein significance --toys`): the keys of the asymptotic
/// one where they mean the same, z from the toys' p0, and the failed toy fits per hypothesis.
inline nlohmann::json to_json(const infer::toy_significance_result& r, const infer::toy_options& toys) {
  return {{"q0", r.q0_obs},
          {"p0", detail::bound_json(r.p0)},
          {"p0_error", detail::bound_json(r.p0_error)},
          {"z_obs", detail::bound_json(infer::one_sided_z(r.p0))},
          {"p0_exp", detail::bound_json(r.p0_exp[2])},
          {"z_exp", detail::bound_json(infer::one_sided_z(r.p0_exp[2]))},
          {"p0_exp_band", detail::numbers_json(r.p0_exp)},
          {"p0_range", {detail::bound_json(r.p0_min), detail::bound_json(r.p0_max)}},
          {"calculator", "toys"},
          {"toys", r.n_toys},
          {"seed", toys.seed},
          {"failed_fits", r.failed_fits},
          {"failed_fits_b", r.failed_fits_b},
          {"failed_fits_sb", r.failed_fits_sb},
          {"max_failed_fraction", infer::max_failed_toy_fraction},
          {"toy_status", detail::toy_status(r.failed_fits, infer::too_many_failed_toys(r))},
          {"status", detail::status_with_toys(r.status, infer::too_many_failed_toys(r))}};
}

/// The discovery significance (`rein significance`).
inline nlohmann::json to_json(const infer::significance_result& r) {
  return {{"q0", r.q0},
          {"p0", r.p0},
          {"z_obs", r.z_obs},
          {"z_exp", r.z_exp},
          {"p0_exp", r.p0_exp},
          {"p0_exp_band", detail::numbers_json(r.p0_exp_band)},
          {"q0_asimov", r.q0_asimov},
          {"mu_hat", r.mu_hat},
          {"status", fit::to_string(r.status)}};
}

/// A likelihood-ratio test of a stated null (`rein lrt`): q, Wilks' χ², Chernoff's χ̄² and, when
/// run, the toys, with both fits. A calibration that is unavailable prints null (with
/// `chibar2_note` saying why); a Z that is infinite (p = 0) prints null with `z_above`, the Z of the
/// smallest p-value the toys resolve. With toys, also their `seed` and `max_failed_fraction`, and
/// status "toy_fits_failed" when both fits converged but too many toy fits failed.
inline nlohmann::json to_json(const infer::likelihood_ratio_result& r, const likelihood::model& model) {
  nlohmann::json toys = nullptr;
  if (r.toys.n > 0) {
    toys = {{"n", r.toys.n}, {"failed", r.toys.failed}, {"exceeding", r.toys.exceeding},
            {"p", detail::bound_json(r.toys.p)}, {"z", detail::bound_json(r.toys.z)}};
    if (r.toys.exceeding == 0 && r.toys.failed < r.toys.n)
      toys["z_above"] = infer::one_sided_z(1.0 / static_cast<double>(r.toys.n - r.toys.failed));
  }
  nlohmann::json out = {{"q", r.q},
                        {"dof", r.dof},
                        {"z_sqrt_q", r.z_sqrt_q},
                        {"p_chi2", r.p_chi2},
                        {"z_chi2", detail::bound_json(r.z_chi2)},
                        {"p_chibar2", detail::bound_json(r.p_chibar2)},
                        {"z_chibar2", detail::bound_json(r.z_chibar2)},
                        {"chibar2_weights", r.chibar2_weights.empty() ? nlohmann::json(nullptr) : detail::numbers_json(r.chibar2_weights)},
                        {"chibar2_note", r.chibar2_note},
                        {"on_bound", r.on_bound},
                        {"squared", r.squared},
                        {"unidentified", r.unidentified},
                        {"toys", toys},
                        {"null_fit", to_json(r.null, model)},
                        {"free_fit", to_json(r.free, model)},
                        {"status", fit::to_string(r.status)}};
  if (r.toys.n > 0) {
    out["seed"] = r.toys.seed;
    out["max_failed_fraction"] = infer::max_failed_toy_fraction;
    if (r.toys.too_many_failed() && r.status == fit::fit_status::ok) out["status"] = "toy_fits_failed";
  }
  return out;
}

/// The points of a profile scan as a `--shard` of `rein scan` prints them (no Δ(2 nll): the
/// free fit is the merge's).
inline nlohmann::json scan_points_json(const std::vector<infer::scan_point>& points) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& p : points) out.push_back({{"value", p.value}, {"twice_nll", p.twice_nll}, {"status", fit::to_string(p.status)}});
  return out;
}

/// A profile scan in one parameter (`rein scan`, and `rein merge` of its shards).
inline nlohmann::json to_json(const infer::scan_result& r) {
  nlohmann::json points = nlohmann::json::array();
  for (const auto& p : r.points)
    points.push_back({{"value", p.value}, {"twice_nll", p.twice_nll}, {"delta_twice_nll", p.delta_twice_nll},
                      {"status", fit::to_string(p.status)}});
  nlohmann::json intervals = nlohmann::json::array();
  for (const auto& i : r.intervals)
    intervals.push_back({{"delta_twice_nll", i.level},
                         {"lower", i.lower ? nlohmann::json(*i.lower) : nlohmann::json(nullptr)},
                         {"upper", i.upper ? nlohmann::json(*i.upper) : nlohmann::json(nullptr)}});
  return {{"poi", r.parameter},
          {"best", r.best},
          {"twice_nll_min", r.twice_nll_min},
          {"points", points},
          {"intervals", intervals},
          {"status", fit::to_string(r.status)},
          // grid points that lay below the first free fit (it was redone from there)
          {"below_minimum", r.below_minimum}};
}

/// The expected curve of a profile scan (`rein scan --expected MU`): the scan's JSON with
/// `asimov_value` and `asimov_fit_status`.
inline nlohmann::json to_json(const infer::expected_scan_result& r) {
  auto out = to_json(r.scan);
  out["asimov_value"] = r.asimov_value;
  out["asimov_fit_status"] = fit::to_string(r.asimov_fit_status);
  return out;
}

/// A profile scan in two parameters (`rein scan --poi2`), with the Δ(2 nll) levels of its
/// 68 % and 95 % regions (χ²₂ quantiles).
inline nlohmann::json to_json(const infer::scan_2d_result& r) {
  nlohmann::json points = nlohmann::json::array();
  for (const auto& p : r.points)
    points.push_back({{"value", {p.x, p.y}}, {"twice_nll", p.twice_nll}, {"delta_twice_nll", p.delta_twice_nll},
                      {"status", fit::to_string(p.status)}});
  nlohmann::json below = nlohmann::json::array();
  for (const auto& [x, y] : r.below_minimum) below.push_back({x, y});
  return {{"poi", {r.x_parameter, r.y_parameter}},
          {"best", {r.best_x, r.best_y}},
          {"twice_nll_min", r.twice_nll_min},
          {"shape", {r.nx, r.ny}},
          {"points", points},
          {"levels", {{"68", 2.29574893}, {"95", 5.99146455}}},
          {"status", fit::to_string(r.status)},
          {"below_minimum", below}};
}

/// Pulls, constraints and impacts on the POI (`rein impacts`), run on `threads` threads.
inline nlohmann::json to_json(const infer::impacts_result& r, unsigned threads) {
  const auto pair = [](const std::array<double, 2>& v) { return detail::numbers_json(v); };
  nlohmann::json items = nlohmann::json::array();
  for (const auto& item : r.impacts)
    items.push_back({{"name", item.name},
                     {"constrained", item.constrained},
                     {"value", detail::bound_json(item.value)},
                     {"error", detail::bound_json(item.error)},
                     {"prefit_center", detail::bound_json(item.prefit_center)},
                     {"prefit_sigma", detail::bound_json(item.prefit_sigma)},
                     {"pull", detail::bound_json(item.pull)},
                     {"constraint", detail::bound_json(item.constraint)},
                     {"held_postfit", pair(item.postfit_held)},
                     {"held_prefit", pair(item.prefit_held)},
                     {"impact_postfit", pair(item.impact_postfit)},
                     {"impact_prefit", pair(item.impact_prefit)},
                     {"status", fit::to_string(item.status)}});
  return {{"poi", r.poi},
          {"mu_hat", detail::bound_json(r.mu_hat)},
          {"mu_error", detail::bound_json(r.mu_error)},
          {"twice_nll", detail::bound_json(r.free_fit.twice_nll)},
          {"covariance_ok", r.free_fit.covariance_ok},
          {"impacts", items},
          {"definition", "impact = mu_hat(theta_i held) - mu_hat, theta_i held at theta_hat -/+ "
                         "post-fit error or -/+ pre-fit width, clipped into its bounds; "
                         "pairs are [down, up]; ranked by max |post-fit impact|"},
          {"fits", r.fits},
          {"threads", threads},
          {"status", fit::to_string(r.status)}};
}

/// Goodness of fit (`rein gof`): the saturated model's, the chosen algorithm's statistic in all and per channel; `seed` is the toys' seed (reported with them).
inline nlohmann::json to_json(const infer::goodness_of_fit_result& r, std::uint64_t seed) {
  nlohmann::json out = {{"q_saturated", detail::bound_json(r.q_saturated)},
                        {"q_main", detail::bound_json(r.q_main)},
                        {"q_constraint", detail::bound_json(r.q_constraint)},
                        {"ndf", r.ndf},
                        {"p_value", detail::bound_json(r.p_value)},
                        {"n_bins", r.n_bins},
                        {"n_free_parameters", r.n_free},
                        {"n_free_constrained", r.n_free_constrained},
                        {"ndf_convention", "n_bins + n_free_constrained - n_free_parameters"},
                        {"twice_nll", detail::bound_json(r.fit.twice_nll)},
                        {"status", fit::to_string(r.status)},
                        {"warnings", r.warnings},
                        {"algorithm", infer::to_string(r.algorithm)},
                        {"statistic", detail::bound_json(r.statistic)}};
  out["channels"] = nlohmann::json::array();
  for (const auto& c : r.channels) {
    nlohmann::json channel = {{"name", c.name}, {"n_bins", c.n_bins}, {"statistic", detail::bound_json(c.statistic)}};
    if (r.n_toys > 0) {
      channel["p_value_toys"] = detail::bound_json(c.p_value_toys);
      channel["p_value_toys_error"] = detail::bound_json(c.p_value_toys_error);
    }
    out["channels"].push_back(channel);
  }
  if (r.n_toys > 0) {
    out["toys"] = {{"n_toys", r.n_toys},
                   {"seed", seed},
                   {"p_value", detail::bound_json(r.p_value_toys)},
                   {"p_value_error", detail::bound_json(r.p_value_toys_error)},
                   {"failed_fits", r.failed_fits}};
    // the toys' values of the tested statistic: q_saturated (the key since rein gof had toys) or KS / AD
    out["toys"][r.algorithm == infer::gof_algorithm::saturated ? "q_saturated" : "statistic"] = detail::numbers_json(r.toy_q);
  }
  return out;
}

/// Channel compatibility (`rein compatibility`); `seed` is the toys' seed (reported with them).
inline nlohmann::json to_json(const infer::channel_compatibility_result& r, std::uint64_t seed) {
  nlohmann::json channels = nlohmann::json::array();
  for (const auto& c : r.channels)
    channels.push_back({{"name", c.channel}, {"value", detail::bound_json(c.value)}, {"error", detail::bound_json(c.error)}});
  nlohmann::json out = {{"poi", r.poi},
                        {"mu_common", detail::bound_json(r.mu_common)},
                        {"mu_common_error", detail::bound_json(r.mu_common_error)},
                        {"channels", channels},
                        {"twice_delta_nll", detail::bound_json(r.twice_delta_nll)},
                        {"ndf", r.ndf},
                        {"p_value", detail::bound_json(r.p_value)},
                        {"twice_nll_common", detail::bound_json(r.common.twice_nll)},
                        {"twice_nll_split", detail::bound_json(r.split.twice_nll)},
                        {"status", fit::to_string(r.status)},
                        {"status_common", fit::to_string(r.common.status)},
                        {"status_split", fit::to_string(r.split.status)},
                        {"method", "ChannelCompatibilityCheck: one POI per channel vs the common POI, "
                                   "2 (nll_common - nll_split) ~ chi2(channels - 1)"},
                        {"warnings", r.warnings}};
  if (r.n_toys > 0)
    out["toys"] = {{"n_toys", r.n_toys},
                   {"seed", seed},
                   {"p_value", detail::bound_json(r.p_value_toys)},
                   {"p_value_error", detail::bound_json(r.p_value_toys_error)},
                   {"failed_fits", r.failed_fits},
                   {"twice_delta_nll", detail::numbers_json(r.toy_twice_delta_nll)}};
  return out;
}

/// One signal point of a grid (`rein grid`, and `rein merge` of its shards): its `name` and
/// `values` (the patch's), the observed and expected limits with their statuses, CLs at μ = 1,
/// the point's status and wall time.
inline nlohmann::json grid_point_json(const std::string& name, const nlohmann::json& values, const infer::grid_point_result& r) {
  nlohmann::json exp = nlohmann::json::array(), exp_status = nlohmann::json::array(), cls_exp = nlohmann::json::array();
  for (std::size_t k = 0; k < 5; ++k) {
    exp.push_back(r.limit.exp[k]);
    exp_status.push_back(infer::to_string(r.limit.exp_status[k]));
    cls_exp.push_back(r.cls.cls_exp[k]);
  }
  return {{"name", name},
          {"values", values},
          {"upper_limit", {{"obs", r.limit.obs}, {"exp", exp}, {"obs_status", infer::to_string(r.limit.obs_status)},
                           {"exp_status", exp_status}}},
          {"cls_mu1", {{"obs", r.cls.cls_obs}, {"exp", cls_exp}}},
          {"status", r.status},
          {"seconds", r.seconds}};
}

}  // namespace rein::io
