#pragma once

// The registry of named rates for reweighting: files and command lines say which null and which
// alternative model a reweighting uses by name (`rein.reweight`, --null/--alt), and the registry
// turns a pair of names into the bin integrals reweight needs. Built-in models are one header
// each (models/b_to_k_nunu.hpp) plus one line in builtin_nulls / builtin_alternatives below; a
// user's model (its own parameters, or a tabulated rate: models/tabulated.hpp) is added at run
// time with add_null / add_alternative.
#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"
#include "rein/models/b_to_k_nunu.hpp"
#include "rein/models/dark_pair.hpp"
#include "rein/models/invisible_resonance.hpp"
#include "rein/models/rate_entry.hpp"
#include "rein/reweight/bin_integration.hpp"
#include "rein/reweight/bin_rates.hpp"

#include <cmath>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace rein::models {

/// The registry's name for `name`: the older spellings "b_to_k_nunu" and "hpqcd_null" (of `rein
/// rate`) give "wet-b-to-k-nunu" and "hpqcd-b-to-k-nunu"; any other name is returned unchanged.
inline std::string canonical_rate_name(const std::string& name) {
  if (name == "b_to_k_nunu") return "wet-b-to-k-nunu";
  if (name == "hpqcd_null") return "hpqcd-b-to-k-nunu";
  return name;
}

namespace detail {

inline std::vector<null_rate>& null_entries() {
  static std::vector<null_rate> entries = {hpqcd_b_to_k_nunu()};
  return entries;
}

inline std::vector<alternative_rate>& alternative_entries() {
  static std::vector<alternative_rate> entries = {wet_b_to_k_nunu(), sm_plus_invisible_resonance(),
                                                  sm_plus_dark_pair(physics::dark_pair_current::scalar),
                                                  sm_plus_dark_pair(physics::dark_pair_current::vector),
                                                  sm_plus_dark_pair(physics::dark_pair_current::tensor)};
  return entries;
}

template <class Entry>
std::vector<std::string> names_of(const std::vector<Entry>& entries) {
  std::vector<std::string> names;
  for (const auto& e : entries) names.push_back(e.name);
  return names;
}

inline std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "'" : ", '") + n + "'";
  return out;
}

template <class Entry>
void add_entry(std::vector<Entry>& entries, Entry entry, const char* function) {
  if (entry.name.empty()) throw invalid_argument(std::string("rein::models::") + function + ": the rate needs a name");
  // files and --null/--alt would read an older spelling as the built-in rate, never this one
  if (canonical_rate_name(entry.name) != entry.name)
    throw invalid_argument(std::string("rein::models::") + function + ": '" + entry.name + "' is the older spelling of '" +
                           canonical_rate_name(entry.name) + "'; choose another name");
  for (const auto& e : entries)
    if (e.name == entry.name)
      throw invalid_argument(std::string("rein::models::") + function + ": a rate named '" + entry.name + "' exists already");
  entries.push_back(std::move(entry));
}

template <class Entry>
const Entry& find_entry(const std::vector<Entry>& entries, const std::string& name, const char* what) {
  for (const auto& e : entries)
    if (e.name == name) return e;
  throw invalid_argument("rein::models::make_named_rates: unknown " + std::string(what) + " rate '" + name + "'; known: " +
                         joined(names_of(entries)));
}

}  // namespace detail

/// The names of the null rates, built-in first ("hpqcd-b-to-k-nunu": physics::b_to_k_nunu_null,
/// Belle II's SM null).
inline std::vector<std::string> named_nulls() { return detail::names_of(detail::null_entries()); }

/// The names of the alternative rates, built-in first ("wet-b-to-k-nunu":
/// physics::b_to_k_nunu_alternative; parameters cvl, csl, ctl, FFK[0..7]), then
/// "sm-plus-invisible-resonance" (models/invisible_resonance.hpp; m_x, width_x, br_x),
/// "sm-plus-dark-pair-scalar", "-vector", "-tensor" (models/dark_pair.hpp; m_chi, br_chi).
inline std::vector<std::string> named_alternatives() { return detail::names_of(detail::alternative_entries()); }

