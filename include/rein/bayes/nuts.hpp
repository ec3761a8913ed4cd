#pragma once

// The No-U-Turn sampler as in Stan: multinomial sampling over the trajectory, the generalised
// no-U-turn criterion, dual-averaged step size and windowed diagonal or dense metric adaptation.
#include "rein/bayes/detail/adaptation.hpp"
#include "rein/bayes/detail/sampler_support.hpp"
#include "rein/bayes/diagnostics.hpp"
#include "rein/bayes/draws.hpp"
#include "rein/bayes/target.hpp"
#include "rein/bayes/transform.hpp"
#include "rein/config.hpp"
#include "rein/core/detail/check.hpp"
#include "rein/core/enum_names.hpp"
#include "rein/core/error.hpp"
#include "rein/core/parallel_for.hpp"
#include "rein/core/random.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace rein::bayes {

/// The mass matrix M of the kinetic energy ½ pᵀM⁻¹p; the adapted M⁻¹ estimates the posterior
/// covariance on the unconstrained space.
enum class metric_kind {
  unit,      ///< M = I, not adapted
  diagonal,  ///< M⁻¹ = diag(variances), adapted (O(n) per leapfrog step)
  dense,     ///< M⁻¹ = covariance, adapted (O(n²) per leapfrog step)
};

/// The metric as a lower-case word: "unit", "diagonal", "dense".
inline const char* to_string(metric_kind kind) noexcept {
  switch (kind) {
    case metric_kind::unit: return "unit";
    case metric_kind::diagonal: return "diagonal";
    case metric_kind::dense: return "dense";
  }
  return "unknown";
}

/// The metrics that warm-up adapts, the ones a front end offers (`rein sample --metric`).
inline constexpr metric_kind adapted_metrics[] = {metric_kind::diagonal, metric_kind::dense};

/// The adapted metric named `name` ("diagonal" or "dense"); `what` names the option in messages.
/// @throws invalid_argument "WHAT 'NAME' must be diagonal or dense" for any other name
inline metric_kind adapted_metric_from_string(const std::string& name, const std::string& what) {
  if (const auto found = enum_from_name(name, adapted_metrics)) return *found;
  throw invalid_argument(what + " '" + name + "' must be " + enum_names(adapted_metrics, " or "));
}

/// Settings of sample_nuts; the defaults are Stan's.
struct nuts_options {
  std::size_t chains = 4;      ///< independent chains, ≥ 1
  std::size_t warmup = 1000;   ///< adaptation iterations per chain (discarded)
  std::size_t draws = 1000;    ///< kept draws per chain, ≥ 1
  std::size_t thin = 1;        ///< keep every thin-th transition after warm-up
  std::uint64_t seed = 0;      ///< chain c uses std::mt19937_64(task_seed(seed, 1, first_chain + c))
  /// This run's chains are chains first_chain … first_chain + chains − 1 of a larger run (its
  /// shard, rein.distributed): seeded as that run seeds them, so join_nuts_chains of the parts
  /// gives the larger run's draws.
  std::size_t first_chain = 0;
  unsigned threads = 0;        ///< worker threads (0: hardware concurrency); results do not depend on it
  /// Start points: y₀ + init_radius·U(−1, 1) per component on the unconstrained space around
  /// y₀ = T⁻¹(init), redrawn until the density is finite (0: every chain starts at init).
  double init_radius = 1.0;
  metric_kind metric = metric_kind::diagonal;
  double target_accept = 0.8;       ///< δ of the dual averaging
  unsigned max_depth = 10;          ///< at most 2^max_depth leapfrog steps per transition
  double max_energy_error = 1000;   ///< a transition is divergent when H − H₀ exceeds this
  double step_size = 1.0;           ///< the step size before the initial heuristic
  std::size_t init_buffer = 75;     ///< initial fast adaptation interval
  std::size_t term_buffer = 50;     ///< final fast adaptation interval
  std::size_t base_window = 25;     ///< first slow window (then doubled)
  double gamma = 0.05, kappa = 0.75, t0 = 10;  ///< dual-averaging constants
  diagnostics_options diagnostics;  ///< thresholds of the warnings in nuts_result::diagnostics
  /// Called about every 200 ms from the calling thread with (transitions done, transitions in
  /// all), all chains together, warm-up included; for progress displays. Results do not depend on it.
  std::function<void(std::size_t, std::size_t)> progress;
};

