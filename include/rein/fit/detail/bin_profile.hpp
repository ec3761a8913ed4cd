#pragma once

#include "rein/core/parameter_layout.hpp"
#include "rein/likelihood/dataset.hpp"
#include "rein/likelihood/model.hpp"
#include "rein/fit/detail/finite_difference.hpp"
#include "rein/likelihood/model/detail/poisson_term.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace rein::fit::detail {

/// Marks a parameter that is not local in `local_bins`.
inline constexpr std::size_t not_local = std::numeric_limits<std::size_t>::max();

/// Bins with more local parameters than this keep them global (bin_profile's per-bin Newton is dense).
inline constexpr std::size_t max_local_per_bin = 16;

/// The main bin of each local parameter (see bin_profile), `not_local` for the others: a parameter is
/// local when it is free (not in `fixed`, lower < upper, not the POI) and enters the model only as a
/// per-bin factor of one main bin, at most once per sample, in a bin with at most max_local_per_bin
/// of them. nll then couples it only to the parameters of its bin and to the non-local ones.
inline std::vector<std::size_t> local_bins(const likelihood::model& model, const std::vector<bool>& fixed) {
  const auto& layout = model.parameters();
  const std::size_t n = layout.size();
  constexpr std::size_t none = not_local - 1;  // not seen yet
  std::vector<std::size_t> home(n, none);
  for (std::size_t i = 0; i < n; ++i)
    if (fixed[i] || !(layout[i].lower < layout[i].upper) || (layout.poi() && *layout.poi() == i)) home[i] = not_local;
  for (const auto& s : model.samples()) {
    for (const std::size_t p : s.scalar_parameters) home[p] = not_local;
    for (const std::size_t p : s.shift_parameters) home[p] = not_local;
    for (std::size_t b = 0; b < s.nominal.size(); ++b) {
      for (std::size_t f = 0; f < s.bin_parameters.size(); ++f) {
        const std::size_t p = s.bin_parameters[f][b];
        for (std::size_t e = 0; e < f; ++e)
          if (s.bin_parameters[e][b] == p) home[p] = not_local;  // twice in one sample: not linear
        if (home[p] == none) home[p] = s.offset + b;
        else if (home[p] != s.offset + b) home[p] = not_local;
      }
    }
  }
  for (const auto& c : model.custom_modifiers())
    for (const std::size_t p : c.inputs) home[p] = not_local;
  for (auto& h : home)
    if (h == none) h = not_local;  // in no bin factor
  // bins with too many local parameters keep them global
  std::vector<std::size_t> count(model.main_bins(), 0);
  for (std::size_t i = 0; i < n; ++i)
    if (home[i] != not_local) ++count[home[i]];
  for (std::size_t i = 0; i < n; ++i)
    if (home[i] != not_local && count[home[i]] > max_local_per_bin) home[i] = not_local;
  return home;
}

/// The Hessian blocks of nll for finite_difference.hpp's hessian_on: each local parameter's main
/// bin, dense_block for the others.
inline std::vector<std::ptrdiff_t> hessian_blocks(const likelihood::model& model, const std::vector<bool>& fixed) {
  const std::vector<std::size_t> home = local_bins(model, fixed);
  std::vector<std::ptrdiff_t> blocks(home.size(), dense_block);
  for (std::size_t i = 0; i < home.size(); ++i)
    if (home[i] != not_local) blocks[i] = static_cast<std::ptrdiff_t>(home[i]);
  return blocks;
}

