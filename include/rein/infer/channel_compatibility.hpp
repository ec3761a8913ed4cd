#pragma once

// CMS Combine's ChannelCompatibilityCheck: is the signal strength of each channel compatible with
// the common one? Fit once with one POI for all channels and once with a POI of its own per
// channel; 2Δnll between the two is asymptotically χ² with (channels with the POI − 1) degrees of
// freedom (Wilks: the common fit is the split fit restricted to μ_1 = … = μ_k).
#include "rein/core/error.hpp"
#include "rein/core/parallel_for.hpp"
#include "rein/core/parameter_layout.hpp"
#include "rein/core/random.hpp"
#include "rein/fit/fit_status.hpp"
#include "rein/fit/maximum_likelihood.hpp"
#include "rein/infer/toys.hpp"
#include "rein/likelihood/dataset.hpp"
#include "rein/likelihood/model.hpp"
#include "rein/likelihood/model/reparametrize.hpp"

#include <Eigen/Core>
#include <boost/math/distributions/chi_squared.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace rein::infer {

/// A model with the POI split by channel, and which parameter is which channel's POI.
struct split_poi_model {
  likelihood::model model;
  std::vector<std::string> channels;  ///< the channels whose samples use the POI, in model order
  std::vector<std::size_t> pois;      ///< the index of each one's POI in `model`
};

/// `m` with one copy of its POI per channel that uses it: channel c's samples read `<poi>_<c>`
/// (the first such channel's copy takes the POI's index; the others are appended after every
/// other parameter, so the constrained parameters and the auxiliary data keep their order and a
/// dataset of `m` is one of the split model). Each copy has the POI's init and bounds; the split
/// model's POI is the first copy.
/// @throws invalid_argument if `m` has no POI, the POI is constrained, a custom modifier reads it,
///         no channel uses it, or a copy's name is taken.
[[nodiscard]] inline split_poi_model split_poi_by_channel(const likelihood::model& m) {
  constexpr const char* function = "rein::infer::split_poi_by_channel";
  const auto& layout = m.parameters();
  if (!layout.poi()) throw invalid_argument(std::string(function) + ": the model has no parameter of interest");
  const std::size_t poi = *layout.poi();
  const auto& p = layout[poi];
  if (p.constraint != constraint_kind::none)
    throw invalid_argument(std::string(function) + ": the parameter of interest '" + p.name +
                           "' is constrained; a per-channel copy would repeat its auxiliary datum");
  for (const auto& custom : m.custom_modifiers())
    if (std::find(custom.inputs.begin(), custom.inputs.end(), poi) != custom.inputs.end())
      throw invalid_argument(std::string(function) + ": custom modifier '" + custom.name + "' reads the parameter of interest '" +
                             p.name + "'; its channels cannot be given POIs of their own");
  const auto reads = [&](const std::vector<std::size_t>& parameters) {
    return std::find(parameters.begin(), parameters.end(), poi) != parameters.end();
  };
  const auto uses = [&](const likelihood::sample_info& s) {
    return reads(s.scalar_parameters) || reads(s.shift_parameters) ||
           std::any_of(s.bin_parameters.begin(), s.bin_parameters.end(), reads);
  };
  split_poi_model r{m, {}, {}};
  std::vector<parameter> parameters = layout.all();
  for (const auto& c : m.channels()) {
    if (std::none_of(m.samples().begin(), m.samples().end(),
                     [&](const likelihood::sample_info& s) { return s.channel == c.name && uses(s); }))
      continue;
    parameter copy = p;
    copy.name = p.name + "_" + c.name;
    copy.set = copy.name;
    if (layout.contains(copy.name))
      throw invalid_argument(std::string(function) + ": the model already has a parameter '" + copy.name + "'");
    r.channels.push_back(c.name);
    if (r.pois.empty()) {
      parameters[poi] = copy;
      r.pois.push_back(poi);
    } else {
      r.pois.push_back(parameters.size());
      parameters.push_back(copy);
    }
  }
  if (r.channels.empty())
    throw invalid_argument(std::string(function) + ": no channel uses the parameter of interest '" + p.name + "'");
  std::vector<likelihood::parameter_redirect> redirects;
  for (std::size_t k = 0; k < r.channels.size(); ++k) redirects.push_back({r.channels[k], poi, r.pois[k]});
  const std::string first = parameters[poi].name;
  r.model = likelihood::reparametrize(m, parameter_layout(std::move(parameters), first), redirects);
  return r;
}