/// Per-chain sampler output of NUTS.
struct nuts_chain_stats {
  Eigen::VectorXd accept_stat;  ///< per kept draw: mean Metropolis acceptance over the trajectory
  Eigen::VectorXd step_size;    ///< per kept draw
  Eigen::VectorXd energy;       ///< per kept draw: H at the selected point
  Eigen::VectorXi tree_depth;   ///< per kept draw
  Eigen::VectorXi n_leapfrog;   ///< per kept draw
  Eigen::VectorXi divergent;    ///< per kept draw: 1 when the trajectory diverged
  double adapted_step_size = 0;
  Eigen::MatrixXd inverse_metric;  ///< M⁻¹: n × 1 (unit, diagonal) or n × n (dense)
  std::size_t n_divergent = 0;         ///< divergent transitions after warm-up (all iterations, thinned or not)
  std::size_t n_divergent_warmup = 0;
  std::size_t n_max_depth = 0;         ///< transitions after warm-up that stopped at max_depth
  std::size_t n_non_finite = 0;        ///< NaN/+∞ log densities or non-finite gradients met
  std::size_t n_evaluations = 0;       ///< log density + gradient evaluations, warm-up included
  double warmup_seconds = 0, sampling_seconds = 0;
  sample_status status = sample_status::ok;
};

/// What sample_nuts returns: the draws (constrained space), the per-chain statistics and the
/// diagnostics with their warnings (R̂, ESS, divergences, tree-depth saturation).
struct [[nodiscard]] nuts_result : posterior_draws {
  sample_status status = sample_status::ok;  ///< the worst chain status
  std::vector<nuts_chain_stats> stats;       ///< one per chain
  diagnostics_report diagnostics;
  double seconds = 0;                        ///< wall time of the whole run

  /// Divergent transitions after warm-up, all chains.
  [[nodiscard]] std::size_t n_divergent() const {
    std::size_t n = 0;
    for (const auto& s : stats) n += s.n_divergent;
    return n;
  }
};

namespace detail {

inline double log_sum_exp(double a, double b) {
  if (a == -infinity) return b;
  if (b == -infinity) return a;
  return a > b ? a + std::log1p(std::exp(b - a)) : b + std::log1p(std::exp(a - b));
}

/// One NUTS chain. All vectors are allocated once; a transition allocates nothing.
class nuts_chain {
 public:
  /// @param done counts the transitions of every chain (for nuts_options::progress); may be null
  nuts_chain(const target& t, const unconstrained_transform& transform, const nuts_options& options,
             std::uint64_t seed, std::atomic<std::size_t>* done = nullptr)
      : m_done(done), m_options(options), m_density(t, transform), m_rng(seed), m_n(static_cast<Eigen::Index>(t.size())),
        m_step(options.target_accept, options.gamma, options.kappa, options.t0),
        m_schedule(options.warmup, options.init_buffer, options.term_buffer, options.base_window),
        m_estimator(m_n, options.metric == metric_kind::dense) {
    if (options.metric == metric_kind::dense) {
      m_inverse_metric = Eigen::MatrixXd::Identity(m_n, m_n);
    } else {
      m_inverse_metric = Eigen::MatrixXd::Ones(m_n, 1);
    }
    update_metric_factors();
    for (auto* s : {&m_fwd, &m_bck, &m_scratch}) allocate(*s);
    for (auto* p : {&m_sample, &m_propose}) allocate(*p);
    for (auto* v : {&m_p_fwd_fwd, &m_p_sharp_fwd_fwd, &m_p_fwd_bck, &m_p_sharp_fwd_bck, &m_p_bck_fwd,
                    &m_p_sharp_bck_fwd, &m_p_bck_bck, &m_p_sharp_bck_bck, &m_rho, &m_rho_fwd, &m_rho_bck,
                    &m_rho_extended, &m_work, &m_noise})
      v->resize(m_n);
    m_levels.resize(options.max_depth + 1);
    for (auto& buffers : m_levels) {
      for (auto* v : {&buffers.p_init_end, &buffers.p_sharp_init_end, &buffers.rho_init, &buffers.p_final_beg,
                      &buffers.p_sharp_final_beg, &buffers.rho_final, &buffers.rho_subtree, &buffers.rho_extended})
        v->resize(m_n);
      allocate(buffers.propose_final);
    }
  }

