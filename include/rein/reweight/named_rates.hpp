#pragma once

// The built-in rates by name, so that files and command lines can say which null and which
// alternative model a reweighting uses: the names are rein's, the models are rein::physics's.
#include "rein/core/error.hpp"
#include "rein/physics/callables.hpp"
#include "rein/reweight/bin_integration.hpp"
#include "rein/reweight/bin_rates.hpp"

#include <memory>
#include <string>
#include <vector>

namespace rein::reweight {

/// Null rates by name: "hpqcd-b-to-k-nunu" (physics::b_to_k_nunu_null, Belle II's SM null).
inline const std::vector<std::string>& named_nulls() {
  static const std::vector<std::string> names = {"hpqcd-b-to-k-nunu"};
  return names;
}

/// Alternative rates by name: "wet-b-to-k-nunu" (physics::b_to_k_nunu_alternative; parameters
/// cvl, csl, ctl, FFK[0..7]).
inline const std::vector<std::string>& named_alternatives() {
  static const std::vector<std::string> names = {"wet-b-to-k-nunu"};
  return names;
}

namespace detail {

inline std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "'" : ", '") + n + "'";
  return out;
}

}  // namespace detail

/// The bin integrals of the named null and alternative over `edges`, each rate clipped to its
/// support [q²_min, q²_max] and integrated with `rule` (16 nodes per bin: endpoint_adapted by
/// default; gauss_legendre is redist's rule).
/// @throws invalid_argument naming the unknown name and the known ones, or for bad edges
inline std::shared_ptr<const bin_rates> make_named_rates(const std::string& null, const std::string& alternative,
                                                        const std::vector<double>& edges,
                                                        quadrature_rule rule = quadrature_rule::endpoint_adapted) {
  if (null != "hpqcd-b-to-k-nunu")
    throw invalid_argument("rein::reweight::make_named_rates: unknown null rate '" + null + "'; known: " +
                           detail::joined(named_nulls()));
  if (alternative != "wet-b-to-k-nunu")
    throw invalid_argument("rein::reweight::make_named_rates: unknown alternative rate '" + alternative + "'; known: " +
                           detail::joined(named_alternatives()));
  const physics::b_to_k_nunu_null sm;
  const physics::b_to_k_nunu_alternative wet;
  bin_integration_options null_options, alternative_options;
  null_options.rule = alternative_options.rule = rule;
  null_options.lower_limit = sm.q2_min();
  null_options.endpoint = sm.q2_max();
  alternative_options.lower_limit = wet.q2_min();
  alternative_options.endpoint = wet.q2_max();
  const auto kernel_at = [wet](double q2) { return wet.kernel(q2); };
  return std::make_shared<kernel_rates<physics::b_to_k_nunu_parameter_count, decltype(kernel_at)>>(
      [sm](double q2) { return sm(q2); }, kernel_at, edges, null_options, alternative_options);
}

}  // namespace rein::reweight
