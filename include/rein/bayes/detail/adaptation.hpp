#pragma once

// Stan's warm-up machinery: dual averaging of the step size and the windowed estimation of the
// metric (Stan reference manual, "HMC algorithm parameters"; stan/mcmc/{stepsize,windowed,var,covar}_adaptation.hpp).
#include "rein/config.hpp"

#include <Eigen/Core>

#include <cmath>
#include <cstddef>

namespace rein::bayes::detail {

/// Nesterov dual averaging of ln ε (Hoffman & Gelman 2014, §3.2; Stan's stepsize_adaptation):
/// s̄ ← (1 − η)s̄ + η(δ − α), η = 1/(t + t₀); x = μ − s̄√t/γ; x̄ ← (1 − t^−κ)x̄ + t^−κ x; ε = eˣ
/// during warm-up and e^x̄ after it.
class dual_averaging {
 public:
  dual_averaging(double delta, double gamma, double kappa, double t0)
      : m_delta(delta), m_gamma(gamma), m_kappa(kappa), m_t0(t0) {}

  void restart(double epsilon) {
    m_counter = 0;
    m_s_bar = 0;
    m_x_bar = 0;
    m_mu = std::log(10 * epsilon);
  }

  /// Updates with the acceptance statistic of one transition; returns the next ε.
  double learn(double accept_stat) {
    ++m_counter;
    if (accept_stat > 1) accept_stat = 1;
    const double eta = 1.0 / (m_counter + m_t0);
    m_s_bar = (1.0 - eta) * m_s_bar + eta * (m_delta - accept_stat);
    const double x = m_mu - m_s_bar * std::sqrt(m_counter) / m_gamma;
    const double x_eta = std::pow(m_counter, -m_kappa);
    m_x_bar = (1.0 - x_eta) * m_x_bar + x_eta * x;
    return std::exp(x);
  }

  /// The final step size e^x̄.
  [[nodiscard]] double final_step_size() const { return std::exp(m_x_bar); }

 private:
  double m_delta, m_gamma, m_kappa, m_t0;
  double m_counter = 0, m_s_bar = 0, m_x_bar = 0, m_mu = 0;  // m_counter counts transitions
};

/// Stan's windowed adaptation schedule: an initial fast buffer (init_buffer iterations), slow
/// windows of base_window, 2·base_window, … iterations (the last one stretched to end where the
/// terminal fast buffer of term_buffer iterations begins), and the terminal buffer. The metric is
/// estimated from the draws of each slow window and replaced at its end. When the three lengths
/// do not fit in the warm-up, they become 15% / 75% / 10% of it (Stan's rule); with fewer than 20
/// warm-up iterations the metric is not adapted.
class windowed_schedule {
 public:
  windowed_schedule(std::size_t warmup, std::size_t init_buffer, std::size_t term_buffer, std::size_t base_window) {
    if (warmup < 20) return;
    m_active = true;
    m_warmup = warmup;
    if (init_buffer + base_window + term_buffer > warmup) {
      m_init = static_cast<std::size_t>(0.15 * static_cast<double>(warmup));
      m_term = static_cast<std::size_t>(0.1 * static_cast<double>(warmup));
      m_base = warmup - (m_init + m_term);
    } else {
      m_init = init_buffer;
      m_term = term_buffer;
      m_base = base_window;
    }
    m_counter = 0;
    m_window_size = m_base;
    m_next_window = m_init + m_window_size - 1;
  }

  [[nodiscard]] bool active() const { return m_active; }

  /// Whether the current iteration's draw goes into the metric estimate.
  [[nodiscard]] bool in_window() const {
    return m_active && m_counter >= m_init && m_counter < m_warmup - m_term && m_counter != m_warmup;
  }

  /// Whether the current iteration ends a slow window (the metric is then replaced).
  [[nodiscard]] bool end_of_window() const { return m_active && m_counter == m_next_window && m_counter != m_warmup; }

  /// Moves to the next iteration; at the end of a window computes the next one first.
  void advance() {
    if (!m_active) return;
    if (end_of_window()) compute_next_window();
    ++m_counter;
  }

 private:
  void compute_next_window() {
    if (m_next_window == m_warmup - m_term - 1) return;
    m_window_size *= 2;
    m_next_window = m_counter + m_window_size;
    if (m_next_window != m_warmup - m_term - 1) {
      const std::size_t next_boundary = m_next_window + 2 * m_window_size;
      if (next_boundary >= m_warmup - m_term) m_next_window = m_warmup - m_term - 1;
    }
  }

  bool m_active = false;
  std::size_t m_warmup = 0, m_init = 0, m_term = 0, m_base = 0;
  std::size_t m_counter = 0, m_window_size = 0, m_next_window = 0;
};

/// Welford's running mean and (co)variance of the draws in one window.
class welford {
 public:
  welford(Eigen::Index n, bool dense) : m_dense(dense) {
    m_mean = Eigen::VectorXd::Zero(n);
    m_m2 = dense ? Eigen::MatrixXd::Zero(n, n) : Eigen::MatrixXd::Zero(n, 1);
    m_delta.resize(n);
  }

  void restart() {
    m_count = 0;
    m_mean.setZero();
    m_m2.setZero();
  }

  void add(const Eigen::VectorXd& q) {
    ++m_count;
    m_delta = q - m_mean;
    m_mean += m_delta / static_cast<double>(m_count);
    if (m_dense)
      m_m2.noalias() += (q - m_mean) * m_delta.transpose();
    else
      m_m2.col(0).array() += m_delta.array() * (q - m_mean).array();
  }

  [[nodiscard]] std::size_t count() const { return m_count; }

  /// The sample (co)variance with n − 1, regularised as Stan does:
  /// (n/(n + 5))·Σ + 10⁻³·(5/(n + 5))·I.
  [[nodiscard]] Eigen::MatrixXd regularized() const {
    const double n = static_cast<double>(m_count);
    Eigen::MatrixXd s = m_m2 / (n - 1.0);
    s *= n / (n + 5.0);
    if (m_dense)
      s.diagonal().array() += 1e-3 * 5.0 / (n + 5.0);
    else
      s.array() += 1e-3 * 5.0 / (n + 5.0);
    return s;
  }

 private:
  bool m_dense;
  std::size_t m_count = 0;
  Eigen::VectorXd m_mean, m_delta;
  Eigen::MatrixXd m_m2;
};

}  // namespace rein::bayes::detail