  /// Runs warm-up and sampling from y0 (unconstrained), filling `draws` (constrained), `log_prob`
  /// and `stats`.
  void run(const Eigen::VectorXd& y0, const unconstrained_transform& transform, Eigen::MatrixXd& draws,
           Eigen::VectorXd& log_prob, nuts_chain_stats& stats) {
    const auto start = std::chrono::steady_clock::now();
    const Eigen::VectorXd y_start = jittered_start(m_density, y0, m_options.init_radius, m_rng, true);
    m_sample.q = y_start;
    m_sample.logp = m_density(m_sample.q, &m_sample.g);
    m_sample.logp_x = m_density.log_prob_x;

    m_epsilon = m_options.step_size;
    init_step_size();
    m_step.restart(m_epsilon);
    for (std::size_t it = 0; it < m_options.warmup; ++it) {
      transition();
      if (m_done) ++*m_done;
      if (m_divergent) ++stats.n_divergent_warmup;
      m_epsilon = m_step.learn(m_accept_stat);
      if (m_options.metric != metric_kind::unit && m_schedule.active()) {
        if (m_schedule.in_window()) m_estimator.add(m_sample.q);
        if (m_schedule.end_of_window()) {
          m_inverse_metric = m_estimator.regularized();
          m_estimator.restart();
          update_metric_factors();
          init_step_size();
          m_step.restart(m_epsilon);
        }
        m_schedule.advance();
      }
    }
    if (m_options.warmup > 0) m_epsilon = m_step.final_step_size();
    if (!(std::isfinite(m_epsilon) && m_epsilon > 0)) {
      m_adaptation_failed = true;
      m_epsilon = m_epsilon > 0 ? 1e7 : 1e-300;
    }
    stats.warmup_seconds = seconds_since(start);

    const auto sampling_start = std::chrono::steady_clock::now();
    const auto kept = static_cast<Eigen::Index>(m_options.draws);
    draws.resize(kept, m_n);
    log_prob.resize(kept);
    stats.accept_stat.resize(kept);
    stats.step_size.resize(kept);
    stats.energy.resize(kept);
    stats.tree_depth.resize(kept);
    stats.n_leapfrog.resize(kept);
    stats.divergent.resize(kept);
    Eigen::VectorXd x(m_n);
    for (Eigen::Index k = 0; k < kept; ++k) {
      for (std::size_t s = 0; s < m_options.thin; ++s) {
        transition();
        if (m_done) ++*m_done;
        if (m_divergent) ++stats.n_divergent;
        if (m_depth >= static_cast<int>(m_options.max_depth)) ++stats.n_max_depth;
      }
      transform.to_constrained(m_sample.q, x);
      draws.row(k) = x.transpose();
      log_prob[k] = m_sample.logp_x;
      stats.accept_stat[k] = m_accept_stat;
      stats.step_size[k] = m_epsilon;
      stats.energy[k] = m_sample.h;
      stats.tree_depth[k] = m_depth;
      stats.n_leapfrog[k] = m_n_leapfrog;
      stats.divergent[k] = m_divergent ? 1 : 0;
    }
    stats.sampling_seconds = seconds_since(sampling_start);
    stats.adapted_step_size = m_epsilon;
    stats.inverse_metric = m_inverse_metric;
    stats.n_non_finite = m_density.non_finite;
    stats.n_evaluations = m_density.evaluations;
    stats.status = m_density.non_finite > 0 ? sample_status::non_finite
                   : m_adaptation_failed    ? sample_status::adaptation_failed
                                            : sample_status::ok;
  }