/// The per-bin parameters of a HistFactory model minimised bin by bin, given the others.
///
/// A parameter is *local* when it is free (not fixed, lower < upper, not the POI), enters the model
/// only as a per-bin factor (staterror, shapesys, shapefactor γ) and only in one main bin b, at most
/// once per sample. Then nll depends on it only through ν_b and its own constraint, so for fixed global
/// parameters the local ones split into independent small problems, one per bin:
///
///   min_γ  ν_b(γ) − n_b ln ν_b(γ) + Σ_j C_j(γ_j),   ν_b = Σ_s c_s Π_{j ∈ s} γ_j,   lower ≤ γ ≤ upper,
///
/// with c_s the sample's yield without its local factors and C_j the constraint term (normal or Poisson,
/// none for a shapefactor). Each is solved by a projected Newton iteration with the analytic gradient
/// and Hessian (k × k for the k local parameters of the bin) to the rounding level of γ. The profiled
/// nll P(θ_g) = nll(θ_g, γ̂(θ_g)) has, by the envelope theorem, the gradient ∂nll/∂θ_g at (θ_g, γ̂), and its
/// Hessian is the Schur complement H_gg − H_gγ H_γγ⁻¹ H_γg of the full one.
class bin_profile {
 public:
  /// @param fixed parameters held in this fit (they are never local).
  bin_profile(const likelihood::model& model, const likelihood::dataset& data, const std::vector<bool>& fixed)
      : m_model(model) {
    const auto& layout = model.parameters();
    const std::size_t n = layout.size();
    constexpr std::size_t none = std::numeric_limits<std::size_t>::max();
    const std::vector<std::size_t> home = local_bins(model, fixed);

    // auxiliary datum of each constrained parameter
    std::vector<double> aux(n, 0.0);
    for (std::size_t k = 0; k < model.constrained().size(); ++k)
      aux[model.constrained()[k]] = data.aux[static_cast<Eigen::Index>(k)];

    // groups: one per main bin with local parameters, in bin order
    std::vector<std::size_t> group_of_bin(model.main_bins(), none);
    for (std::size_t i = 0; i < n; ++i)
      if (home[i] != not_local && group_of_bin[home[i]] == none) group_of_bin[home[i]] = 0;
    for (std::size_t b = 0; b < model.main_bins(); ++b)
      if (group_of_bin[b] != none) {
        group_of_bin[b] = m_groups.size();
        group g;
        g.count = data.main[static_cast<Eigen::Index>(b)];
        m_groups.push_back(g);
      }
    // locals in parameter order within each group
    std::vector<std::vector<std::size_t>> members(m_groups.size());
    for (std::size_t i = 0; i < n; ++i)
      if (home[i] != not_local) members[group_of_bin[home[i]]].push_back(i);
    std::vector<std::size_t> position(n, none);  // position of a local parameter within its group
    for (std::size_t g = 0; g < m_groups.size(); ++g) {
      m_groups[g].local_begin = m_locals.size();
      for (std::size_t q = 0; q < members[g].size(); ++q) {
        const std::size_t i = members[g][q];
        position[i] = q;
        local l;
        l.parameter = i;
        l.lower = layout[i].lower;
        l.upper = layout[i].upper;
        l.constraint = layout[i].constraint;
        l.aux = aux[i];
        l.sigma = layout[i].sigma;
        l.factor = layout[i].factor;
        m_locals.push_back(l);
      }
      m_groups[g].local_end = m_locals.size();
    }
    // terms: every sample bin of a grouped main bin, with its local factors as a bit mask and its other
    // per-bin factors as a list (their values come from θ)
    std::vector<std::vector<term>> terms(m_groups.size());
    std::size_t sb = 0;
    for (const auto& s : model.samples()) {
      for (std::size_t b = 0; b < s.nominal.size(); ++b, ++sb) {
        const std::size_t g = group_of_bin[s.offset + b];
        if (g == none) continue;
        term t;
        t.sample_bin = sb;
        t.others_begin = m_others.size();
        for (const auto& factor : s.bin_parameters) {
          const std::size_t p = factor[b];
          if (home[p] != not_local) t.mask |= std::uint32_t{1} << position[p];
          else m_others.push_back(p);
        }
        t.others_end = m_others.size();
        terms[g].push_back(t);
      }
    }
    for (std::size_t g = 0; g < m_groups.size(); ++g) {
      m_groups[g].term_begin = m_terms.size();
      m_terms.insert(m_terms.end(), terms[g].begin(), terms[g].end());
      m_groups[g].term_end = m_terms.size();
    }
    for (std::size_t i = 0; i < n; ++i)
      if (home[i] == not_local) m_outer.push_back(static_cast<Eigen::Index>(i));
  }