/// Settings of `channel_compatibility`.
struct channel_compatibility_options {
  /// Options of every fit; `fixed` may name the original POI's parameters but not the POI.
  fit::fit_options fit;
  /// Pseudo-experiments for a toy-based p-value, generated at the common fit; 0: none.
  std::size_t n_toys = 0;
  std::uint64_t seed = 0;
  /// Worker threads for the toys, ≥ 1; the results do not depend on it.
  unsigned threads = 1;
  /// Called now and then with (toys done, toys in all) from the calling thread.
  std::function<void(std::size_t, std::size_t)> progress;
};

/// One channel's own signal strength.
struct channel_signal_strength {
  std::string channel;
  double value = 0;
  double error = std::numeric_limits<double>::quiet_NaN();  ///< Hessian error; NaN when the covariance is not ok
};

/// The channel-compatibility test.
struct channel_compatibility_result {
  std::string poi;
  double mu_common = 0;
  double mu_common_error = std::numeric_limits<double>::quiet_NaN();
  std::vector<channel_signal_strength> channels;  ///< the channels that use the POI, each with its μ̂_c
  /// 2[nll(common) − nll(split)] ≥ 0 up to the minimiser's tolerance.
  double twice_delta_nll = 0;
  long ndf = 0;  ///< channels − 1
  /// P(χ²_ndf ≥ twice_delta_nll); NaN when ndf = 0.
  double p_value = std::numeric_limits<double>::quiet_NaN();
  std::size_t n_toys = 0;
  std::size_t failed_fits = 0;  ///< toys whose common or split fit did not converge (dropped)
  /// Fraction of the converged toys with 2Δnll ≥ twice_delta_nll and its binomial error; NaN without toys.
  double p_value_toys = std::numeric_limits<double>::quiet_NaN();
  double p_value_toys_error = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> toy_twice_delta_nll;  ///< NaN where a fit failed
  fit::fit_result common, split;            ///< the two fits to the data
  fit::fit_status status = fit::fit_status::ok;  ///< the worse of the two fits' statuses
  std::vector<std::string> warnings;
};

