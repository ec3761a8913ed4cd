#pragma once

#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"
#include "rein/core/parameter_layout.hpp"
#include "rein/likelihood/model/bin_function.hpp"
#include "rein/reweight/bin_rates.hpp"
#include "rein/reweight/decorrelation.hpp"
#include "rein/reweight/number_density.hpp"

#include <Eigen/Core>

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace rein::reweight {

/// What becomes of a weight w_j = ∫_j σ1 / ∫_j σ0 that cannot be used as computed (redist's rules).
struct weight_policy {
  /// Bins not inside [cutoff_low, cutoff_high] keep w = 1.
  double cutoff_low = -std::numeric_limits<double>::infinity();
  double cutoff_high = std::numeric_limits<double>::infinity();
  /// A negative weight becomes 1 unless allowed.
  bool allow_negative = false;
  /// Weights above the bound are clipped to it.
  std::optional<double> upper_bound;
};

/// A field of a weight_policy that breaks its requirements and why, as weight_policy_problem finds it.
struct weight_policy_issue {
  std::string field;    ///< "cutoff" or "upper_bound" (the key in rein's files)
  std::string problem;  ///< the offending values and the requirement
};

/// The first broken requirement of `policy`, if any: cutoff ends are numbers (±infinity for none)
/// with low < high (a reversed cutoff would silently switch the reweighting off), and an upper
/// bound is a number > 0 (a bound ≤ 0 clips every weight to a non-positive yield). One check for
/// make_modifier and for the readers, which add the file and the JSON pointer.
inline std::optional<weight_policy_issue> weight_policy_problem(const weight_policy& policy) {
  using rein::detail::format_value;
  if (std::isnan(policy.cutoff_low) || std::isnan(policy.cutoff_high))
    return weight_policy_issue{"cutoff", "[" + format_value(policy.cutoff_low) + ", " + format_value(policy.cutoff_high) +
                                             "], its ends must be numbers (use ±infinity for none)"};
  if (!(policy.cutoff_low < policy.cutoff_high))
    return weight_policy_issue{"cutoff", "[" + format_value(policy.cutoff_low) + ", " + format_value(policy.cutoff_high) +
                                             "] is empty or reversed, need low < high"};
  if (policy.upper_bound && !(*policy.upper_bound > 0))
    return weight_policy_issue{"upper_bound", format_value(*policy.upper_bound) + ", must be a number > 0 (or none)"};
  return std::nullopt;
}

/// An unconstrained parameter of the alternative model (e.g. a Wilson coefficient).
struct free_parameter {
  std::string name;
  double init = 0;
  double lower = -std::numeric_limits<double>::infinity();
  double upper = std::numeric_limits<double>::infinity();
  bool fixed = false;  ///< held at init (model_options::fixed may set another value)
};

/// A Gaussian-constrained vector of the alternative model (e.g. form-factor parameters):
/// θ = mean + D η with η_k ~ N(0, 1) the model parameters `NAME_decorrelated[k]` (init 0,
/// bounds [−5, 5], normal constraint), D = decorrelation_matrix(covariance) unless given.
struct correlated_parameters {
  std::string name;
  Eigen::VectorXd mean;
  Eigen::MatrixXd covariance;
  std::optional<Eigen::MatrixXd> decorrelation;
};

/// A sample to reweight and its number density M (rows: the sample's bins in the channel;
/// columns: the kinematic bins of the rates).
struct reweight_target {
  std::string channel;
  std::string sample;
  Eigen::MatrixXd density;
  /// The kinematic edges of the density's columns (columns + 1 values), if known: make_modifier
  /// then requires them to agree with the rates' edges. Empty: only the column count is checked.
  std::vector<double> edges{};
};

/// The target of a 1-D number density: its channel, sample, matrix and kinematic edges (so that
/// make_modifier checks the edges against the rates').
/// @throws invalid_argument if the density has more than one kinematic axis (the reweighting
///         modifier works in one kinematic variable)
inline reweight_target make_target(const number_density& density) {
  if (density.kinematic_bins().dimension() != 1)
    throw invalid_argument("rein::reweight::make_target: number density '" + density.name() + "' (channel '" +
                           density.channel() + "', sample '" + density.sample() + "') has " +
                           std::to_string(density.kinematic_bins().dimension()) +
                           " kinematic axes, the reweighting modifier needs exactly 1");
  return {density.channel(), density.sample(), density.density(), density.kinematic_bins().axis(0).edges()};
}

/// A reweighting of samples to a new model: R_i(θ) = Σ_j M_ij w_j(θ) / Σ_j M_ij multiplies the
/// yield in bin i of each target sample. The alternative's parameters are the free ones followed
/// by each correlated vector's components, in the order `rates` expects them.
struct reweighting {
  std::string name;
  std::shared_ptr<const bin_rates> rates;
  std::vector<free_parameter> free;
  std::vector<correlated_parameters> correlated;
  std::vector<reweight_target> targets;
  weight_policy policy;
};

namespace detail {

/// The reweighting as a bin function of the model parameters (free ones, then the η's); its
/// outputs are R for every target's bins, targets concatenated.
class reweighting_function final : public likelihood::bin_function {
 public:
  explicit reweighting_function(const reweighting& spec) : m_rates(spec.rates), m_policy(spec.policy) {
    const std::string where = "rein::reweight::make_modifier: reweighting '" + spec.name + "'";
    if (!m_rates) throw invalid_argument(where + " has no rates");
    const std::size_t bins = m_rates->bins();
    check_rates(where);
    if (const auto issue = weight_policy_problem(m_policy))
      throw invalid_argument(where + ": the weight policy's " + issue->field + " is " + issue->problem);
    m_free = spec.free.size();
    std::size_t physical = m_free;
    for (const auto& group : spec.correlated) {
      const auto n = static_cast<std::size_t>(group.mean.size());
      if (static_cast<std::size_t>(group.covariance.rows()) != n || static_cast<std::size_t>(group.covariance.cols()) != n)
        throw invalid_argument(where + ": '" + group.name + "' has " + std::to_string(n) + " means but a " +
                               std::to_string(group.covariance.rows()) + "×" + std::to_string(group.covariance.cols()) +
                               " covariance");
      for (Eigen::Index i = 0; i < group.mean.size(); ++i)
        if (!std::isfinite(group.mean[i]))
          throw invalid_argument(where + ": '" + group.name + "' has mean[" + std::to_string(i) + "] = " +
                                 rein::detail::format_value(group.mean[i]) + ", must be finite");
      Eigen::MatrixXd d = group.decorrelation ? *group.decorrelation
                                              : decorrelation_matrix(group.covariance, where + ": '" + group.name + "'");
      if (group.decorrelation) {
        (void)decorrelation_matrix(group.covariance, where + ": '" + group.name + "'");  // validates the covariance
        if (static_cast<std::size_t>(d.rows()) != n || static_cast<std::size_t>(d.cols()) != n)
          throw invalid_argument(where + ": '" + group.name + "' has a " + std::to_string(d.rows()) + "×" +
                                 std::to_string(d.cols()) + " decorrelation matrix, must be " + std::to_string(n) +
                                 "×" + std::to_string(n) + " like its covariance");
        for (Eigen::Index i = 0; i < d.rows(); ++i)
          for (Eigen::Index j = 0; j < d.cols(); ++j)
            if (!std::isfinite(d(i, j)))
              throw invalid_argument(where + ": '" + group.name + "' has decorrelation(" + std::to_string(i) + ", " +
                                     std::to_string(j) + ") = " + rein::detail::format_value(d(i, j)) +
                                     ", must be finite");
      }
      m_groups.push_back({physical, group.mean, std::move(d)});
      physical += n;
    }
    if (physical != m_rates->parameters())
      throw invalid_argument(where + " has " + std::to_string(physical) + " physical parameters, its rates take " +
                             std::to_string(m_rates->parameters()));
    m_physical = physical;

    for (std::size_t j = 0; j < bins; ++j) {
      const double null = m_rates->null_integrals()[j];
      // a negative integral (a fitted or user-written null gone below 0) would flip the weights' sign
      if (used(j) && (!std::isfinite(null) || null <= 0))
        throw invalid_argument(where + ": the null rate integrates to " + rein::detail::format_value(null) +
                               " in kinematic bin " + std::to_string(j) + " inside the cutoff" +
                               (null < 0 ? "; a rate must be >= 0" : ""));
    }
    for (std::size_t k = 0; k < spec.targets.size(); ++k) {
      const auto& t = spec.targets[k];
      const std::string target = where + ": the number density of sample '" + t.sample + "' in channel '" + t.channel + "'";
      for (std::size_t l = 0; l < k; ++l)
        if (spec.targets[l].channel == t.channel && spec.targets[l].sample == t.sample)
          throw invalid_argument(where + ": targets " + std::to_string(l) + " and " + std::to_string(k) +
                                 " are both sample '" + t.sample + "' in channel '" + t.channel +
                                 "', a sample can be reweighted once");
      if (t.density.rows() == 0) throw invalid_argument(target + " has no rows, needs one per bin of the channel");
      if (static_cast<std::size_t>(t.density.cols()) != bins)
        throw invalid_argument(target + " has " + std::to_string(t.density.cols()) + " columns, the rates have " +
                               std::to_string(bins) + " bins");
      for (Eigen::Index i = 0; i < t.density.rows(); ++i)
        for (Eigen::Index j = 0; j < t.density.cols(); ++j)
          if (!std::isfinite(t.density(i, j)))
            throw invalid_argument(target + " has density(" + std::to_string(i) + ", " + std::to_string(j) + ") = " +
                                   rein::detail::format_value(t.density(i, j)) + ", must be finite");
      if (!t.edges.empty()) check_target_edges(t.edges, target);
      m_rows.conservativeResize(m_rows.rows() + t.density.rows(), static_cast<Eigen::Index>(bins));
      m_rows.bottomRows(t.density.rows()) = t.density;
    }
    m_row_sums = m_rows.rowwise().sum();
    for (Eigen::Index i = 0; i < m_row_sums.size(); ++i)
      if (!std::isfinite(m_row_sums[i]))
        throw invalid_argument(where + ": row " + std::to_string(i) + " of the number densities (targets concatenated) sums to " +
                               rein::detail::format_value(m_row_sums[i]) + ", must be finite (it is the sample's yield in that bin)");
    m_inputs = m_free;
    for (const auto& g : m_groups) m_inputs += static_cast<std::size_t>(g.mean.size());
  }

  [[nodiscard]] std::size_t outputs() const override { return static_cast<std::size_t>(m_rows.rows()); }
  [[nodiscard]] std::size_t inputs() const override { return m_inputs; }

  /// R(x) and, if `jacobian` is not null, ∂R/∂x. The last result of each reweighting function
  /// is kept per thread (thread_local, so concurrent calls share nothing) and returned again
  /// when the inputs are bitwise the same: the model evaluates every custom modifier at each
  /// call, and when only workspace parameters change (finite-difference Hessians, profile fits
  /// at a fixed alternative) the weights need not be recomputed. A repeated result is a copy of
  /// the computed one, so results do not depend on whether it was kept.
  void evaluate(const double* x, double* factors, double* jacobian) const override {
    memo_entry& entry = memo_for(m_id);
    const std::size_t outputs = static_cast<std::size_t>(m_rows.rows());
    const bool same_inputs = entry.owner == m_id && (jacobian == nullptr || entry.has_jacobian) &&
                             (m_inputs == 0 || std::memcmp(entry.x.data(), x, m_inputs * sizeof(double)) == 0);
    if (same_inputs) {
      std::copy(entry.factors.begin(), entry.factors.end(), factors);
      if (jacobian) std::copy(entry.jacobian.begin(), entry.jacobian.end(), jacobian);
      return;
    }
    compute(x, factors, jacobian);
    entry.owner = m_id;
    entry.has_jacobian = jacobian != nullptr;
    entry.x.assign(x, x + m_inputs);
    entry.factors.assign(factors, factors + outputs);
    if (jacobian)
      entry.jacobian.assign(jacobian, jacobian + outputs * m_inputs);
    else
      entry.jacobian.clear();
  }

 private:
  struct correlated_group {
    std::size_t first;  ///< index of the group's first physical parameter
    Eigen::VectorXd mean;
    Eigen::MatrixXd d;
  };

  /// The last evaluation of one reweighting function on this thread.
  struct memo_entry {
    std::uint64_t owner = 0;  ///< m_id of the function, 0 for none
    bool has_jacobian = false;
    std::vector<double> x, factors, jacobian;
  };

  /// A distinct id for every reweighting function ever built (never reused, unlike an address).
  static std::uint64_t next_id() {
    static std::atomic<std::uint64_t> counter{0};
    return ++counter;
  }

  /// This thread's entry for function `id`: its own if it has one, else the oldest of a few
  /// (a model with several reweightings evaluates them in turn, each keeps its entry).
  static memo_entry& memo_for(std::uint64_t id) {
    constexpr std::size_t slots = 8;
    thread_local std::array<memo_entry, slots> entries;
    thread_local std::size_t next = 0;
    for (auto& e : entries)
      if (e.owner == id) return e;
    memo_entry& e = entries[next];
    next = (next + 1) % slots;
    e.owner = 0;
    return e;
  }

  // The rates' own consistency: bins() + 1 finite, strictly increasing edges (the cutoff and the
  // targets' edges are compared with them) and bins() null integrals.
  void check_rates(const std::string& where) const {
    const auto& edges = m_rates->edges();
    if (m_rates->bins() == 0) throw invalid_argument(where + ": the rates have no kinematic bins");
    if (edges.size() != m_rates->bins() + 1)
      throw invalid_argument(where + ": the rates have " + std::to_string(m_rates->bins()) + " bins but " +
                             std::to_string(edges.size()) + " edges, must be bins + 1");
    if (m_rates->null_integrals().size() != m_rates->bins())
      throw invalid_argument(where + ": the rates have " + std::to_string(m_rates->bins()) + " bins but " +
                             std::to_string(m_rates->null_integrals().size()) + " null integrals, must be one per bin");
    for (std::size_t k = 0; k < edges.size(); ++k) {
      if (!std::isfinite(edges[k]))
        throw invalid_argument(where + ": the rates' edges[" + std::to_string(k) + "] = " +
                               rein::detail::format_value(edges[k]) + ", must be finite");
      if (k > 0 && !(edges[k] > edges[k - 1]))
        throw invalid_argument(where + ": the rates' edges[" + std::to_string(k) + "] = " +
                               rein::detail::format_value(edges[k]) + " is not greater than edges[" +
                               std::to_string(k - 1) + "] = " + rein::detail::format_value(edges[k - 1]) +
                               ", edges must be strictly increasing");
    }
  }

  // A target's edges must be as many as the rates' and equal to them within 1e-12 of the larger
  // end of the rates' range: the same binning computed twice (numpy.linspace here, a C++ loop
  // there) differs by a few ulp, a different binning by far more.
  void check_target_edges(const std::vector<double>& edges, const std::string& target) const {
    const auto& rates = m_rates->edges();
    if (edges.size() != rates.size())
      throw invalid_argument(target + " has " + std::to_string(edges.size()) + " kinematic edges, the rates have " +
                             std::to_string(rates.size()) + " (the edges must agree)");
    for (std::size_t k = 0; k < edges.size(); ++k) {
      if (!std::isfinite(edges[k]))
        throw invalid_argument(target + " has kinematic edges[" + std::to_string(k) + "] = " +
                               rein::detail::format_value(edges[k]) + ", must be finite");
      if (k > 0 && !(edges[k] > edges[k - 1]))
        throw invalid_argument(target + " has kinematic edges[" + std::to_string(k) + "] = " +
                               rein::detail::format_value(edges[k]) + " not greater than edges[" + std::to_string(k - 1) +
                               "] = " + rein::detail::format_value(edges[k - 1]) + ", edges must be strictly increasing");
    }
    const double tolerance = edge_tolerance * std::max(std::abs(rates.front()), std::abs(rates.back()));
    for (std::size_t k = 0; k < edges.size(); ++k)
      if (!(std::abs(edges[k] - rates[k]) <= tolerance))
        throw invalid_argument(target + " has kinematic edges[" + std::to_string(k) + "] = " +
                               rein::detail::format_value(edges[k]) + ", the rates have edges[" + std::to_string(k) +
                               "] = " + rein::detail::format_value(rates[k]) +
                               " (the edges must agree to 1e-12 of the largest |edge|)");
  }

  static constexpr double edge_tolerance = 1e-12;

  void compute(const double* x, double* factors, double* jacobian) const {
    const std::size_t bins = m_rates->bins();
    // physical parameters θ = (free, mean + D η)
    std::vector<double> theta(m_physical);
    for (std::size_t k = 0; k < m_free; ++k) theta[k] = x[k];
    std::size_t input = m_free;
    for (const auto& g : m_groups) {
      const auto n = g.mean.size();
      const Eigen::Map<const Eigen::VectorXd> eta(x + input, n);
      Eigen::Map<Eigen::VectorXd>(theta.data() + g.first, n) = g.mean + g.d * eta;
      input += static_cast<std::size_t>(n);
    }
    std::vector<double> alternative(bins), d_alternative(jacobian ? bins * m_physical : 0);
    m_rates->alternative_integrals(theta.data(), alternative.data(), jacobian ? d_alternative.data() : nullptr);

    // weights and ∂w/∂θ (zero where the policy replaced the weight)
    Eigen::VectorXd w(static_cast<Eigen::Index>(bins));
    Eigen::MatrixXd dw = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(bins), static_cast<Eigen::Index>(jacobian ? m_physical : 0));
    for (std::size_t j = 0; j < bins; ++j) {
      const double null = m_rates->null_integrals()[j];
      double weight = used(j) ? alternative[j] / null : 1.0;
      bool derivative = used(j);
      if (std::isnan(weight) || (weight < 0 && !m_policy.allow_negative)) weight = 1.0, derivative = false;
      if (used(j) && m_policy.upper_bound && weight > *m_policy.upper_bound) weight = *m_policy.upper_bound, derivative = false;
      w[static_cast<Eigen::Index>(j)] = weight;
      if (jacobian && derivative)
        for (std::size_t k = 0; k < m_physical; ++k)
          dw(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(k)) = d_alternative[j * m_physical + k] / null;
    }
    const Eigen::VectorXd mw = m_rows * w;
    for (Eigen::Index i = 0; i < m_rows.rows(); ++i)
      factors[i] = m_row_sums[i] != 0 ? mw[i] / m_row_sums[i] : 1.0;  // an empty row keeps its yield
    if (!jacobian) return;

    // ∂R/∂x = (M ∂w/∂θ / rowsum) ∂θ/∂x, with ∂θ/∂x = 1 for free parameters and D for the η's
    Eigen::MatrixXd dr = m_rows * dw;
    for (Eigen::Index i = 0; i < dr.rows(); ++i) dr.row(i) *= m_row_sums[i] != 0 ? 1 / m_row_sums[i] : 0.0;
    Eigen::Map<Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> out(
        jacobian, m_rows.rows(), static_cast<Eigen::Index>(m_inputs));
    out.leftCols(static_cast<Eigen::Index>(m_free)) = dr.leftCols(static_cast<Eigen::Index>(m_free));
    input = m_free;
    for (const auto& g : m_groups) {
      const auto n = g.mean.size();
      out.middleCols(static_cast<Eigen::Index>(input), n) = dr.middleCols(static_cast<Eigen::Index>(g.first), n) * g.d;
      input += static_cast<std::size_t>(n);
    }
  }

  [[nodiscard]] bool used(std::size_t j) const {
    const auto& edges = m_rates->edges();
    return edges[j] >= m_policy.cutoff_low && edges[j + 1] <= m_policy.cutoff_high;
  }

  std::uint64_t m_id = next_id();
  std::shared_ptr<const bin_rates> m_rates;
  weight_policy m_policy;
  std::size_t m_free = 0;
  std::size_t m_physical = 0;
  std::size_t m_inputs = 0;
  std::vector<correlated_group> m_groups;
  Eigen::MatrixXd m_rows;
  Eigen::VectorXd m_row_sums;
};

}  // namespace detail