  /// Number of local parameters.
  [[nodiscard]] std::size_t local_count() const { return m_locals.size(); }
  /// The parameters that are not local, in increasing order (indices into θ).
  [[nodiscard]] const std::vector<Eigen::Index>& outer() const { return m_outer; }
  /// Index into θ of local parameter j (j < local_count(), grouped by bin).
  [[nodiscard]] Eigen::Index local_parameter(std::size_t j) const {
    return static_cast<Eigen::Index>(m_locals[j].parameter);
  }

  /// Replaces the local parameters of θ by their conditional minimum given the other parameters,
  /// starting from θ's values (clamped into the bounds). Returns false when some bin's Newton iteration
  /// did not converge (it then leaves its lowest point) or a bin's nll is not finite.
  bool profile(Eigen::VectorXd& theta) const {
    const std::vector<double> yields = m_model.yields_without_bin_factors(theta);
    std::vector<double> coefficients;
    bool ok = true;
    for (const auto& g : m_groups) ok = solve(g, yields, coefficients, theta) && ok;
    return ok;
  }

  /// Calls `block(first, k, h)` for each bin with local parameters: they are locals first … first + k − 1,
  /// h their k × k Hessian ∂²nll/∂γ² at θ (the diagonal block of the full Hessian).
  template <class Block>
  void for_each_block(const Eigen::VectorXd& theta, Block&& block) const {
    const std::vector<double> yields = m_model.yields_without_bin_factors(theta);
    std::vector<double> coefficients;
    for (const auto& g : m_groups) {
      const auto k = static_cast<Eigen::Index>(g.local_end - g.local_begin);
      small_vector gamma(k), gradient(k);
      small_matrix hessian(k, k);
      for (Eigen::Index j = 0; j < k; ++j) gamma[j] = theta[local_parameter(g.local_begin + static_cast<std::size_t>(j))];
      coefficients_of(g, yields, theta, coefficients);
      evaluate(g, coefficients, gamma, &gradient, &hessian);
      block(g.local_begin, k, Eigen::MatrixXd(hessian));
    }
  }

 private:
  using small_vector = Eigen::Matrix<double, Eigen::Dynamic, 1, 0, max_local_per_bin, 1>;
  using small_matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, 0, max_local_per_bin, max_local_per_bin>;

  struct local {
    std::size_t parameter = 0;
    double lower = 0, upper = 0;
    constraint_kind constraint = constraint_kind::none;
    double aux = 0, sigma = 1, factor = 1;
  };
  struct term {
    std::size_t sample_bin = 0;
    std::uint32_t mask = 0;  ///< bit q: local q of the group multiplies this sample bin
    std::size_t others_begin = 0, others_end = 0;
  };
  struct group {
    double count = 0;  ///< n_b
    std::size_t local_begin = 0, local_end = 0, term_begin = 0, term_end = 0;
  };

  /// c_s = y_sb · Π other per-bin factors, per term of the group.
  void coefficients_of(const group& g, const std::vector<double>& yields, const Eigen::VectorXd& theta,
                       std::vector<double>& c) const {
    c.resize(g.term_end - g.term_begin);
    for (std::size_t t = g.term_begin; t < g.term_end; ++t) {
      const term& tm = m_terms[t];
      double v = yields[tm.sample_bin];
      for (std::size_t o = tm.others_begin; o < tm.others_end; ++o) v *= theta[static_cast<Eigen::Index>(m_others[o])];
      c[t - g.term_begin] = v;
    }
  }