 private:
  struct state {  // a point of phase space with its log density and gradient
    Eigen::VectorXd q, p, g;
    double logp = 0, logp_x = 0;
  };
  struct proposal {  // a candidate draw
    Eigen::VectorXd q, g;
    double logp = 0, logp_x = 0, h = 0;
  };
  struct level {  // the locals of build_tree at one depth
    Eigen::VectorXd p_init_end, p_sharp_init_end, rho_init, p_final_beg, p_sharp_final_beg, rho_final, rho_subtree,
        rho_extended;
    proposal propose_final;
  };

  void allocate(state& s) const {
    s.q.resize(m_n);
    s.p.resize(m_n);
    s.g.resize(m_n);
  }
  void allocate(proposal& s) const {
    s.q.resize(m_n);
    s.g.resize(m_n);
  }

  void update_metric_factors() {
    if (m_options.metric == metric_kind::dense) {
      m_llt.compute(m_inverse_metric);
    } else {
      m_inverse_sqrt_diag = m_inverse_metric.col(0).array().sqrt().inverse().matrix();
    }
  }

  /// p ~ N(0, M): diagonal p_i = z_i/√(M⁻¹)_ii; dense p = U⁻¹z with M⁻¹ = UᵀU.
  void sample_momentum(Eigen::VectorXd& p) {
    for (Eigen::Index i = 0; i < m_n; ++i) m_noise[i] = standard_normal(m_rng);
    if (m_options.metric == metric_kind::dense)
      p = m_llt.matrixU().solve(m_noise);
    else
      p = m_noise.cwiseProduct(m_inverse_sqrt_diag);
  }

  /// p♯ = M⁻¹p.
  void sharp(const Eigen::VectorXd& p, Eigen::VectorXd& out) const {
    if (m_options.metric == metric_kind::dense)
      out.noalias() = m_inverse_metric * p;
    else
      out = m_inverse_metric.col(0).cwiseProduct(p);
  }

  /// One leapfrog step of size eps (signed); the log density and gradient are updated.
  void leapfrog(state& z, double eps) {
    z.p += (0.5 * eps) * z.g;
    sharp(z.p, m_work);
    z.q += eps * m_work;
    z.logp = m_density(z.q, &z.g);
    z.logp_x = m_density.log_prob_x;
    if (z.logp == -infinity) return;  // zero density: H = +∞, the caller marks the step divergent
    z.p += (0.5 * eps) * z.g;
  }

  double hamiltonian(const state& z, const Eigen::VectorXd& p_sharp) const {
    if (!(z.logp > -infinity)) return infinity;
    const double h = -z.logp + 0.5 * z.p.dot(p_sharp);
    return std::isnan(h) ? infinity : h;
  }

  static bool criterion(const Eigen::VectorXd& p_sharp_minus, const Eigen::VectorXd& p_sharp_plus,
                        const Eigen::VectorXd& rho) {
    return p_sharp_plus.dot(rho) > 0 && p_sharp_minus.dot(rho) > 0;
  }

  static void take(proposal& to, const state& z, double h) {
    to.q = z.q;
    to.g = z.g;
    to.logp = z.logp;
    to.logp_x = z.logp_x;
    to.h = h;
  }