/// The reweighting as a custom modifier of likelihood::make_model: its parameters (the free ones,
/// unconstrained within their bounds, then `NAME_decorrelated[k]` for each correlated vector) and
/// one target per reweighted sample.
/// Checks made here (the workspace is not known yet: make_model checks that each target's
/// channel and sample exist and that its rows fit the outputs).
/// @throws invalid_argument (messages name the reweighting, the parameter group or the target's
///         channel and sample, the index and the value) for: no rates; rates whose edges are not
///         bins() + 1 finite, strictly increasing values; a NaN cutoff or upper bound; a physical
///         parameter count different from the rates'; a non-finite mean, a covariance of the
///         wrong shape, not finite, not symmetric or not positive semi-definite, a given
///         decorrelation matrix of the wrong shape or not finite; a target repeated, with no rows,
///         with a column count different from the rates' bins, with a non-finite density entry,
///         or with `edges` that are not strictly increasing or do not agree with the rates' edges
///         (count, and values to 1e-12 of the largest |edge|); a null rate that integrates to 0, a
///         negative or a non-finite value in a kinematic bin inside the cutoff.
inline likelihood::custom_modifier make_modifier(const reweighting& spec) {
  auto function = std::make_shared<detail::reweighting_function>(spec);
  likelihood::custom_modifier m;
  m.name = spec.name;
  m.function = function;
  for (const auto& p : spec.free) {
    parameter q;
    q.name = q.set = p.name;
    q.init = p.init, q.lower = p.lower, q.upper = p.upper, q.fixed = p.fixed;
    m.parameters.push_back(q);
  }
  for (const auto& group : spec.correlated)
    for (Eigen::Index k = 0; k < group.mean.size(); ++k) {
      parameter q;
      q.set = group.name + "_decorrelated";
      q.name = q.set + "[" + std::to_string(k) + "]";
      q.init = 0, q.lower = -5, q.upper = 5;
      q.constraint = constraint_kind::normal, q.aux = 0, q.sigma = 1;
      m.parameters.push_back(q);
    }
  std::size_t offset = 0;
  for (const auto& t : spec.targets) {
    m.targets.push_back({t.channel, t.sample, offset, static_cast<std::size_t>(t.density.rows())});
    offset += static_cast<std::size_t>(t.density.rows());
  }
  return m;
}

}  // namespace rein::reweight