/// Channel compatibility of `model` on `data` (Combine's `-M ChannelCompatibilityCheck`): the
/// common fit, the fit with split_poi_by_channel's per-channel POIs (started from the common fit),
/// 2Δnll between them with its χ²_{k−1} p-value, and optionally a toy p-value: toys drawn at the
/// common fit (toy i seeded with task_seed(seed, 0, i)), both fits repeated on each.
/// @throws invalid_argument as split_poi_by_channel, if `options.threads` is 0, or if
///         `options.fit.fixed` names the POI or an unknown parameter.
[[nodiscard]] inline channel_compatibility_result channel_compatibility(const likelihood::model& model,
                                                                        const likelihood::dataset& data,
                                                                        const channel_compatibility_options& options = {}) {
  constexpr const char* function = "rein::infer::channel_compatibility";
  if (options.threads == 0) throw invalid_argument(std::string(function) + ": options.threads = 0, must be >= 1");
  const auto split = split_poi_by_channel(model);
  const auto& layout = model.parameters();
  const std::size_t poi = layout.poi_index();
  for (const auto& fixed : options.fit.fixed) {
    if (!fixed.first.in(layout))
      throw invalid_argument(std::string(function) + ": options.fit.fixed names '" + fixed.first.name_in(layout) +
                             "', not a parameter of the model");
    if (fixed.first.refers_to(layout, poi))
      throw invalid_argument(std::string(function) + ": options.fit.fixed holds the parameter of interest '" + layout[poi].name +
                             "'; the test compares its fitted values");
  }
  channel_compatibility_result r;
  r.poi = layout[poi].name;
  r.ndf = static_cast<long>(split.channels.size()) - 1;
  // the split model's start: the common fit's values, each channel's POI at the common μ̂
  const auto split_start = [&](const Eigen::VectorXd& common) {
    Eigen::VectorXd start(static_cast<Eigen::Index>(split.model.parameters().size()));
    start.head(common.size()) = common;
    for (std::size_t k : split.pois) start[static_cast<Eigen::Index>(k)] = common[static_cast<Eigen::Index>(poi)];
    return start;
  };
  const auto twice_delta = [](const fit::fit_result& common, const fit::fit_result& separate) {
    return 2 * (common.nll - separate.nll);
  };
  r.common = fit::fit(model, data, options.fit);
  fit::fit_options split_options = options.fit;
  split_options.start = split_start(r.common.values);
  r.split = fit::fit(split.model, data, split_options);
  r.status = r.common.status != fit::fit_status::ok ? r.common.status : r.split.status;
  r.mu_common = r.common.values[static_cast<Eigen::Index>(poi)];
  if (r.common.covariance_ok) r.mu_common_error = r.common.errors[static_cast<Eigen::Index>(poi)];
  for (std::size_t c = 0; c < split.channels.size(); ++c) {
    const auto k = static_cast<Eigen::Index>(split.pois[c]);
    r.channels.push_back({split.channels[c], r.split.values[k],
                          r.split.covariance_ok ? r.split.errors[k] : std::numeric_limits<double>::quiet_NaN()});
  }
  r.twice_delta_nll = twice_delta(r.common, r.split);
  if (r.ndf > 0 && std::isfinite(r.twice_delta_nll)) {
    const boost::math::chi_squared_distribution<double> chi2(static_cast<double>(r.ndf));
    r.p_value = boost::math::cdf(boost::math::complement(chi2, std::max(r.twice_delta_nll, 0.0)));
  } else if (r.ndf == 0) {
    r.warnings.push_back("only channel '" + split.channels[0] + "' uses the parameter of interest: nothing to compare");
  }
  if (r.status != fit::fit_status::ok)
    r.warnings.push_back(std::string("a fit to the data ended with status '") + fit::to_string(r.status) + "'");

  r.n_toys = options.n_toys;
  if (options.n_toys == 0) return r;
  r.toy_twice_delta_nll.assign(options.n_toys, std::numeric_limits<double>::quiet_NaN());
  parallel_for(options.n_toys, std::max(1u, options.threads), [&](std::size_t i) {
    const auto toy = generate_toy(model, r.common.values, task_seed(options.seed, 0, i));
    fit::fit_options toy_options = options.fit;
    toy_options.errors = false;
    toy_options.start = r.common.values;
    const auto common = fit::fit(model, toy, toy_options);
    if (common.status != fit::fit_status::ok) return;
    toy_options.start = split_start(common.values);
    const auto separate = fit::fit(split.model, toy, toy_options);
    if (separate.status == fit::fit_status::ok) r.toy_twice_delta_nll[i] = twice_delta(common, separate);
  }, options.progress);
  const auto converged = detail::sorted_finite(r.toy_twice_delta_nll);
  r.failed_fits = options.n_toys - converged.size();
  if (!converged.empty()) {
    r.p_value_toys = detail::tail_fraction(converged, r.twice_delta_nll);
    r.p_value_toys_error = detail::binomial_error(r.p_value_toys, converged.size());
  }
  if (r.failed_fits > 0)
    r.warnings.push_back(std::to_string(r.failed_fits) + " of " + std::to_string(options.n_toys) +
                         " toys had a fit that did not converge; they were dropped");
  return r;
}

/// Channel compatibility on the model's observed data.
[[nodiscard]] inline channel_compatibility_result channel_compatibility(const likelihood::model& model,
                                                                        const channel_compatibility_options& options = {}) {
  return channel_compatibility(model, model.observed(), options);
}

}  // namespace rein::infer