  /// Stan's heuristic: double or halve ε until the one-step acceptance crosses 0.8.
  void init_step_size() {
    if (m_epsilon == 0 || m_epsilon > 1e7 || std::isnan(m_epsilon)) return;
    const auto one_step = [&]() {
      m_scratch.q = m_sample.q;
      m_scratch.g = m_sample.g;
      m_scratch.logp = m_sample.logp;
      sample_momentum(m_scratch.p);
      sharp(m_scratch.p, m_work);
      const double h0 = hamiltonian(m_scratch, m_work);
      leapfrog(m_scratch, m_epsilon);
      sharp(m_scratch.p, m_work);
      return h0 - hamiltonian(m_scratch, m_work);
    };
    const double log_08 = std::log(0.8);
    const int direction = one_step() > log_08 ? 1 : -1;
    for (;;) {
      const double delta_h = one_step();
      if (direction == 1 && !(delta_h > log_08)) break;
      if (direction == -1 && !(delta_h < log_08)) break;
      m_epsilon = direction == 1 ? 2 * m_epsilon : 0.5 * m_epsilon;
      if (m_epsilon > 1e7 || m_epsilon == 0) {  // Stan throws here: improper or discontinuous target
        m_adaptation_failed = true;
        m_epsilon = m_epsilon > 1e7 ? 1e7 : std::numeric_limits<double>::min();
        break;
      }
    }
  }

  void transition() {
    state& fwd = m_fwd;
    state& bck = m_bck;
    fwd.q = m_sample.q;
    fwd.g = m_sample.g;
    fwd.logp = m_sample.logp;
    fwd.logp_x = m_sample.logp_x;
    sample_momentum(fwd.p);
    sharp(fwd.p, m_p_sharp_fwd_fwd);
    const double h0 = hamiltonian(fwd, m_p_sharp_fwd_fwd);
    m_sample.h = h0;
    bck.q = fwd.q;
    bck.p = fwd.p;
    bck.g = fwd.g;
    bck.logp = fwd.logp;
    bck.logp_x = fwd.logp_x;
    m_p_fwd_fwd = fwd.p;
    m_p_fwd_bck = fwd.p;
    m_p_sharp_fwd_bck = m_p_sharp_fwd_fwd;
    m_p_bck_fwd = fwd.p;
    m_p_sharp_bck_fwd = m_p_sharp_fwd_fwd;
    m_p_bck_bck = fwd.p;
    m_p_sharp_bck_bck = m_p_sharp_fwd_fwd;
    m_rho = fwd.p;
    double log_sum_weight = 0;
    m_n_leapfrog = 0;
    double sum_metro_prob = 0;
    m_depth = 0;
    m_divergent = false;

    while (m_depth < static_cast<int>(m_options.max_depth)) {
      m_rho_fwd.setZero();
      m_rho_bck.setZero();
      bool valid = false;
      double log_sum_weight_subtree = -infinity;
      if (uniform01(m_rng) > 0.5) {
        m_rho_bck = m_rho;
        m_p_bck_fwd = m_p_fwd_bck;
        m_p_sharp_bck_fwd = m_p_sharp_fwd_bck;
        valid = build_tree(m_depth, fwd, m_propose, m_p_sharp_fwd_bck, m_p_sharp_fwd_fwd, m_rho_fwd, m_p_fwd_bck,
                           m_p_fwd_fwd, h0, 1.0, log_sum_weight_subtree, sum_metro_prob);
      } else {
        m_rho_fwd = m_rho;
        m_p_fwd_bck = m_p_bck_fwd;
        m_p_sharp_fwd_bck = m_p_sharp_bck_fwd;
        valid = build_tree(m_depth, bck, m_propose, m_p_sharp_bck_fwd, m_p_sharp_bck_bck, m_rho_bck, m_p_bck_fwd,
                           m_p_bck_bck, h0, -1.0, log_sum_weight_subtree, sum_metro_prob);
      }
      if (!valid) break;
      ++m_depth;
      if (log_sum_weight_subtree > log_sum_weight) {
        std::swap(m_sample, m_propose);
      } else {
        const double accept = std::exp(log_sum_weight_subtree - log_sum_weight);
        if (uniform01(m_rng) < accept) std::swap(m_sample, m_propose);
      }
      log_sum_weight = log_sum_exp(log_sum_weight, log_sum_weight_subtree);
      m_rho = m_rho_bck + m_rho_fwd;
      bool persist = criterion(m_p_sharp_bck_bck, m_p_sharp_fwd_fwd, m_rho);
      m_rho_extended = m_rho_bck + m_p_fwd_bck;
      persist = persist && criterion(m_p_sharp_bck_bck, m_p_sharp_fwd_bck, m_rho_extended);
      m_rho_extended = m_rho_fwd + m_p_bck_fwd;
      persist = persist && criterion(m_p_sharp_bck_fwd, m_p_sharp_fwd_fwd, m_rho_extended);
      if (!persist) break;
    }
    m_n_leapfrog_total += static_cast<std::size_t>(m_n_leapfrog);
    m_accept_stat = m_n_leapfrog > 0 ? sum_metro_prob / static_cast<double>(m_n_leapfrog) : 0.0;
  }

