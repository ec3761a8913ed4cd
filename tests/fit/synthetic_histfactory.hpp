#pragma once

// A synthetic binned Poisson likelihood shaped like the Belle II B+ -> K+ nu nubar combined likelihood
// (232 parameters): 30 bins, 8 samples, one signal strength mu in [0, 10] on sample 0, 51 Gaussian
// nuisance parameters acting multiplicatively by exponential interpolation, and 180 per-sample, per-bin
// gamma factors (samples 1..6) with Gaussian constraints of relative width 0.5 % .. 5 %, bounds
// [1e-10, 10]. It has an analytic gradient and an analytic Hessian, so that an independent Newton
// iteration can find its minimum to the rounding floor. Shared by tests/fit and benchmarks/fit.
//
//   nll(theta) = sum_b [nu_b - n_b ln nu_b + lgamma(n_b + 1)] + sum_k alpha_k^2 / 2
//                + sum_{s,b} (gamma_sb - 1)^2 / (2 sigma_sb^2)
//   nu_b = sum_s nu_sb,  nu_sb = nominal_sb * m_sb * exp(sum_k alpha_k L_ksb),
//   m_sb = mu (s = 0), gamma_sb (s = 1..6), 1 (s = 7).

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace rein::test {

class synthetic_histfactory {
 public:
  static constexpr int bins = 30, samples = 8, alphas = 51, gamma_samples = 6;
  static constexpr int size = 1 + alphas + gamma_samples * bins;  // 232

  /// @param seed generator seed; @param mu_true signal strength used to make the pseudo-data.
  explicit synthetic_histfactory(std::uint64_t seed, double mu_true = 1.5) {
    std::mt19937_64 engine(seed);
    const auto uniform = [&engine] { return static_cast<double>(engine() >> 11) * 0x1.0p-53; };
    const auto normal = [&] {  // Box-Muller written out (no std::normal_distribution)
      const double u1 = 1 - uniform(), u2 = uniform();
      return std::sqrt(-2 * std::log(u1)) * std::cos(2 * 3.14159265358979323846 * u2);
    };
    m_nominal.assign(samples * bins, 0.0);
    for (int s = 0; s < samples; ++s) {
      const double scale = s == 0 ? 15.0 : std::exp(std::log(3.0) + uniform() * std::log(300.0));
      const double slope = 2 * uniform() - 1;
      for (int b = 0; b < bins; ++b) {
        const double shape = std::exp(slope * (b - bins / 2.0) / 10.0) * (0.5 + uniform());
        m_nominal[idx(s, b)] = scale * shape;
      }
    }
    m_log_kappa.assign(static_cast<std::size_t>(alphas) * samples * bins, 0.0);
    for (int k = 0; k < alphas; ++k)
      for (int s = 0; s < samples; ++s) {
        if (uniform() < 0.5) continue;
        const double delta = (uniform() < 0.5 ? -1 : 1) * std::exp(std::log(0.005) + uniform() * std::log(40.0));
        const double tilt = 2 * uniform() - 1;
        for (int b = 0; b < bins; ++b)
          m_log_kappa[lk(k, s, b)] = std::log1p(delta * (1 + 0.3 * tilt * (b - bins / 2.0) / bins * 2));
      }
    m_sigma.assign(gamma_samples * bins, 0.0);
    for (auto& sigma : m_sigma) sigma = std::exp(std::log(0.005) + uniform() * std::log(10.0));

    Eigen::VectorXd truth = init();
    truth[0] = mu_true;
    for (int k = 0; k < alphas; ++k) truth[1 + k] = 0.5 * normal();
    for (int i = 0; i < gamma_samples * bins; ++i) truth[1 + alphas + i] = 1 + m_sigma[static_cast<std::size_t>(i)] * normal();
    m_observed.assign(bins, 0.0);
    const Eigen::VectorXd nu = expected(truth);
    for (int b = 0; b < bins; ++b) m_observed[static_cast<std::size_t>(b)] = std::max(0.0, std::round(nu[b] + std::sqrt(nu[b]) * normal()));
  }

  [[nodiscard]] Eigen::VectorXd init() const {
    Eigen::VectorXd x = Eigen::VectorXd::Zero(size);
    x[0] = 1;
    x.tail(gamma_samples * bins).setOnes();
    return x;
  }
  [[nodiscard]] Eigen::VectorXd lower() const {
    Eigen::VectorXd l(size);
    l[0] = 0;
    l.segment(1, alphas).setConstant(-5);
    l.tail(gamma_samples * bins).setConstant(1e-10);
    return l;
  }
  [[nodiscard]] Eigen::VectorXd upper() const {
    Eigen::VectorXd u(size);
    u[0] = 10;
    u.segment(1, alphas).setConstant(5);
    u.tail(gamma_samples * bins).setConstant(10);
    return u;
  }
  [[nodiscard]] const std::vector<double>& observed() const { return m_observed; }
  [[nodiscard]] double sigma(int gamma_index) const { return m_sigma[static_cast<std::size_t>(gamma_index)]; }

  /// Expected counts per bin.
  [[nodiscard]] Eigen::VectorXd expected(const Eigen::VectorXd& x) const {
    Eigen::VectorXd nu = Eigen::VectorXd::Zero(bins);
    for (int s = 0; s < samples; ++s)
      for (int b = 0; b < bins; ++b) nu[b] += base(x, s, b) * linear(x, s, b);
    return nu;
  }

  /// nll and, when gradient != nullptr, its gradient.
  double nll(const Eigen::VectorXd& x, Eigen::VectorXd* gradient) const {
    double e[samples * bins];
    double nu[bins] = {};
    for (int s = 0; s < samples; ++s)
      for (int b = 0; b < bins; ++b) {
        e[idx(s, b)] = base(x, s, b);
        nu[b] += e[idx(s, b)] * linear(x, s, b);
      }
    double f = 0;
    for (int b = 0; b < bins; ++b) {
      const double n = m_observed[static_cast<std::size_t>(b)];
      if (!(nu[b] > 0)) return HUGE_VAL;  // never at valid parameters: backgrounds are positive
      f += nu[b] - n * std::log(nu[b]) + std::lgamma(n + 1);
    }
    for (int k = 0; k < alphas; ++k) f += 0.5 * x[1 + k] * x[1 + k];
    for (int i = 0; i < gamma_samples * bins; ++i) {
      const double z = (x[1 + alphas + i] - 1) / m_sigma[static_cast<std::size_t>(i)];
      f += 0.5 * z * z;
    }
    if (gradient == nullptr) return f;
    Eigen::VectorXd& g = *gradient;
    g.setZero(size);
    double w[bins];
    for (int b = 0; b < bins; ++b) w[b] = 1 - m_observed[static_cast<std::size_t>(b)] / nu[b];
    for (int b = 0; b < bins; ++b) g[0] += w[b] * e[idx(0, b)];
    for (int k = 0; k < alphas; ++k) {
      double sum = x[1 + k];
      for (int s = 0; s < samples; ++s) {
        const double* l = &m_log_kappa[lk(k, s, 0)];
        for (int b = 0; b < bins; ++b) sum += w[b] * e[idx(s, b)] * linear(x, s, b) * l[b];
      }
      g[1 + k] = sum;
    }
    for (int s = 1; s <= gamma_samples; ++s)
      for (int b = 0; b < bins; ++b) {
        const int i = (s - 1) * bins + b;
        const double sigma = m_sigma[static_cast<std::size_t>(i)];
        g[1 + alphas + i] = w[b] * e[idx(s, b)] + (x[1 + alphas + i] - 1) / (sigma * sigma);
      }
    return f;
  }

  /// Analytic Hessian of nll: sum_b [n_b / nu_b^2 grad(nu_b) grad(nu_b)^T + (1 - n_b / nu_b) hess(nu_b)]
  /// plus the constraint curvatures, with grad(nu_sb) = nu_sb l_sb + e_sb u_m, l_sb = d ln(e_sb) / d theta
  /// (the alpha part), e_sb = nu_sb / m_sb and u_m the unit vector of the linear factor m_sb.
  [[nodiscard]] Eigen::MatrixXd hessian(const Eigen::VectorXd& x) const {
    Eigen::MatrixXd h = Eigen::MatrixXd::Zero(size, size);
    const Eigen::VectorXd nu = expected(x);
    // Local coordinates per bin: 0 = mu, 1..alphas = alpha_k, alphas + s = gamma of sample s in this bin.
    constexpr int local = 1 + alphas + gamma_samples;
    for (int b = 0; b < bins; ++b) {
      const double n = m_observed[static_cast<std::size_t>(b)];
      const double w = 1 - n / nu[b], c = n / (nu[b] * nu[b]);
      Eigen::VectorXd dnu = Eigen::VectorXd::Zero(local);
      Eigen::MatrixXd d2nu = Eigen::MatrixXd::Zero(local, local);
      for (int s = 0; s < samples; ++s) {
        const double e = base(x, s, b), v = e * linear(x, s, b);
        Eigen::VectorXd l = Eigen::VectorXd::Zero(local);
        for (int k = 0; k < alphas; ++k) l[1 + k] = m_log_kappa[lk(k, s, b)];
        dnu += v * l;
        d2nu += v * l * l.transpose();
        const int m = s == 0 ? 0 : (s <= gamma_samples ? alphas + s : -1);
        if (m >= 0) {
          dnu[m] += e;
          d2nu.col(m) += e * l;
          d2nu.row(m) += e * l.transpose();
        }
      }
      const Eigen::MatrixXd block = c * dnu * dnu.transpose() + w * d2nu;
      int global[local];
      for (int i = 0; i < 1 + alphas; ++i) global[i] = i;
      for (int s = 1; s <= gamma_samples; ++s) global[alphas + s] = linear_index(s, b);
      for (int j = 0; j < local; ++j)
        for (int i = 0; i < local; ++i) h(global[i], global[j]) += block(i, j);
    }
    for (int k = 0; k < alphas; ++k) h(1 + k, 1 + k) += 1;
    for (int i = 0; i < gamma_samples * bins; ++i) {
      const double sigma = m_sigma[static_cast<std::size_t>(i)];
      h(1 + alphas + i, 1 + alphas + i) += 1 / (sigma * sigma);
    }
    return h;
  }

  /// Reference minimum over the parameters not in `held` (held ones stay at x): Newton's method with
  /// the analytic Hessian, Levenberg-Marquardt damping (H + lambda (|diag H| + 1)) while H is not positive
  /// definite or the step does not lower nll, iterated until the Newton decrement g^T H^-1 g stops
  /// falling (the rounding floor). Independent of rein::fit. Assumes the minimum is inside the bounds.
  [[nodiscard]] Eigen::VectorXd newton_reference(Eigen::VectorXd x, const std::vector<bool>& held,
                                                 double* decrement) const {
    std::vector<int> free;
    for (int i = 0; i < size; ++i)
      if (!held[static_cast<std::size_t>(i)]) free.push_back(i);
    const auto k = static_cast<Eigen::Index>(free.size());
    Eigen::VectorXd g(size);
    double f = nll(x, &g);
    double last = HUGE_VAL, lambda = 0;
    for (int iteration = 0; iteration < 500; ++iteration) {
      const Eigen::MatrixXd h = hessian(x);
      Eigen::MatrixXd hr(k, k);
      Eigen::VectorXd gr(k);
      for (Eigen::Index a = 0; a < k; ++a) {
        gr[a] = g[free[static_cast<std::size_t>(a)]];
        for (Eigen::Index c = 0; c < k; ++c)
          hr(a, c) = h(free[static_cast<std::size_t>(a)], free[static_cast<std::size_t>(c)]);
      }
      const Eigen::LLT<Eigen::MatrixXd> exact(hr);
      if (exact.info() == Eigen::Success) {
        const double lambda2 = gr.dot(exact.solve(gr));
        if (decrement != nullptr) *decrement = lambda2;
        if (lambda2 < 1e-30 || (lambda == 0 && !(lambda2 < last))) break;
        last = lambda2;
      }
      bool moved = false;
      for (int attempt = 0; attempt < 60 && !moved; ++attempt) {
        Eigen::MatrixXd damped = hr;
        damped.diagonal() += lambda * (hr.diagonal().cwiseAbs().array() + 1).matrix();
        const Eigen::LLT<Eigen::MatrixXd> llt(damped);
        if (llt.info() == Eigen::Success) {
          const Eigen::VectorXd step = -llt.solve(gr);
          Eigen::VectorXd trial = x;
          for (Eigen::Index a = 0; a < k; ++a) trial[free[static_cast<std::size_t>(a)]] += step[a];
          Eigen::VectorXd gt(size);
          const double ft = nll(trial, &gt);
          if (ft <= f) {
            x = trial, f = ft, g = gt, moved = true;
            lambda = lambda > 1e-3 ? lambda / 10 : 0;
            break;
          }
        }
        lambda = lambda == 0 ? 1e-3 : lambda * 10;
      }
      if (!moved) break;
    }
    return x;
  }

 private:
  static int idx(int s, int b) { return s * bins + b; }
  static std::size_t lk(int k, int s, int b) { return (static_cast<std::size_t>(k) * samples + static_cast<std::size_t>(s)) * bins + static_cast<std::size_t>(b); }
  /// Index of the linear factor of sample s in bin b: mu (0), gamma, or -1.
  static int linear_index(int s, int b) {
    if (s == 0) return 0;
    if (s <= gamma_samples) return 1 + alphas + (s - 1) * bins + b;
    return -1;
  }
  static double linear(const Eigen::VectorXd& x, int s, int b) {
    const int m = linear_index(s, b);
    return m < 0 ? 1.0 : x[m];
  }
  double base(const Eigen::VectorXd& x, int s, int b) const {
    double exponent = 0;
    for (int k = 0; k < alphas; ++k) exponent += x[1 + k] * m_log_kappa[lk(k, s, b)];
    return m_nominal[static_cast<std::size_t>(idx(s, b))] * std::exp(exponent);
  }

  std::vector<double> m_nominal, m_log_kappa, m_sigma, m_observed;
};

}  // namespace rein::test