  /// The bin's nll (without constants: ν − n ln ν + Σ C_j, each Poisson term as its deviation from
  /// its minimum, likelihood/model/detail/poisson_term.hpp) and, if asked, its gradient and Hessian in γ;
  /// +∞ outside the domain (ν < 0, ν = 0 < n, a Poisson rate ≤ 0).
  double evaluate(const group& g, const std::vector<double>& c, const small_vector& gamma, small_vector* gradient,
                  small_matrix* hessian) const {
    constexpr double infinity = std::numeric_limits<double>::infinity();
    const Eigen::Index k = gamma.size();
    double nu = 0;
    for (std::size_t t = 0; t < c.size(); ++t) {
      const std::uint32_t mask = m_terms[g.term_begin + t].mask;
      double v = c[t];
      for (Eigen::Index q = 0; q < k; ++q)
        if (mask >> q & 1U) v *= gamma[q];
      nu += v;
    }
    const double n = g.count;
    if (!(nu >= 0) || (nu == 0 && n > 0)) return infinity;
    double value = likelihood::detail::poisson_nll_deviation(nu, n);
    for (Eigen::Index q = 0; q < k; ++q) {
      const local& l = m_locals[g.local_begin + static_cast<std::size_t>(q)];
      const double x = gamma[q];
      if (l.constraint == constraint_kind::normal) {
        const double z = (x - l.aux) / l.sigma;
        value += 0.5 * z * z;
      } else if (l.constraint == constraint_kind::poisson) {
        if (!(x > 0)) return infinity;
        value += likelihood::detail::poisson_nll_deviation(x * l.factor, l.aux);
      }
    }
    if (gradient == nullptr) return value;
    // ν_q = ∂ν/∂γ_q, ν_qr = ∂²ν/∂γ_q∂γ_r: products over the term's other local factors (no division:
    // a γ may sit at a bound of 0)
    small_vector dnu = small_vector::Zero(k);
    small_matrix d2nu = small_matrix::Zero(k, k);
    for (std::size_t t = 0; t < c.size(); ++t) {
      const std::uint32_t mask = m_terms[g.term_begin + t].mask;
      if (mask == 0) continue;
      for (Eigen::Index q = 0; q < k; ++q) {
        if (!(mask >> q & 1U)) continue;
        double v = c[t];
        for (Eigen::Index p = 0; p < k; ++p)
          if (p != q && (mask >> p & 1U)) v *= gamma[p];
        dnu[q] += v;
        for (Eigen::Index r = q + 1; r < k; ++r) {
          if (!(mask >> r & 1U)) continue;
          double w = c[t];
          for (Eigen::Index p = 0; p < k; ++p)
            if (p != q && p != r && (mask >> p & 1U)) w *= gamma[p];
          d2nu(q, r) += w;
          d2nu(r, q) += w;
        }
      }
    }
    const double residual = n > 0 ? 1 - n / nu : 1.0;  // ∂(ν − n ln ν)/∂ν
    const double weight = n > 0 ? n / (nu * nu) : 0.0;  // its second derivative
    *gradient = residual * dnu;
    *hessian = weight * dnu * dnu.transpose() + residual * d2nu;
    for (Eigen::Index q = 0; q < k; ++q) {
      const local& l = m_locals[g.local_begin + static_cast<std::size_t>(q)];
      const double x = gamma[q];
      if (l.constraint == constraint_kind::normal) {
        (*gradient)[q] += (x - l.aux) / (l.sigma * l.sigma);
        (*hessian)(q, q) += 1 / (l.sigma * l.sigma);
      } else if (l.constraint == constraint_kind::poisson) {
        (*gradient)[q] += l.factor - l.aux / x;
        (*hessian)(q, q) += l.aux / (x * x);
      }
    }
    return value;
  }