  bool build_tree(int depth, state& z, proposal& propose, Eigen::VectorXd& p_sharp_beg, Eigen::VectorXd& p_sharp_end,
                  Eigen::VectorXd& rho, Eigen::VectorXd& p_beg, Eigen::VectorXd& p_end, double h0, double sign,
                  double& log_sum_weight, double& sum_metro_prob) {
    if (depth == 0) {
      leapfrog(z, sign * m_epsilon);
      ++m_n_leapfrog;
      sharp(z.p, p_sharp_beg);
      const double h = hamiltonian(z, p_sharp_beg);
      if (h - h0 > m_options.max_energy_error) m_divergent = true;
      log_sum_weight = log_sum_exp(log_sum_weight, h0 - h);
      sum_metro_prob += h0 - h > 0 ? 1.0 : std::exp(h0 - h);
      take(propose, z, h);
      p_sharp_end = p_sharp_beg;
      rho += z.p;
      p_beg = z.p;
      p_end = p_beg;
      return !m_divergent;
    }
    level& l = m_levels[static_cast<std::size_t>(depth)];
    double log_sum_weight_init = -infinity;
    l.rho_init.setZero();
    if (!build_tree(depth - 1, z, propose, p_sharp_beg, l.p_sharp_init_end, l.rho_init, p_beg, l.p_init_end, h0, sign,
                    log_sum_weight_init, sum_metro_prob))
      return false;
    double log_sum_weight_final = -infinity;
    l.rho_final.setZero();
    if (!build_tree(depth - 1, z, l.propose_final, l.p_sharp_final_beg, p_sharp_end, l.rho_final, l.p_final_beg, p_end,
                    h0, sign, log_sum_weight_final, sum_metro_prob))
      return false;
    const double log_sum_weight_subtree = log_sum_exp(log_sum_weight_init, log_sum_weight_final);
    log_sum_weight = log_sum_exp(log_sum_weight, log_sum_weight_subtree);
    if (log_sum_weight_final > log_sum_weight_subtree) {
      std::swap(propose, l.propose_final);
    } else {
      const double accept = std::exp(log_sum_weight_final - log_sum_weight_subtree);
      if (uniform01(m_rng) < accept) std::swap(propose, l.propose_final);
    }
    l.rho_subtree = l.rho_init + l.rho_final;
    rho += l.rho_subtree;
    bool persist = criterion(p_sharp_beg, p_sharp_end, l.rho_subtree);
    l.rho_extended = l.rho_init + l.p_final_beg;
    persist = persist && criterion(p_sharp_beg, l.p_sharp_final_beg, l.rho_extended);
    l.rho_extended = l.rho_final + l.p_init_end;
    persist = persist && criterion(l.p_sharp_init_end, p_sharp_end, l.rho_extended);
    return persist;
  }