/// The null rate called `name`.
/// @throws invalid_argument naming the unknown name and the known ones
inline const null_rate& find_null(const std::string& name) { return detail::find_entry(detail::null_entries(), name, "null"); }

/// The alternative rate called `name` (with its parameters).
/// @throws invalid_argument naming the unknown name and the known ones
inline const alternative_rate& find_alternative(const std::string& name) {
  return detail::find_entry(detail::alternative_entries(), name, "alternative");
}

/// Adds a null rate under its name. Not thread-safe: register before reweighting starts.
/// @throws invalid_argument for an empty name, a name taken or an older spelling of one, no
///         callable, or a support [q2_min, q2_max] that is not an interval of numbers
inline void add_null(null_rate entry) {
  if (!entry.rate) throw invalid_argument("rein::models::add_null: '" + entry.name + "' has no rate callable");
  if (!(entry.q2_min < entry.q2_max))
    throw invalid_argument("rein::models::add_null: '" + entry.name + "' has the support q2_min = " + rein::detail::format_value(entry.q2_min) +
                           ", q2_max = " + rein::detail::format_value(entry.q2_max) + "; need q2_min < q2_max");
  detail::add_entry(detail::null_entries(), std::move(entry), "add_null");
}

/// Adds an alternative rate under its name. Not thread-safe: register before reweighting starts.
/// @throws invalid_argument for an empty name, a name taken or an older spelling of one, no
///         factory, or a parameter without a name, named twice, with a NaN bound, lower >= upper,
///         or init not a number in [lower, upper]
inline void add_alternative(alternative_rate entry) {
  if (!entry.make_rates) throw invalid_argument("rein::models::add_alternative: '" + entry.name + "' has no make_rates");
  const auto& pars = entry.parameters;
  for (std::size_t k = 0; k < pars.size(); ++k) {
    const auto& p = pars[k];
    const std::string where = "rein::models::add_alternative: '" + entry.name + "' parameters[" + std::to_string(k) + "]";
    if (p.name.empty()) throw invalid_argument(where + " has no name");
    for (std::size_t j = 0; j < k; ++j)
      if (pars[j].name == p.name) throw invalid_argument(where + " = '" + p.name + "' repeats parameters[" + std::to_string(j) + "]");
    if (!(p.lower < p.upper))
      throw invalid_argument(where + " ('" + p.name + "') has lower = " + rein::detail::format_value(p.lower) +
                             ", upper = " + rein::detail::format_value(p.upper) + "; need lower < upper (±inf for none)");
    if (!(p.init >= p.lower && p.init <= p.upper) || !std::isfinite(p.init))
      throw invalid_argument(where + " ('" + p.name + "') has init = " + rein::detail::format_value(p.init) +
                             "; need a finite value in [" + rein::detail::format_value(p.lower) + ", " +
                             rein::detail::format_value(p.upper) + "]");
  }
  detail::add_entry(detail::alternative_entries(), std::move(entry), "add_alternative");
}

/// The bin integrals of the named null and alternative over `edges`, each rate clipped to its
/// support and integrated with `rule` (16 nodes per bin: endpoint_adapted by default;
/// gauss_legendre is redist's rule).
/// @throws invalid_argument naming the unknown name and the known ones, or for bad edges
inline std::shared_ptr<const reweight::bin_rates> make_named_rates(const std::string& null, const std::string& alternative,
                                                                  const std::vector<double>& edges,
                                                                  reweight::quadrature_rule rule = reweight::quadrature_rule::endpoint_adapted) {
  const auto& n = find_null(null);
  return find_alternative(alternative).make_rates(n, edges, rule);
}

}  // namespace rein::models