  /// Projected Newton iteration on one bin's γ with a backtracking line search; writes γ̂ into θ.
  bool solve(const group& g, const std::vector<double>& yields, std::vector<double>& c, Eigen::VectorXd& theta) const {
    constexpr double epsilon = std::numeric_limits<double>::epsilon();
    const auto k = static_cast<Eigen::Index>(g.local_end - g.local_begin);
    const auto lo = [&](Eigen::Index q) { return m_locals[g.local_begin + static_cast<std::size_t>(q)].lower; };
    const auto hi = [&](Eigen::Index q) { return m_locals[g.local_begin + static_cast<std::size_t>(q)].upper; };
    coefficients_of(g, yields, theta, c);
    small_vector gamma(k), gradient(k), trial(k), step(k);
    small_matrix hessian(k, k);
    for (Eigen::Index q = 0; q < k; ++q) {
      const double x = theta[local_parameter(g.local_begin + static_cast<std::size_t>(q))];
      gamma[q] = std::isfinite(x) ? std::clamp(x, lo(q), hi(q)) : std::clamp(1.0, lo(q), hi(q));
    }
    double value = evaluate(g, c, gamma, &gradient, &hessian);
    if (!std::isfinite(value)) {  // e.g. a start at γ = 0 with n > 0: restart from the nominal γ = 1
      for (Eigen::Index q = 0; q < k; ++q) gamma[q] = std::clamp(1.0, lo(q), hi(q));
      value = evaluate(g, c, gamma, &gradient, &hessian);
    }
    bool converged = false;
    constexpr int max_final_steps = 4;
    int final_steps = 0;
    double last_decrement = std::numeric_limits<double>::infinity();
    for (int iteration = 0; iteration < 100 && std::isfinite(value) && gradient.allFinite(); ++iteration) {
      // free: not on a bound with the gradient pushing outwards
      std::uint32_t free = 0;
      for (Eigen::Index q = 0; q < k; ++q)
        if (!((gamma[q] <= lo(q) && gradient[q] > 0) || (gamma[q] >= hi(q) && gradient[q] < 0))) free |= 1U << q;
      small_matrix h = hessian;
      small_vector r = gradient;
      for (Eigen::Index q = 0; q < k; ++q)
        if (!(free >> q & 1U)) {
          h.row(q).setZero();
          h.col(q).setZero();
          h(q, q) = 1;
          r[q] = 0;
        }
      const Eigen::LDLT<small_matrix> ldlt(h);
      const bool newton = ldlt.info() == Eigen::Success && ldlt.isPositive() && (ldlt.vectorD().array() > 0).all();
      if (newton) {
        step = -ldlt.solve(r);
      } else {  // indefinite: a gradient step scaled by the diagonal curvature
        for (Eigen::Index q = 0; q < k; ++q) step[q] = -r[q] / std::max(std::abs(h(q, q)), 1e-300);
      }
      if (!step.allFinite()) break;
      // converged when the step is below rounding of γ
      bool tiny = true;
      for (Eigen::Index q = 0; q < k; ++q)
        if (std::abs(step[q]) > 4 * epsilon * std::max(std::abs(gamma[q]), 1.0)) tiny = false;
      if (tiny) {
        converged = true;
        break;
      }
      // A Newton step predicting a decrease at the rounding level of the value is taken without a test
      // (the gradient still shows the way where differences of the value drown in rounding). From
      // there Newton converges quadratically within two steps; in an ill-conditioned bin the steps then
      // stall at the rounding of the solve, a few ulp times the condition number: the decrement stops
      // falling, and that is the minimum as well as it can be computed.
      const double decrement = -r.dot(step);
      const bool final_step = newton && decrement <= 1e-10 * (1 + std::abs(value));
      if (final_step) {
        if (final_steps == max_final_steps || !(decrement < 0.25 * last_decrement)) {
          converged = true;
          break;
        }
        ++final_steps;
        last_decrement = decrement;
      }
      double alpha = 1;
      bool accepted = false;
      for (int halving = 0; halving < 60; ++halving, alpha *= 0.5) {
        for (Eigen::Index q = 0; q < k; ++q) trial[q] = std::clamp(gamma[q] + alpha * step[q], lo(q), hi(q));
        const double v = evaluate(g, c, trial, nullptr, nullptr);
        if (final_step ? std::isfinite(v) : v <= value + 1e-4 * gradient.dot(trial - gamma)) {
          accepted = true;
          break;
        }
      }
      if (!accepted) {
        converged = newton && decrement <= 1e-10 * (1 + std::abs(value));
        break;
      }
      gamma = trial;
      value = evaluate(g, c, gamma, &gradient, &hessian);
    }
    for (Eigen::Index q = 0; q < k; ++q) theta[local_parameter(g.local_begin + static_cast<std::size_t>(q))] = gamma[q];
    return converged && std::isfinite(value);
  }

  const likelihood::model& m_model;
  std::vector<local> m_locals;
  std::vector<term> m_terms;
  std::vector<std::size_t> m_others;
  std::vector<group> m_groups;
  std::vector<Eigen::Index> m_outer;
};

}  // namespace rein::fit::detail