  std::atomic<std::size_t>* m_done;
  const nuts_options& m_options;
  unconstrained_density m_density;
  std::mt19937_64 m_rng;
  Eigen::Index m_n;
  dual_averaging m_step;
  windowed_schedule m_schedule;
  welford m_estimator;
  Eigen::MatrixXd m_inverse_metric;
  Eigen::VectorXd m_inverse_sqrt_diag;
  Eigen::LLT<Eigen::MatrixXd> m_llt;
  double m_epsilon = 1;
  bool m_adaptation_failed = false;

  state m_fwd, m_bck, m_scratch;
  proposal m_sample, m_propose;
  Eigen::VectorXd m_p_fwd_fwd, m_p_sharp_fwd_fwd, m_p_fwd_bck, m_p_sharp_fwd_bck, m_p_bck_fwd, m_p_sharp_bck_fwd,
      m_p_bck_bck, m_p_sharp_bck_bck, m_rho, m_rho_fwd, m_rho_bck, m_rho_extended, m_work, m_noise;
  std::vector<level> m_levels;

  int m_depth = 0;
  int m_n_leapfrog = 0;
  std::size_t m_n_leapfrog_total = 0;
  bool m_divergent = false;
  double m_accept_stat = 0;
};

/// Divergence and tree-depth warnings appended to the diagnostics.
inline void add_nuts_warnings(nuts_result& r, const nuts_options& options) {
  const std::size_t divergent = r.n_divergent();
  if (divergent > 0)
    r.diagnostics.warnings.push_back(std::to_string(divergent) + " of " +
                                     std::to_string(r.n_chains() * options.draws * options.thin) +
                                     " transitions after warm-up were divergent: the posterior has regions the "
                                     "sampler cannot explore (reparameterise, or raise target_accept)");
  std::size_t saturated = 0;
  for (const auto& s : r.stats) saturated += s.n_max_depth;
  if (saturated > 0)
    r.diagnostics.warnings.push_back(std::to_string(saturated) + " transitions after warm-up stopped at max_depth = " +
                                     std::to_string(options.max_depth));
  std::size_t non_finite = 0;
  for (const auto& s : r.stats) non_finite += s.n_non_finite;
  if (non_finite > 0)
    r.diagnostics.warnings.push_back(std::to_string(non_finite) +
                                     " evaluations returned NaN/+inf or a non-finite gradient (treated as zero density)");
}

/// The status (the worst chain's), diagnostics and warnings of a run from its chains.
inline void finish_nuts_result(nuts_result& r, const nuts_options& options) {
  for (const auto& s : r.stats)
    if (s.status != sample_status::ok && (r.status == sample_status::ok || s.status == sample_status::non_finite))
      r.status = s.status;
  r.diagnostics = diagnose(r, options.diagnostics);
  add_nuts_warnings(r, options);
}

}  // namespace detail

/// Draws from `t` with the No-U-Turn sampler (Hoffman & Gelman 2014; Betancourt 2017, arXiv:1701.02434)
/// exactly as Stan 2.3x's adaptive diag_e/dense_e NUTS: multinomial sampling over the trajectory
/// (biased progressive sampling between subtrees, uniform within), the generalised no-U-turn
/// criterion checked across merged subtrees and their seams, step size by dual averaging towards
/// `target_accept`, metric estimated in Stan's windows (see windowed_schedule) and regularised,
/// divergence when H − H₀ > max_energy_error. Sampling runs on y = T⁻¹(x) (see
/// unconstrained_transform) with the log Jacobian added; draws are returned on x. Chain c runs on
/// its own std::mt19937_64 seeded with task_seed(seed, 1, c): results are identical for any
/// thread count.
/// @param t the target (log density with gradient, bounds, names); called from several threads
/// @param init the start point (constrained), strictly inside the bounds
/// @param options see nuts_options
/// @return the draws, per-draw statistics, diagnostics; `status` is non_finite if the density
///         returned NaN/+∞ or a non-finite gradient anywhere (those points were treated as zero
///         density), adaptation_failed if no step size could be found
/// @throws rein::invalid_argument for an invalid target, options.chains = 0, draws = 0, thin = 0,
///         max_depth = 0, target_accept ∉ (0, 1), init of the wrong size or outside the bounds, or a
///         non-finite log density or gradient at init
[[nodiscard]] inline nuts_result sample_nuts(const target& t, const Eigen::VectorXd& init,
                                             const nuts_options& options = {}) {
  const std::string function = "rein::bayes::sample_nuts";
  check_target(t, function);
  detail::check_counts(options.chains, options.draws, options.thin, function);
  rein::detail::check(options.max_depth >= 1, function + ": options.max_depth = 0, must be at least 1");
  detail::check_option(options.target_accept > 0 && options.target_accept < 1, options.target_accept, function,
                       "target_accept", "in (0, 1)");
  detail::check_option(options.step_size > 0 && std::isfinite(options.step_size), options.step_size, function, "step_size",
                       "finite and > 0");
  detail::check_option(options.init_radius >= 0 && std::isfinite(options.init_radius), options.init_radius, function,
                       "init_radius", "finite and >= 0");
  const auto start = std::chrono::steady_clock::now();
  const unconstrained_transform transform(t.lower, t.upper);
  const Eigen::VectorXd y0 = detail::check_start(t, transform, init, true, function);

  nuts_result r;
  detail::prepare_draws(r, t, options.chains);
  r.stats.resize(options.chains);
  // progress counts the chains' iterations, not the chains
  std::atomic<std::size_t> done{0};
  const std::size_t total = options.chains * (options.warmup + options.draws * options.thin);
  parallel_for(options.chains, options.threads, [&](std::size_t c) {
    detail::nuts_chain chain(t, transform, options, detail::chain_seed(options.seed, 1, options.first_chain + c), &done);
    chain.run(y0, transform, r.chains[c], r.log_prob[c], r.stats[c]);
  }, options.progress, {&done, total});
  detail::finish_nuts_result(r, options);
  r.seconds = detail::seconds_since(start);
  return r;
}

/// One run of chains 0 … n − 1 from `parts`, runs of consecutive chains in order (sample_nuts with
/// first_chain 0, then the chains before it, ...): the draws, statistics, status, diagnostics and
/// warnings of sample_nuts over all n chains with `options` (whose `chains` is n), bit for bit;
/// `seconds` is the longest part's.
/// @throws rein::invalid_argument when the parts hold other than options.chains chains, or their
///         parameters or draws per chain differ
[[nodiscard]] inline nuts_result join_nuts_chains(std::vector<nuts_result> parts, const nuts_options& options) {
  const std::string function = "rein::bayes::join_nuts_chains";
  rein::detail::check(!parts.empty(), function + ": no parts");
  nuts_result r;
  r.names = parts[0].names, r.lower = parts[0].lower, r.upper = parts[0].upper;
  const std::size_t draws = parts[0].n_draws();
  for (auto& part : parts) {
    rein::detail::check(part.names == r.names && part.n_draws() == draws && part.stats.size() == part.n_chains(),
                        function + ": the parts differ in their parameters or draws per chain");
    for (std::size_t c = 0; c < part.n_chains(); ++c) {
      r.chains.push_back(std::move(part.chains[c]));
      r.log_prob.push_back(std::move(part.log_prob[c]));
      r.stats.push_back(std::move(part.stats[c]));
    }
    r.seconds = std::max(r.seconds, part.seconds);
  }
  rein::detail::check(r.n_chains() == options.chains, function + ": the parts hold " + std::to_string(r.n_chains()) +
                                                          " chains, options.chains = " + std::to_string(options.chains));
  detail::finish_nuts_result(r, options);
  return r;
}

}  // namespace rein::bayes
